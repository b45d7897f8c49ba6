import { createWriteStream, type WriteStream } from "node:fs";
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { initHome, type SessionRecord } from "@hal9000/volumes";
import type Docker from "dockerode";
import type { CoreContext } from "../context/context.js";
import { dockerMessage, dockerStatus, mapDockerError } from "../engine/docker.js";
import { repairWorkerNetworks } from "../fleet/recovery.js";
import { watchRelayPort } from "../mcp/relay-port.js";
import { withSpawnLock } from "../spawn/lock.js";
import { collectOrphans, describeOrphans } from "../spawn/orphans.js";
import {
  isOwned,
  isWorkerOf,
  LABEL_DETACHED,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  LABEL_ROLE,
  labelFlag,
  roleFilter,
} from "../vocabulary/labels.js";
import { HAL9000_VERSION } from "../vocabulary/version.js";
import { ACTIVE_STATES } from "../worker/info.js";
import { containerLogStream, workerLogPath } from "../worker/logs.js";
import { CoordinatorLog } from "./log.js";

export const COORDINATOR_PID_FILE = "coordinator.pid";
export const COORDINATOR_LOG_FILE = "coordinator.log";
const DAY_MS = 86_400_000;
/** The sweep waits this long at most for the spawn lock; a busy lock means spawns are at work, and the next sweep comes. */
const SWEEP_LOCK_TIMEOUT_MS = 5_000;

export interface CoordinatorOptions {
  signal: AbortSignal;
  /** First and longest pause before reconnecting a broken event stream. */
  reconnectDelayMs?: { min: number; max: number };
  /** How often to look for what interrupted spawns left behind (default 60 s). */
  sweepIntervalMs?: number;
}

/** The subset of a Docker event hal9000 reads. */
interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/**
 * The parent's main process: keeps session records true to Docker (start → running,
 * die → exited with its code, destroy → ended), saves each worker's output to
 * `<logs>/<worker>.log`, and reconnects to the event stream when it breaks. When it
 * starts, reconnects, or sees the parent start, it brings workers left in a dead network
 * namespace back into the parent's (recovery.ts); at start, on reconnect and every
 * sweepIntervalMs it removes what interrupted spawns left (orphans.ts). Returns when
 * `signal` aborts.
 */
export async function runCoordinator(ctx: CoreContext, opts: CoordinatorOptions): Promise<void> {
  await initHome(ctx.layout);
  const pidFile = join(ctx.layout.logs, COORDINATOR_PID_FILE);
  const log = new CoordinatorLog(join(ctx.layout.logs, COORDINATOR_LOG_FILE), ctx.config.logLevel);
  await writeFile(pidFile, `${process.pid}\n`);
  const coordinator = new Coordinator(ctx, log, opts);
  // The MCP relay's loopback port, open only while mcp.json lists servers.
  const relayPort = await watchRelayPort(ctx.layout, log);
  try {
    await coordinator.run();
  } finally {
    await relayPort.close().catch((err: unknown) => log.error(`MCP relay port: ${(err as Error).message}`));
    await coordinator.shutdown().catch((err: unknown) => log.error(`shutdown: ${(err as Error).message}`));
    await rm(pidFile, { force: true });
    await log.close();
  }
}

interface Follower {
  id: string;
  /** When it began (ms): a start of the same container after this is a restart. */
  createdMs: number;
  file: WriteStream;
  stream?: NodeJS.ReadableStream;
}

class Coordinator {
  readonly #ctx: CoreContext;
  readonly #log: CoordinatorLog;
  readonly #signal: AbortSignal;
  readonly #delay: { min: number; max: number };
  readonly #sweepMs: number;
  readonly #followers = new Map<string, Follower>();
  readonly #seen = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #since = 0;

  constructor(ctx: CoreContext, log: CoordinatorLog, opts: CoordinatorOptions) {
    this.#ctx = ctx;
    this.#log = log;
    this.#signal = opts.signal;
    this.#delay = opts.reconnectDelayMs ?? { min: 1000, max: 30_000 };
    this.#sweepMs = opts.sweepIntervalMs ?? 60_000;
  }

