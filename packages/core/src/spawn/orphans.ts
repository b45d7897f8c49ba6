/**
 * What a spawn leaves behind when its process dies half-way (SIGKILL, a crash, a lost
 * machine), and how whoever holds the spawn lock next undoes it.
 *
 * A spawn reserves its worker under the spawn lock by writing its intent
 * (`<home>/locks/spawn-intent-<name>.json`: the worker's name, whether the spawn made the
 * worker's home, when it was called, and who writes it: pid, host, pid namespace, process
 * start time), then makes and starts the worker outside the lock, and removes the intent once
 * the worker has started or everything is cleaned up. An intent whose writer is gone (its pid
 * dead here, or its file not refreshed for a minute when written elsewhere) names a dead
 * spawn: the sweep removes its never-started container, its record, and the home only if that
 * spawn made it (a named worker's earlier home holds a user's Claude history). A worker that
 * did start is kept (the coordinator records it), unless a stop-all was called after that
 * spawn: stop-all wins.
 *
 * A worker container in state "created" that no live intent names was made by a dead spawner
 * too (or one of an earlier version, which wrote no per-spawn intent): removed with its record.
 */
import {
  clearSpawnIntent,
  type FoundSpawnIntent,
  type HomeLayout,
  readSpawnIntents,
  readStopAllMarker,
  removeWorkerCredential,
  removeWorkerHome,
  type SessionRecord,
  SPAWN_INTENT_FILE,
  type SpawnIntent,
  spawnIntentLive,
  spawnIntentPath,
  writeSpawnIntent,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { ContainerDetails, ContainerSummary } from "../engine/engine.js";
import { isWorkerOf } from "../vocabulary/labels.js";
import { logFor } from "../vocabulary/log.js";
import { listWorkerContainers } from "../worker/list.js";

const log = logFor("orphans");

// The intent's file and format live in @hal9000/volumes; what to undo is decided here.
export { clearSpawnIntent, SPAWN_INTENT_FILE, type SpawnIntent, spawnIntentPath, writeSpawnIntent };

/** What an undone intent or a sweep removed. */
export interface OrphanReport {
  containers: string[];
  records: string[];
  homes: string[];
}

/** The intents in the home, each with whether its spawn may still be at work. Call under the spawn lock. */
export async function readIntents(layout: HomeLayout): Promise<Array<FoundSpawnIntent & { live: boolean }>> {
  const found = await readSpawnIntents(layout, (name, text) => {
    // Written atomically, so never torn by a live writer: it names nothing anyone can act on.
    log("removing an unreadable spawn intent (%s): %s", name ?? "shared", text.slice(0, 200));
    void clearSpawnIntent(layout, name).catch(() => undefined);
  });
  const now = Date.now();
  // The earlier versions' one file was written and removed under the lock we hold: its writer died.
  return Promise.all(found.map(async (f) => ({ ...f, live: !f.legacy && (await spawnIntentLive(f, now)) })));
}

export interface IntentUndo {
  removeContainer: boolean;
  removeRecord: boolean;
  removeHome: boolean;
  /** The worker's credential copy (secrets/workers/<name>/): written by that spawn, used by no one. */
  removeSecrets: boolean;
}

/**
 * What to undo for a dead spawn's intent, given the container now holding its name (if one of
 * that parent's workers does), its session record, and whether a stop-all was called at or
 * after that spawn was (then even a worker that started goes: no worker outlives a stop-all
 * asked for after its spawn). Pure.
 */
export function planIntentUndo(
  intent: Pick<SpawnIntent, "homeCreated">,
  container: { id: string; state: string } | undefined,
  record: Pick<SessionRecord, "id" | "state"> | undefined,
  opts: { cancelled?: boolean } = {},
): IntentUndo {
  if (container && container.state !== "created" && !opts.cancelled) {
    // It started: a real worker whose spawner died afterwards.
    return { removeContainer: false, removeRecord: false, removeHome: false, removeSecrets: false };
  }
  if (container) {
    return {
      removeContainer: true,
      removeRecord: record !== undefined && (record.id === container.id || record.state === "created"),
      removeHome: intent.homeCreated,
      removeSecrets: true,
    };
  }
  // No container: it was never made, or a --rm worker already ran and went (its record moved on).
  const started = record !== undefined && record.state !== "created";
  return {
    removeContainer: false,
    removeRecord: record !== undefined && !started,
    removeHome: !started && intent.homeCreated,
    removeSecrets: !started,
  };
}

async function inspectWorker(
  ctx: CoreContext,
  name: string,
  parent: string,
): Promise<ContainerDetails | undefined> {
  const info = await ctx.engine.containers.inspect(name, `inspecting "${name}"`);
  return info && isWorkerOf(info.Config.Labels ?? undefined, parent) ? info : undefined;
}

async function removeContainer(ctx: CoreContext, id: string): Promise<void> {
  await ctx.engine.containers.remove(id, `removing ${id.slice(0, 12)}`);
}

async function readRecord(ctx: CoreContext, name: string): Promise<SessionRecord | undefined> {
  try {
    return await ctx.sessions.read(name);
  } catch {
    return undefined; // corrupt: `hal9000 status` reports it; not ours to judge here
  }
}

/**
 * Undoes one spawn's intent (a dead spawner's, or a failed spawn's own) and removes the intent
 * file. Idempotent: what is already gone is skipped.
 */
export async function undoSpawnIntent(
  ctx: CoreContext,
  intent: SpawnIntent,
  report: OrphanReport,
  legacy = false,
): Promise<void> {
  const info = await inspectWorker(ctx, intent.name, intent.parent);
  const record = await readRecord(ctx, intent.name);
  const stoppedAt = await readStopAllMarker(ctx.layout, intent.parent);
  const cancelled = intent.calledAtMs > 0 && stoppedAt >= intent.calledAtMs;
  const plan = planIntentUndo(intent, info && { id: info.Id, state: info.State.Status }, record, {
    cancelled,
  });
  if (plan.removeContainer && info) {
    await removeContainer(ctx, info.Id);
    report.containers.push(intent.name);
  }
  if (plan.removeRecord) {
    await ctx.sessions.remove(intent.name);
    report.records.push(intent.name);
  }
  if (plan.removeHome) {
    await removeWorkerHome(ctx.layout, intent.name);
    report.homes.push(intent.name);
  }
  if (plan.removeSecrets) await removeWorkerCredential(ctx.layout, intent.name);
  await clearSpawnIntent(ctx.layout, legacy ? undefined : intent.name);
  log("undid the spawn of %s by pid %s on %s: %o", intent.name, intent.pid, intent.hostname, plan);
}

/** What a sweep saw: the report, this parent's workers after it, and the spawns still at work. */
export interface OrphanSweep {
  report: OrphanReport;
  containers: ContainerSummary[];
  /** Intents of spawns in flight (their writers live), of any parent sharing the home. */
  inFlight: SpawnIntent[];
}

/**
 * Call under the spawn lock: undoes the intents of dead spawns, then removes this parent's
 * workers that were created but never started and that no spawn in flight is making, with
 * their records. One list of the workers, returned for the caller to count them.
 */
export async function sweepOrphans(ctx: CoreContext): Promise<OrphanSweep> {
  const report: OrphanReport = { containers: [], records: [], homes: [] };
  const inFlight: SpawnIntent[] = [];
  for (const f of await readIntents(ctx.layout)) {
    if (f.live) inFlight.push(f.intent);
    else await undoSpawnIntent(ctx, f.intent, report, f.legacy);
  }
  const making = new Set(inFlight.map((i) => i.name));
  const containers: ContainerSummary[] = [];
  for (const c of await listWorkerContainers(ctx)) {
    if (c.State !== "created" || making.has(c.name)) {
      containers.push(c);
      continue;
    }
    const name = c.name;
    await removeContainer(ctx, c.Id);
    await removeWorkerCredential(ctx.layout, name);
    report.containers.push(name);
    const record = await readRecord(ctx, name);
    if (record?.id === c.Id && record.state === "created") {
      await ctx.sessions.remove(name);
      report.records.push(name);
    }
  }
  return { report, containers, inFlight };
}

/** Call under the spawn lock: undoes what dead spawns left (see sweepOrphans). */
export async function collectOrphans(ctx: CoreContext): Promise<OrphanReport> {
  return (await sweepOrphans(ctx)).report;
}

export function describeOrphans(r: OrphanReport): string | undefined {
  const parts: string[] = [];
  if (r.containers.length > 0) parts.push(`container(s) ${r.containers.join(", ")}`);
  if (r.records.length > 0) parts.push(`record(s) ${r.records.join(", ")}`);
  if (r.homes.length > 0) parts.push(`home(s) ${r.homes.join(", ")}`);
  return parts.length === 0 ? undefined : `removed what interrupted spawns left: ${parts.join("; ")}`;
}
