import { createWriteStream, type WriteStream } from "node:fs";
import { rename, stat } from "node:fs/promises";
import type { Hal9000Config } from "@hal9000/volumes";
import { logFor } from "../vocabulary/log.js";

type Level = Hal9000Config["logLevel"];
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const debug = logFor("coordinator");

/** `<logs>/coordinator.log`: one timestamped line per event, filtered by LOG_LEVEL (and mirrored to debug). */
export class CoordinatorLog {
  readonly file: string;
  readonly #level: Level;
  #out: WriteStream;

  constructor(file: string, level: Level) {
    this.file = file;
    this.#level = level;
    this.#out = this.#open();
  }

  #open(): WriteStream {
    const out = createWriteStream(this.file, { flags: "a" });
    out.on("error", (err) => debug("cannot write %s: %s", this.file, err.message));
    return out;
  }

  /** The previous generation, after a rotation. */
  get rotatedFile(): string {
    return `${this.file}.1`;
  }

  /**
   * Once the file holds `maxBytes` or more, it becomes `<file>.1` (replacing the one before)
   * and a new file is started. True when it rotated.
   */
  async rotate(maxBytes: number): Promise<boolean> {
    const st = await stat(this.file).catch(() => undefined);
    if (!st || st.size < maxBytes) return false;
    const old = this.#out;
    // The old stream keeps its descriptor: lines still queued land in the rotated file.
    await rename(this.file, this.rotatedFile);
    this.#out = this.#open();
    await new Promise<void>((resolve) => old.end(resolve));
    return true;
  }

  write(level: Level, message: string): void {
    debug("%s %s", level, message);
    if (RANK[level] > RANK[this.#level]) return;
    this.#out.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  }

  error(message: string): void {
    this.write("error", message);
  }
  warn(message: string): void {
    this.write("warn", message);
  }
  info(message: string): void {
    this.write("info", message);
  }
  debug(message: string): void {
    this.write("debug", message);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}