  get #parent(): string {
    return this.#ctx.config.parentName;
  }

  async run(): Promise<void> {
    const { layout, config } = this.#ctx;
    this.#log.info(
      `coordinator started: pid ${process.pid}, parent "${this.#parent}", hal9000 ${HAL9000_VERSION}, home ${layout.home}`,
    );
    // Workers first: after a parent restart they have no network until this runs.
    await this.#repair();
    await this.#prune(config.logRetentionDays);
    // Events from this second on are replayed on connect, so nothing between reconcile and subscribe is lost.
    this.#since = Math.floor(Date.now() / 1000);
    await this.#sweep();
    await this.#reconcile();
    const sweeper = setInterval(() => this.#enqueueTask("sweep", () => this.#sweep()), this.#sweepMs);
    sweeper.unref();
    let delay = this.#delay.min;
    let broken = false;
    try {
      while (!this.#signal.aborted) {
        try {
          const stream = await this.#ctx.docker.getEvents({
            since: this.#since,
            filters: {
              type: ["container"],
              event: ["start", "die", "destroy"],
              // Any hal9000 container: this parent's workers, and the parent itself (its start means new namespace).
              label: [LABEL_ROLE],
            },
          });
          delay = this.#delay.min;
          if (broken) this.#log.info("watching Docker events again");
          else this.#log.debug("watching Docker events");
          await this.#consume(stream);
          if (this.#signal.aborted) break;
          this.#log.warn(`Docker event stream ended; reconnecting in ${delay} ms`);
        } catch (err) {
          if (this.#signal.aborted) break;
          this.#log.warn(
            `Docker event stream failed (${mapDockerError(err, this.#ctx.docker, "events").message}); retrying in ${delay} ms`,
          );
        }
        broken = true;
        await sleep(delay, this.#signal);
        delay = Math.min(delay * 2, this.#delay.max);
        if (this.#signal.aborted) break;
        // What happened while nobody listened (a daemon restart restarts the parent, stops workers).
        await this.#run("reconcile", async () => {
          await this.#repair();
          await this.#sweep();
          await this.#reconcile();
        });
      }
    } finally {
      clearInterval(sweeper);
    }
  }

  /** Restarts or recreates workers left in a dead network namespace. */
  async #repair(): Promise<void> {
    try {
      await repairWorkerNetworks(this.#ctx, this.#log);
    } catch (err) {
      this.#log.warn(`cannot check the workers' network: ${(err as Error).message}`);
    }
  }

  /** Removes what interrupted spawns left behind; skipped while spawns hold the lock. */
  async #sweep(): Promise<void> {
    try {
      const report = await withSpawnLock(this.#ctx.layout, () => collectOrphans(this.#ctx), {
        timeoutMs: SWEEP_LOCK_TIMEOUT_MS,
      });
      const text = describeOrphans(report);
      if (text) this.#log.info(text);
    } catch (err) {
      this.#log.debug(`orphan sweep skipped: ${(err as Error).message}`);
    }
  }

  async shutdown(): Promise<void> {
    await this.#queue;
    const closing = [...this.#followers.values()].map((f) => {
      (f.stream as { destroy?: () => void } | undefined)?.destroy?.();
      return new Promise<void>((resolve) => f.file.end(resolve));
    });
    this.#followers.clear();
    await Promise.all(closing);
    let left: string[] = [];
    try {
      const containers = await this.#ctx.docker.listContainers({
        all: true,
        filters: roleFilter("worker", this.#parent),
      });
      left = containers
        .filter((c) => isWorkerOf(c.Labels, this.#parent) && ACTIVE_STATES.has(c.State))
        .map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""))
        .sort();
    } catch (err) {
      this.#log.warn(`cannot list the workers left behind: ${dockerMessage(err)}`);
    }
    this.#log.info(
      left.length === 0
        ? "coordinator stopping; no workers left running"
        : `coordinator stopping; leaving ${left.length} worker(s) running: ${left.join(", ")}`,
    );
  }

  /** Reads newline-delimited JSON events until the stream ends, fails or the signal aborts. */
  #consume(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      let buffer = "";
      const finish = () => {
        this.#signal.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        (stream as { destroy?: () => void }).destroy?.();
        finish();
      };
      this.#signal.addEventListener("abort", onAbort, { once: true });
      stream.on("data", (chunk: Buffer | string) => {
        buffer += chunk.toString();
        for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
          const line = buffer.slice(0, i).trim();
          buffer = buffer.slice(i + 1);
          if (line === "") continue;
          try {
            this.#enqueue(JSON.parse(line) as DockerEvent);
          } catch {
            this.#log.warn(`unreadable Docker event: ${line.slice(0, 200)}`);
          }
        }
      });
      stream.once("end", finish);
      stream.once("close", finish);
      stream.once("error", (err: Error) => {
        this.#log.debug(`event stream error: ${err.message}`);
        finish();
      });
    });
  }

  #enqueue(ev: DockerEvent): void {
    this.#enqueueTask(`handling ${ev.Action ?? ev.status} event`, () => this.#handle(ev));
  }

  /** Everything that writes records runs in one queue, in order. */
  #enqueueTask(what: string, task: () => Promise<void>): void {
    this.#queue = this.#queue
      .then(task)
      .catch((err: unknown) => this.#log.error(`${what}: ${(err as Error).message}`));
  }

  #run(what: string, task: () => Promise<void>): Promise<void> {
    this.#enqueueTask(what, task);
    return this.#queue;
  }

  async #handle(ev: DockerEvent): Promise<void> {
    const action = ev.Action ?? ev.status;
    const id = ev.Actor?.ID ?? ev.id ?? "";
    const attrs = ev.Actor?.Attributes ?? {};
    const name = attrs.name;
    if (ev.Type !== "container" || !name) return;
    const ours = isWorkerOf(attrs, this.#parent);
    const parentStart = action === "start" && name === this.#parent && isOwned(attrs, "parent");
    if (!ours && !parentStart) return;
    const key = `${id}:${action}:${ev.timeNano ?? ev.time}`;
    if (this.#seen.has(key)) return; // replayed after a reconnect
    if (this.#seen.size > 10_000) this.#seen.clear();
    this.#seen.add(key);
    if (ev.time) this.#since = Math.max(this.#since, ev.time);
    if (parentStart) {
      this.#log.info(`parent ${name} started (${id.slice(0, 12)}); checking its workers' network`);
      await this.#repair();
      return;
    }
    const at = new Date(
      ev.timeNano ? Math.floor(ev.timeNano / 1e6) : (ev.time ?? Date.now() / 1000) * 1000,
    ).toISOString();
    const sessions = this.#ctx.sessions;
    switch (action) {
      case "start": {
        // Handled late (or replayed): a container already gone gets no record (its destroy follows),
        // and one already stopped keeps what its die event says.
        const live = await this.#ctx.docker
          .getContainer(id)
          .inspect()
          .catch(() => undefined);
        if (!live) return;
        await this.#ensureRecord(name, id, attrs, at);
        if (!live.State.Running) return;
        await sessions.update(name, { state: "running", startedAt: at, exitCode: null, finishedAt: null });
        this.#log.info(`worker ${name} started (${id.slice(0, 12)}, image ${attrs.image ?? "?"})`);
        this.#follow(name, id, ev.time ?? 0, Date.parse(at));
        return;
      }
      case "die": {
        const record = await sessions.read(name);
        if (record && record.id !== id) return; // an older container of the same name
        const exitCode = Number.parseInt(attrs.exitCode ?? "", 10);
        if (record) {
          await sessions.update(name, {
            state: "exited",
            exitCode: Number.isNaN(exitCode) ? null : exitCode,
            finishedAt: at,
          });
        }
        this.#log.info(`worker ${name} exited with code ${attrs.exitCode ?? "?"}`);
        return;
      }
      case "destroy": {
        const record = await sessions.read(name);
        if (record && record.id !== id) return;
        if (record) await sessions.update(name, { state: "ended", finishedAt: record.finishedAt ?? at });
        this.#log.info(`worker ${name} removed`);
        return;
      }
    }
  }

  /** A record for a worker hal9000 did not spawn here (or a new container reusing a name). */
  async #ensureRecord(
    name: string,
    id: string,
    labels: Record<string, string>,
    created: string,
  ): Promise<void> {
    const current = await this.#ctx.sessions.read(name).catch(() => undefined);
    if (current?.id === id) return;
    const record: SessionRecord = {
      schemaVersion: 1,
      name,
      id,
      image: labels.image ?? "",
      parent: labels[LABEL_PARENT] ?? this.#parent,
      project: labels[LABEL_PROJECT] ?? null,
      created,
      detached: labelFlag(labels, LABEL_DETACHED, true),
      removeOnExit: labelFlag(labels, LABEL_REMOVE_ON_EXIT, false),
      state: "created",
      exitCode: null,
      startedAt: null,
      finishedAt: null,
    };
    await this.#ctx.sessions.write(record);
    this.#log.info(`recorded worker ${name} (${id.slice(0, 12)})`);
  }

  /** Makes every record of this parent's workers match Docker, and ends the records of workers that are gone. */
  async #reconcile(): Promise<void> {
    const { docker, sessions } = this.#ctx;
    let all: Docker.ContainerInfo[];
    try {
      // Every parent's workers count as live: records of another parent sharing this home are not ended.
      all = await docker.listContainers({ all: true, filters: roleFilter("worker") });
    } catch (err) {
      throw mapDockerError(err, docker, "listing workers");
    }
    for (const c of all.filter((x) => isWorkerOf(x.Labels, this.#parent))) {
      const name = (c.Names[0] ?? c.Id).replace(/^\//, "");
      let info: Docker.ContainerInspectInfo;
      try {
        info = await docker.getContainer(c.Id).inspect();
      } catch (err) {
        if (dockerStatus(err) === 404) continue;
        throw err;
      }
      await this.#ensureRecord(
        name,
        c.Id,
        { ...(info.Config.Labels ?? {}), image: info.Config.Image },
        info.Created,
      );
      const s = info.State;
      if (s.Status === "running") {
        await sessions.update(name, {
          state: "running",
          startedAt: s.StartedAt,
          exitCode: null,
          finishedAt: null,
        });
        this.#follow(name, c.Id, await resumeFrom(workerLogPath(this.#ctx.layout.logs, name)));
      } else if (s.Status === "exited" || s.Status === "dead") {
        await sessions.update(name, { state: "exited", exitCode: s.ExitCode, finishedAt: s.FinishedAt });
      }
    }
    const live = new Set(all.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, "")));
    const ended = await sessions.reconcile(live);
    if (ended.length > 0)
      this.#log.info(`records of workers gone meanwhile marked ended: ${ended.join(", ")}`);
  }

  /** Drops records finished more than LOG_RETENTION_DAYS ago, their logs, and stale worker logs. */
  async #prune(days: number): Promise<void> {
    const logs = this.#ctx.layout.logs;
    const pruned = await this.#ctx.sessions.prune(days);
    for (const name of pruned) await rm(workerLogPath(logs, name), { force: true });
    const cutoff = Date.now() - days * DAY_MS;
    const { records } = await this.#ctx.sessions.list();
    const current = new Set(records.map((r) => r.name));
    let stale = 0;
    for (const entry of await readdir(logs).catch(() => [] as string[])) {
      if (!entry.endsWith(".log") || entry === COORDINATOR_LOG_FILE) continue;
      if (current.has(entry.slice(0, -".log".length))) continue;
      const file = join(logs, entry);
      const st = await stat(file).catch(() => undefined);
      if (st && st.mtimeMs < cutoff) {
        await rm(file, { force: true });
        stale++;
      }
    }
    if (pruned.length > 0 || stale > 0) {
      this.#log.info(
        `pruned ${pruned.length} session record(s) and ${pruned.length + stale} log(s) older than ${days} days`,
      );
    }
  }

  /**
   * Appends a worker's output to its log file while it runs. A new container under the
   * name, or a restart (`startedMs` after the follower began), replaces the follower: the
   * old stream may not have ended yet. A replayed start of the one followed changes nothing.
   */
  #follow(name: string, id: string, since: number, startedMs?: number): void {
    if (this.#signal.aborted) return;
    const current = this.#followers.get(name);
    if (current && current.id === id && (startedMs === undefined || startedMs <= current.createdMs)) return;
    if (current) {
      this.#followers.delete(name);
      (current.stream as { destroy?: () => void } | undefined)?.destroy?.();
      current.file.end();
    }
    const file = createWriteStream(workerLogPath(this.#ctx.layout.logs, name), { flags: "a" });
    file.on("error", (err) => this.#log.warn(`cannot write the log of ${name}: ${err.message}`));
    const follower: Follower = { id, createdMs: Date.now(), file };
    this.#followers.set(name, follower);
    const done = () => {
      if (this.#followers.get(name) === follower) this.#followers.delete(name);
      file.end();
    };
    const container = this.#ctx.docker.getContainer(id);
    void container
      .inspect()
      .then((info) =>
        containerLogStream(this.#ctx.docker, container, { follow: true, since, tty: info.Config.Tty }),
      )
      .then((stream) => {
        if (this.#followers.get(name) !== follower) {
          (stream as { destroy?: () => void }).destroy?.();
          return;
        }
        follower.stream = stream;
        stream.pipe(file, { end: false });
        stream.once("end", done);
        stream.once("close", done);
        stream.once("error", done);
      })
      .catch((err: unknown) => {
        this.#log.debug(`no output saved for ${name}: ${dockerMessage(err)}`);
        done();
      });
  }
}

/** Where to resume a worker's log: after what the file already holds (a previous coordinator's). */
async function resumeFrom(file: string): Promise<number> {
  const st = await stat(file).catch(() => undefined);
  return st ? Math.floor(st.mtimeMs / 1000) : 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
