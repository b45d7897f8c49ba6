import { setTimeout as sleep } from "node:timers/promises";
import { readStatsSamples } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { ContainerDetails, ContainerSummary } from "../engine/engine.js";
import { type McpRelayStatus, mcpRelayStatus } from "../mcp/relay-status.js";
import { type ParentStatus, parentStatus, STOP_TIMEOUT_SECONDS } from "../parent/parent.js";
import { markStopAll, withSpawnLock } from "../spawn/lock.js";
import { collectOrphans, describeOrphans, readIntents, sweepOrphans } from "../spawn/orphans.js";
import { Hal9000Error } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { ACTIVE_STATES, type WorkerInfo } from "../worker/info.js";
import { limitsFromHostConfig, type WorkerLimitsInfo } from "../worker/limits.js";
import { findWorker, inspectWorkers, listWorkerContainers } from "../worker/list.js";
import { liveStats, recordedStats, type SampledStats, type WorkerStats, workerStats } from "./stats.js";

const log = logFor("fleet");

/** A worker in `status`: what it is, its live figures, its limits and the UID:GID it runs as. */
export type WorkerStatus = WorkerInfo & WorkerStats & { limits: WorkerLimitsInfo; user: string | null };

export interface FleetStatus {
  parent: ParentStatus;
  workers: WorkerStatus[];
  sessionRecords: number;
  corruptRecords: number;
  /** The MCP relay (Option B): the configured servers, whether the host relay serves them, and each one's health. */
  mcp: McpRelayStatus;
}

/** Stops a worker and marks its session record; a --rm worker is then gone. */
export async function stopWorker(ctx: CoreContext, name: string): Promise<void> {
  const found = await findWorker(ctx, name);
  await stopContainer(ctx, found, name);
}

async function stopContainer(ctx: CoreContext, c: ContainerSummary, name: string): Promise<void> {
  // Stopped already, or an --rm worker that removed itself meanwhile: both are fine.
  await ctx.engine.containers.stop(c.Id, STOP_TIMEOUT_SECONDS, `stopping worker "${name}"`);
  let info: ContainerDetails | undefined = await ctx.engine.containers.inspect(
    c.Id,
    `inspecting worker "${name}"`,
  );
  if (info?.HostConfig.AutoRemove) {
    await ctx.engine.containers.removed(c.Id, `inspecting worker "${name}"`);
    info = undefined;
  }
  const now = new Date().toISOString();
  await markRecord(
    ctx,
    name,
    info
      ? {
          state: "exited",
          exitCode: info.State.ExitCode,
          finishedAt:
            info.State.FinishedAt && !info.State.FinishedAt.startsWith("0001-") ? info.State.FinishedAt : now,
        }
      : { state: "ended", finishedAt: now },
  );
  log("stopped worker %s", name);
}

async function markRecord(
  ctx: CoreContext,
  name: string,
  patch: Parameters<CoreContext["sessions"]["update"]>[1],
) {
  try {
    const current = await ctx.sessions.read(name);
    if (!current) return;
    await ctx.sessions.update(name, { ...patch, finishedAt: current.finishedAt ?? patch.finishedAt ?? null });
  } catch (err) {
    log("could not update the session record of %s: %s", name, (err as Error).message);
  }
}

/**
 * Stops every active worker of this parent, in parallel; returns their names. Spawns in
 * flight lose: it marks when it was called, and every spawn called before that gives up (at
 * its reservation, or after its start, removing its worker). It waits for the spawns it saw in
 * flight and stops those that finished first, so none outlives it; they are listed too.
 */
export async function stopAllWorkers(ctx: CoreContext, calledAt = Date.now()): Promise<string[]> {
  // Marked before queueing for the lock: spawns already waiting give up when their turn comes,
  // rather than racing stop-all for the lock (it has no fairness) and outliving it.
  await markStopAll(ctx.layout, ctx.config.parentName, calledAt);
  const { active, inFlight } = await withSpawnLock(ctx.layout, async () => {
    const sweep = await sweepOrphans(ctx);
    const orphans = describeOrphans(sweep.report);
    if (orphans) log(orphans);
    // Spawns called later are not this stop-all's to stop.
    const overtaken = sweep.inFlight.filter(
      (i) => i.parent === ctx.config.parentName && i.calledAtMs <= calledAt,
    );
    const making = new Set(overtaken.map((i) => i.name));
    return {
      active: sweep.containers.filter((c) => ACTIVE_STATES.has(c.State) && !making.has(c.name)),
      inFlight: making,
    };
  });
  const stopping = stopEach(ctx, active);
  const finished = inFlight.size === 0 ? [] : await finishedSpawns(ctx, inFlight);
  const results = [...(await stopping), ...(await stopEach(ctx, finished))];
  const failed = results.flatMap((r) => (r.error ? [`${r.name}: ${r.error.message}`] : []));
  if (failed.length > 0) {
    throw new Hal9000Error("INTERNAL", `could not stop ${failed.length} worker(s): ${failed.join("; ")}`, {
      hint: "run `hal9000 stop-all` again, or check the Docker daemon's log",
    });
  }
  return results.map((r) => r.name).sort();
}

