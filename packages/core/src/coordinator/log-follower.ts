import type { WriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { appendWorkerLog } from "@hal9000/volumes";
import type { Engine } from "../engine/engine.js";
import type { CoordinatorLog } from "./log.js";

interface Follower {
  id: string;
  /** When it began (ms): a start of the same container after this is a restart. */
  createdMs: number;
  file: WriteStream;
  stream?: Readable;
}

/** Appends each running worker's output to `<logs>/<worker>.log`, one follower per worker name. */
export class LogFollowers {
  readonly #engine: Engine;
  readonly #logsDir: string;
  readonly #log: CoordinatorLog;
  readonly #signal: AbortSignal;
  readonly #followers = new Map<string, Follower>();

  constructor(engine: Engine, logsDir: string, log: CoordinatorLog, signal: AbortSignal) {
    this.#engine = engine;
    this.#logsDir = logsDir;
    this.#log = log;
    this.#signal = signal;
  }

  /**
   * Follows a worker's output from `since` (seconds) while it runs. A new container under the
   * name, or a restart (`startedMs` after the follower began), replaces the follower: the old
   * stream may not have ended yet. A replayed start of the one followed changes nothing.
   */
  follow(name: string, id: string, since: number, startedMs?: number): void {
    if (this.#signal.aborted) return;
    const current = this.#followers.get(name);
    if (current && current.id === id && (startedMs === undefined || startedMs <= current.createdMs)) return;
    if (current) {
      this.#followers.delete(name);
      current.stream?.destroy();
      current.file.end();
    }
    const file = appendWorkerLog(this.#logsDir, name);
    file.on("error", (err) => this.#log.warn(`cannot write the log of ${name}: ${err.message}`));
    const follower: Follower = { id, createdMs: Date.now(), file };
    this.#followers.set(name, follower);
    const done = () => {
      if (this.#followers.get(name) === follower) this.#followers.delete(name);
      file.end();
    };
    const containers = this.#engine.containers;
    void containers
      .inspect(id)
      .then((info) => info && containers.logs(id, { follow: true, since, tty: info.Config.Tty }))
      .then((stream) => {
        if (!stream) throw new Error("the container is gone");
        if (this.#followers.get(name) !== follower) {
          stream.destroy();
          return;
        }
        follower.stream = stream;
        stream.pipe(file, { end: false });
        stream.once("end", done);
        stream.once("close", done);
        stream.once("error", done);
      })
      .catch((err: unknown) => {
        this.#log.debug(`no output saved for ${name}: ${(err as Error).message}`);
        done();
      });
  }

  /** The containers followed now: the running workers (a follower ends with its container's output). */
  ids(): string[] {
    return [...this.#followers.values()].map((f) => f.id);
  }

  /** Stops following, and waits until every log file is closed. */
  async close(): Promise<void> {
    const closing = [...this.#followers.values()].map((f) => {
      f.stream?.destroy();
      return new Promise<void>((resolve) => f.file.end(resolve));
    });
    this.#followers.clear();
    await Promise.all(closing);
  }
}
