import {
  COORDINATOR_LOG_FILE,
  COORDINATOR_PID_FILE,
  coordinatorLogPath,
  initHome,
  removeCoordinatorPid,
  workerLogWrittenAt,
  writeCoordinatorPid,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { EngineEvent } from "../engine/engine.js";
import { repairWorkerNetworks } from "../fleet/recovery.js";
import { watchRelayPort } from "../mcp/relay-port.js";
import { withSpawnLock } from "../spawn/lock.js";
import { collectOrphans, describeOrphans } from "../spawn/orphans.js";
import { isWorkerOf, roleFilter } from "../vocabulary/labels.js";
import { HAL9000_VERSION } from "../vocabulary/version.js";
import { ACTIVE_STATES } from "../worker/info.js";
import { listWorkerContainers } from "../worker/list.js";
import { followEvents } from "./event-stream.js";
import { CoordinatorLog } from "./log.js";
import { LogFollowers } from "./log-follower.js";
import {
  type CoordinatorEvent,
  type RecordSync,
  readEvent,
  syncFromInspect,
  syncRecord,
} from "./record-sync.js";
import { pruneRecordsAndLogs, rotateCoordinatorLog } from "./retention.js";
import { StatsSampler } from "./stats-sampler.js";

// Where the coordinator keeps its pid and log: defined in @hal9000/volumes with the rest of the home.
export { COORDINATOR_LOG_FILE, COORDINATOR_PID_FILE };

/** The sweep waits this long at most for the spawn lock; a busy lock means spawns are at work, and the next sweep comes. */
const SWEEP_LOCK_TIMEOUT_MS = 5_000;

export interface CoordinatorOptions {
  signal: AbortSignal;
  /** First and longest pause before reconnecting a broken event stream. */
  reconnectDelayMs?: { min: number; max: number };
  /** How often to look for what interrupted spawns left behind (default 60 s). */
  sweepIntervalMs?: number;
  /** How often to record each running worker's CPU and memory figures for `status` (default 5 s). */
  statsIntervalMs?: number;
}

/**
 * The parent's main process: keeps session records true to Docker (start → running,
 * die → exited with its code, destroy → ended; record-sync.ts), saves each worker's output to
 * `<logs>/<worker>.log` (log-follower.ts), and reconnects to the event stream when it breaks
 * (event-stream.ts), and records each running worker's CPU and memory figures every few
 * seconds for `status` (stats-sampler.ts). When it starts, reconnects, or sees the parent start, it brings workers
 * left in a dead network namespace back into the parent's (recovery.ts); at start, on
 * reconnect and every sweepIntervalMs it removes what interrupted spawns left (orphans.ts) and
 * rotates its own log when large (retention.ts). Returns when `signal` aborts.
 */
export async function runCoordinator(ctx: CoreContext, opts: CoordinatorOptions): Promise<void> {
  await initHome(ctx.layout);
  const log = new CoordinatorLog(coordinatorLogPath(ctx.layout), ctx.config.logLevel);
  await writeCoordinatorPid(ctx.layout);
  const coordinator = new Coordinator(ctx, log, opts);
  // The MCP relay's loopback port, open only while mcp.json lists servers.
  const relayPort = await watchRelayPort(ctx.layout, log);
  try {
    await coordinator.run();
  } finally {
    await relayPort.close().catch((err: unknown) => log.error(`MCP relay port: ${(err as Error).message}`));
    await coordinator.shutdown().catch((err: unknown) => log.error(`shutdown: ${(err as Error).message}`));
    await removeCoordinatorPid(ctx.layout);
    await log.close();
  }
}

class Coordinator {
  readonly #ctx: CoreContext;
  readonly #log: CoordinatorLog;
  readonly #opts: CoordinatorOptions;
  readonly #followers: LogFollowers;
  readonly #seen = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #since = 0;

  constructor(ctx: CoreContext, log: CoordinatorLog, opts: CoordinatorOptions) {
    this.#ctx = ctx;
    this.#log = log;
    this.#opts = opts;
    this.#followers = new LogFollowers(ctx.engine, ctx.layout.logs, log, opts.signal);
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
    await rotateCoordinatorLog(this.#log);
    await pruneRecordsAndLogs(this.#ctx, config.logRetentionDays, this.#log);
    // Events from this second on are replayed on connect, so nothing between reconcile and subscribe is lost.
    this.#since = Math.floor(Date.now() / 1000);
    await this.#sweep();
    await this.#reconcile();
    const sweeper = setInterval(
      () => this.#enqueueTask("sweep", () => this.#sweep()),
      this.#opts.sweepIntervalMs ?? 60_000,
    );
    sweeper.unref();
    const sampling = new AbortController();
    const sampler = new StatsSampler(
      this.#ctx,
      this.#log,
      () => this.#followers.ids(),
      this.#opts.statsIntervalMs,
    ).run(sampling.signal);
    try {
      await followEvents(this.#ctx.engine, {
        signal: this.#opts.signal,
        delayMs: this.#opts.reconnectDelayMs ?? { min: 1000, max: 30_000 },
        since: () => this.#since,
        onEvent: (ev) => this.#enqueue(ev),
        log: this.#log,
        // What happened while nobody listened (a daemon restart restarts the parent, stops workers).
        onReconnect: () =>
          this.#run("reconcile", async () => {
            await this.#repair();
            await this.#sweep();
            await this.#reconcile();
          }),
      });
    } finally {
      clearInterval(sweeper);
      sampling.abort();
      await sampler;
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

  /** Removes what interrupted spawns left behind (skipped while spawns hold the lock); rotates a large log. */
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
    await rotateCoordinatorLog(this.#log);
  }

  async shutdown(): Promise<void> {
    await this.#queue;
    await this.#followers.close();
    let left: string[] = [];
    try {
      left = (await listWorkerContainers(this.#ctx))
        .filter((c) => ACTIVE_STATES.has(c.State))
        .map((c) => c.name)
        .sort();
    } catch (err) {
      this.#log.warn(`cannot list the workers left behind: ${(err as Error).message}`);
    }
    this.#log.info(
      left.length === 0
        ? "coordinator stopping; no workers left running"
        : `coordinator stopping; leaving ${left.length} worker(s) running: ${left.join(", ")}`,
    );
  }

  #enqueue(raw: EngineEvent): void {
    const ev = readEvent(raw, this.#parent);
    if (!ev) return;
    if (this.#seen.has(ev.key)) return; // replayed after a reconnect
    if (this.#seen.size > 10_000) this.#seen.clear();
    this.#seen.add(ev.key);
    if (ev.time) this.#since = Math.max(this.#since, ev.time);
    const action = ev.kind === "worker" ? ev.action : "start";
    this.#enqueueTask(`handling ${action} event`, () => this.#handle(ev));
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

  async #handle(ev: CoordinatorEvent): Promise<void> {
    if (ev.kind === "parent-start") {
      this.#log.info(`parent ${ev.name} started (${ev.id.slice(0, 12)}); checking its workers' network`);
      await this.#repair();
      return;
    }
    const live =
      ev.action === "start"
        ? await this.#ctx.engine.containers.inspect(ev.id).catch(() => undefined)
        : undefined;
    const reading = this.#ctx.sessions.read(ev.name);
    const record = ev.action === "start" ? await reading.catch(() => undefined) : await reading;
    const sync = syncRecord(ev, record, live && { running: live.State.Running }, this.#parent);
    await this.#write(ev.name, ev.id, sync);
    if (sync.message) this.#log.info(sync.message);
    if (sync.follow) this.#followers.follow(ev.name, ev.id, ev.time ?? 0, Date.parse(ev.at));
  }

  async #write(name: string, id: string, sync: RecordSync): Promise<void> {
    if (sync.create) {
      await this.#ctx.sessions.write(sync.create);
      this.#log.info(`recorded worker ${name} (${id.slice(0, 12)})`);
    }
    if (sync.patch) await this.#ctx.sessions.update(name, sync.patch);
  }

  /** Makes every record of this parent's workers match Docker, and ends the records of workers that are gone. */
  async #reconcile(): Promise<void> {
    const { engine, sessions } = this.#ctx;
    // Every parent's workers count as live: records of another parent sharing this home are not ended.
    const all = await engine.containers.list(roleFilter("worker"), "listing workers");
    for (const c of all.filter((x) => isWorkerOf(x.Labels, this.#parent))) {
      const info = await engine.containers.inspect(c.Id);
      if (!info) continue;
      const record = await sessions.read(info.name).catch(() => undefined);
      const sync = syncFromInspect(info, record, this.#parent);
      await this.#write(info.name, c.Id, sync);
      if (sync.follow) {
        this.#followers.follow(
          info.name,
          c.Id,
          // After what the file already holds (a previous coordinator's).
          await workerLogWrittenAt(this.#ctx.layout.logs, info.name),
        );
      }
    }
    const ended = await sessions.reconcile(new Set(all.map((c) => c.name)));
    if (ended.length > 0)
      this.#log.info(`records of workers gone meanwhile marked ended: ${ended.join(", ")}`);
  }
}
