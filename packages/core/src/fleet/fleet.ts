import type Docker from "dockerode";
import type { CoreContext } from "../context/context.js";
import { dockerStatus, mapDockerError } from "../engine/docker.js";
import { type ParentStatus, parentStatus, STOP_TIMEOUT_SECONDS } from "../parent/parent.js";
import { markStopAll, withSpawnLock } from "../spawn/lock.js";
import { collectOrphans, describeOrphans } from "../spawn/orphans.js";
import { Hal9000Error } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { ACTIVE_STATES, type WorkerInfo } from "../worker/info.js";
import { limitsFromHostConfig, type WorkerLimitsInfo } from "../worker/limits.js";
import { findWorker, listWorkerContainers, listWorkers } from "../worker/list.js";
import { type RawStats, type WorkerStats, workerStats } from "./stats.js";

const log = logFor("fleet");

/** A worker in `status`: what it is, its live figures, its limits and the UID:GID it runs as. */
export type WorkerStatus = WorkerInfo & WorkerStats & { limits: WorkerLimitsInfo; user: string | null };

export interface FleetStatus {
  parent: ParentStatus;
  workers: WorkerStatus[];
  sessionRecords: number;
  corruptRecords: number;
}

/** Stops a worker and marks its session record; a --rm worker is then gone. */
export async function stopWorker(ctx: CoreContext, name: string): Promise<void> {
  const found = await findWorker(ctx, name);
  await stopContainer(ctx, found, name);
}

async function stopContainer(ctx: CoreContext, c: Docker.ContainerInfo, name: string): Promise<void> {
  const container = ctx.docker.getContainer(c.Id);
  try {
    await container.stop({ t: STOP_TIMEOUT_SECONDS });
  } catch (err) {
    // 304: already stopped; 404: an --rm worker removed itself meanwhile.
    const status = dockerStatus(err);
    if (status !== 304 && status !== 404) throw mapDockerError(err, ctx.docker, `stopping worker "${name}"`);
  }
  let info: Docker.ContainerInspectInfo | undefined;
  try {
    info = await container.inspect();
    if (info.HostConfig.AutoRemove) {
      await container.wait({ condition: "removed" });
      info = undefined;
    }
  } catch (err) {
    if (dockerStatus(err) !== 404) throw mapDockerError(err, ctx.docker, `inspecting worker "${name}"`);
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
  const names = active.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""));
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

async function oneShotStats(ctx: CoreContext, id: string): Promise<RawStats | undefined> {
  try {
    return (await ctx.docker.getContainer(id).stats({ stream: false })) as RawStats;
  } catch (err) {
    log("no stats for %s: %s", id.slice(0, 12), (err as Error).message);
    return undefined;
  }
}

/** Limits and user from the container (none when it was removed meanwhile). */
async function workerHardening(
  ctx: CoreContext,
  id: string,
): Promise<{ limits: WorkerLimitsInfo; user: string | null }> {
  try {
    const info = await ctx.docker.getContainer(id).inspect();
    return { limits: limitsFromHostConfig(info.HostConfig), user: info.Config.User || null };
  } catch (err) {
    log("no inspect for %s: %s", id.slice(0, 12), (err as Error).message);
    return { limits: limitsFromHostConfig(undefined), user: null };
  }
}

/** Parent, workers with uptime/CPU/memory (one non-streaming stats call each, in parallel), records. */
export async function fleetStatus(ctx: CoreContext): Promise<FleetStatus> {
  const [parent, workers, records] = await Promise.all([
    parentStatus(ctx),
    listWorkers(ctx),
    ctx.sessions.list(),
  ]);
  const now = new Date();
  const withStats = await Promise.all(
    workers.map(async (w): Promise<WorkerStatus> => {
      const running = w.state === "running";
      const [raw, hardening] = await Promise.all([
        running ? oneShotStats(ctx, w.id) : undefined,
        workerHardening(ctx, w.id),
      ]);
      return { ...w, ...workerStats(raw, w.startedAt, running, now), ...hardening };
    }),
  );
  return {
    parent,
    workers: withStats,
    sessionRecords: records.records.length,
    corruptRecords: records.corrupt.length,
  };
}
