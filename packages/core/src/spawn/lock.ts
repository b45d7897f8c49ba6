/**
 * How spawns, stop-all, the orphan sweep and worker recreation stay out of each other's way,
 * across the host and the parent (both see HAL9000_HOME): all of them hold the "spawn" lock
 * while they count, create or remove workers. A spawn holds it from its count to its start,
 * so whoever holds it next sees no half-made worker except a crashed spawner's.
 *
 * stop-all wins over spawns in flight: before it queues for the lock it writes when it was
 * called, and a spawn called before that gives up when its turn comes, so no worker outlives
 * a stop-all that was asked for after it (only the spawn holding the lock then finishes, and
 * stop-all stops it).
 */
import { type HomeLayout, readStopAllMarker, withLock, writeStopAllMarker } from "@hal9000/volumes";
import { ConflictError } from "../vocabulary/errors.js";

export const SPAWN_LOCK = "spawn";
/** Twenty spawns at once queue for the lock, each holding it for its create and start. */
export const SPAWN_LOCK_TIMEOUT_MS = 120_000;

export function withSpawnLock<T>(
  layout: HomeLayout,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  return withLock(layout, SPAWN_LOCK, fn, { timeoutMs: opts.timeoutMs ?? SPAWN_LOCK_TIMEOUT_MS });
}

/** When the latest stop-all of `parent` was called (ms since the epoch); 0 if never. */
export function lastStopAll(layout: HomeLayout, parent: string): Promise<number> {
  return readStopAllMarker(layout, parent); // none yet, or unreadable: cancel nothing
}

/**
 * Spawns of `parent` called at or before `calledAtMs` are cancelled. Called before taking the
 * lock; a later mark never moves the time back.
 */
export async function markStopAll(layout: HomeLayout, parent: string, calledAtMs: number): Promise<void> {
  if ((await lastStopAll(layout, parent)) >= calledAtMs) return;
  await writeStopAllMarker(layout, parent, calledAtMs);
}

/** Call under the spawn lock: throws when a stop-all of `parent` was called since this spawn was. */
export async function assertNotCancelled(
  layout: HomeLayout,
  parent: string,
  calledAtMs: number,
): Promise<void> {
  const stoppedAt = await lastStopAll(layout, parent);
  if (stoppedAt >= calledAtMs) {
    throw new ConflictError(
      `spawn cancelled: \`stop-all\` was called (${new Date(stoppedAt).toISOString()}) while it waited its turn`,
      { hint: "spawn again once stop-all has finished" },
    );
  }
}
