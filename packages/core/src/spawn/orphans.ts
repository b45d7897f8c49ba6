/**
 * What a spawn leaves behind when its process dies half-way (SIGKILL, a crash, a lost
 * machine), and how the next holder of the spawn lock undoes it.
 *
 * A spawn writes its intent (`<home>/locks/spawn-intent.json`: the worker's name, and whether
 * the spawn made the worker's home) before it makes anything, and removes it once the worker
 * has started or everything is cleaned up. Both happen under the spawn lock, so whoever holds
 * the lock and finds an intent knows its writer died: it removes the never-started container,
 * its record, and the home only if that spawn made it (a named worker's earlier home holds a
 * user's Claude history). A worker that did start is kept; the coordinator records it.
 *
 * Every spawn also creates and starts under the lock, so a worker container still in state
 * "created" seen under the lock was made by a dead spawner too: it is removed with its record.
 */
import {
  clearSpawnIntent,
  type HomeLayout,
  readSpawnIntent as readIntentFile,
  removeWorkerCredential,
  removeWorkerHome,
  type SessionRecord,
  SPAWN_INTENT_FILE,
  type SpawnIntent,
  spawnIntentPath,
  writeSpawnIntent,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { ContainerDetails } from "../engine/engine.js";
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

export function readSpawnIntent(layout: HomeLayout): Promise<SpawnIntent | undefined> {
  return readIntentFile(layout, (text) => log("ignoring an unreadable spawn intent: %s", text.slice(0, 200)));
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
 * that parent's workers does) and its session record. Pure.
 */
export function planIntentUndo(
  intent: Pick<SpawnIntent, "homeCreated">,
  container: { id: string; state: string } | undefined,
  record: Pick<SessionRecord, "id" | "state"> | undefined,
): IntentUndo {
  if (container && container.state !== "created") {
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

/** Undoes one dead spawn's intent; call under the spawn lock. */
export async function undoSpawnIntent(
  ctx: CoreContext,
  intent: SpawnIntent,
  report: OrphanReport,
): Promise<void> {
  const info = await inspectWorker(ctx, intent.name, intent.parent);
  const record = await readRecord(ctx, intent.name);
  const plan = planIntentUndo(intent, info && { id: info.Id, state: info.State.Status }, record);
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
  log("undid the spawn of %s by pid %s on %s: %o", intent.name, intent.pid, intent.hostname, plan);
}

/**
 * Call under the spawn lock: undoes a dead spawn's intent and removes this parent's workers
 * that were created but never started, with their records.
 */
export async function collectOrphans(ctx: CoreContext): Promise<OrphanReport> {
  const report: OrphanReport = { containers: [], records: [], homes: [] };
  const intent = await readSpawnIntent(ctx.layout);
  if (intent) await undoSpawnIntent(ctx, intent, report);
  await clearSpawnIntent(ctx.layout);
  for (const c of await listWorkerContainers(ctx)) {
    if (c.State !== "created") continue;
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
  return report;
}

export function describeOrphans(r: OrphanReport): string | undefined {
  const parts: string[] = [];
  if (r.containers.length > 0) parts.push(`container(s) ${r.containers.join(", ")}`);
  if (r.records.length > 0) parts.push(`record(s) ${r.records.join(", ")}`);
  if (r.homes.length > 0) parts.push(`home(s) ${r.homes.join(", ")}`);
  return parts.length === 0 ? undefined : `removed what interrupted spawns left: ${parts.join("; ")}`;
}