async function stopEach(ctx: CoreContext, containers: ContainerSummary[]) {
  const results = await Promise.allSettled(containers.map((c) => stopContainer(ctx, c, c.name)));
  return results.map((r, i) => ({
    name: containers[i]?.name ?? "",
    error: r.status === "rejected" ? (r.reason as Error) : undefined,
  }));
}

/** How long stop-all waits for the spawns it overtook to give up or finish (each takes a create and a start). */
const IN_FLIGHT_WAIT_MS = 60_000;
const IN_FLIGHT_POLL_MS = 25;

/**
 * Waits until the spawns named are no longer in flight (each removes its intent once its
 * worker started, or once it removed its worker after seeing the stop-all), undoes those whose
 * spawner died, and returns the workers the others left running.
 */
async function finishedSpawns(ctx: CoreContext, names: Set<string>): Promise<ContainerSummary[]> {
  const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
  for (;;) {
    const live = (await readIntents(ctx.layout)).filter((f) => names.has(f.intent.name));
    if (live.some((f) => !f.live)) {
      await withSpawnLock(ctx.layout, () => collectOrphans(ctx)); // undoes them: stop-all wins
      continue;
    }
    if (live.length === 0 || Date.now() > deadline) break;
    await sleep(IN_FLIGHT_POLL_MS);
  }
  return (await listWorkerContainers(ctx)).filter((c) => names.has(c.name) && ACTIVE_STATES.has(c.State));
}

/** A worker's figures from the engine's own two samples; undefined when it has none (stopped, gone). */
async function liveSample(ctx: CoreContext, id: string): Promise<SampledStats | undefined> {
  const raw = await ctx.engine.containers.stats(id);
  return raw && liveStats(raw);
}

/**
 * Parent, workers with uptime/CPU/memory, records, the MCP relay. A running worker's figures are
 * the coordinator's last two samples of it (recordedStats) while they are recent; otherwise (no
 * coordinator, a worker it has not sampled yet) the engine's two samples a second apart, for
 * which each call starts as soon as the listing names the worker, all at once, while the
 * inspects are still under way.
 */
export async function fleetStatus(ctx: CoreContext): Promise<FleetStatus> {
  const listed = listWorkerContainers(ctx);
  const recorded = readStatsSamples(ctx.layout, ctx.config.parentName);
  const statsOf = Promise.all([listed, recorded]).then(([cs, samples]) => {
    const nowMs = Date.now();
    return new Map(
      cs
        .filter((c) => c.State === "running")
        .map((c) => {
          const known = recordedStats(samples[c.Id], nowMs);
          const sampled = known ? Promise.resolve(known) : liveSample(ctx, c.Id);
          sampled.catch(() => undefined);
          return [c.Id, sampled] as const;
        }),
    );
  });
  statsOf.catch(() => undefined);
  const [parent, workers, records, mcp, stats] = await Promise.all([
    parentStatus(ctx),
    inspectWorkers(ctx, listed),
    ctx.sessions.list(),
    mcpRelayStatus(ctx.layout),
    statsOf,
  ]);
  const now = new Date();
  const withStats = await Promise.all(
    workers.map(async ({ info: w, details }): Promise<WorkerStatus> => {
      const running = w.state === "running";
      const sampled = running ? await (stats.get(w.id) ?? liveSample(ctx, w.id)) : undefined;
      if (running && !sampled) log("no stats for %s", w.id.slice(0, 12));
      return {
        ...w,
        ...workerStats(sampled, w.startedAt, running, now),
        // Limits and the UID:GID it runs as, from the one inspect the listing made.
        limits: limitsFromHostConfig(details.HostConfig),
        user: details.Config.User || null,
      };
    }),
  );
  return {
    parent,
    workers: withStats,
    sessionRecords: records.records.length,
    corruptRecords: records.corrupt.length,
    mcp,
  };
}
