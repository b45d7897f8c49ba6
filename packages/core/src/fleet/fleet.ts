import type { CoreContext } from "../context/context.js";
import type { ContainerDetails, ContainerSummary } from "../engine/engine.js";
import { type McpRelayStatus, mcpRelayStatus } from "../mcp/relay-status.js";
import { type ParentStatus, parentStatus, STOP_TIMEOUT_SECONDS } from "../parent/parent.js";
import { markStopAll, withSpawnLock } from "../spawn/lock.js";
import { collectOrphans, describeOrphans } from "../spawn/orphans.js";
import { Hal9000Error } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { ACTIVE_STATES, type WorkerInfo } from "../worker/info.js";
import { limitsFromHostConfig, type WorkerLimitsInfo } from "../worker/limits.js";
import { findWorker, inspectWorkers, listWorkerContainers } from "../worker/list.js";
import { type WorkerStats, workerStats } from "./stats.js";

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
 * flight lose: under the spawn lock (so none is half-way) it marks when it was called, and
 * every spawn called before that and still waiting for the lock gives up; the ones that
 * already hold it finish first and are listed here.
 */
export async function stopAllWorkers(ctx: CoreContext, calledAt = Date.now()): Promise<string[]> {
  // Marked before queueing for the lock: spawns already waiting give up when their turn comes,
  // rather than racing stop-all for the lock (it has no fairness) and outliving it.
  await markStopAll(ctx.layout, ctx.config.parentName, calledAt);
  const active = await withSpawnLock(ctx.layout, async () => {
    const orphans = describeOrphans(await collectOrphans(ctx));
    if (orphans) log(orphans);
    return (await listWorkerContainers(ctx)).filter((c) => ACTIVE_STATES.has(c.State));
  });
  const names = active.map((c) => c.name);
  const results = await Promise.allSettled(active.map((c, i) => stopContainer(ctx, c, names[i] ?? c.Id)));
  const failed = results.flatMap((r, i) =>
    r.status === "rejected" ? [`${names[i]}: ${(r.reason as Error).message}`] : [],
  );
  if (failed.length > 0) {
    throw new Hal9000Error("INTERNAL", `could not stop ${failed.length} worker(s): ${failed.join("; ")}`, {
      hint: "run `hal9000 stop-all` again, or check the Docker daemon's log",
    });
  }
  return names.sort();
}

/** Parent, workers with uptime/CPU/memory (one non-streaming stats call each, in parallel), records, the MCP relay. */
export async function fleetStatus(ctx: CoreContext): Promise<FleetStatus> {
  const [parent, workers, records, mcp] = await Promise.all([
    parentStatus(ctx),
    inspectWorkers(ctx),
    ctx.sessions.list(),
    mcpRelayStatus(ctx.layout),
  ]);
  const now = new Date();
  const withStats = await Promise.all(
    workers.map(async ({ info: w, details }): Promise<WorkerStatus> => {
      const running = w.state === "running";
      const raw = running ? await ctx.engine.containers.stats(w.id) : undefined;
      if (running && !raw) log("no stats for %s", w.id.slice(0, 12));
      return {
        ...w,
        ...workerStats(raw, w.startedAt, running, now),
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
