/**
 * How spawns, stop-all, the orphan sweep and worker recreation stay out of each other's way,
 * across the host and the parent (both see HAL9000_HOME): all of them hold the "spawn" lock
 * while they count, reserve or remove workers. A spawn holds it only for its reservation
 * (the count, the name, its intent: see reservation.ts); it makes and starts the worker
 * outside it, so spawns overlap in the daemon as bare create + start calls do.
 *
 * stop-all wins over spawns in flight: before it queues for the lock it writes when it was
 * called. A spawn called before that gives up at its reservation, or after its start (it then
 * removes its worker); stop-all waits for the spawns it saw in flight and stops those that
 * finished first, so no worker outlives a stop-all that was asked for after its spawn.
 */
import { type HomeLayout, readStopAllMarker, withLock, writeStopAllMarker } from "@hal9000/volumes";
import { ConflictError } from "../vocabulary/errors.js";

export const SPAWN_LOCK = "spawn";
/** Spawns queue for the lock (from many processes at once), each holding it for a reservation. */
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

/** The spawn's phase a stop-all overtook, for its error. */
export type CancelledAt = "waiting" | "starting";

/** Throws when a stop-all of `parent` was called since this spawn was. */
export async function assertNotCancelled(
  layout: HomeLayout,
  parent: string,
  calledAtMs: number,
  phase: CancelledAt = "waiting",
): Promise<void> {
  const cancelled = cancellation(await lastStopAll(layout, parent), calledAtMs, phase);
  if (cancelled) throw cancelled;
}

/** The refusal of a spawn called at `calledAtMs` when the latest stop-all was at `stoppedAt`; undefined if none. Pure. */
export function cancellation(
  stoppedAt: number,
  calledAtMs: number,
  phase: CancelledAt = "waiting",
): ConflictError | undefined {
  if (stoppedAt < calledAtMs) return undefined;
  const what = phase === "waiting" ? "while it waited its turn" : "while its worker started";
  return new ConflictError(
    `spawn cancelled: \`stop-all\` was called (${new Date(stoppedAt).toISOString()}) ${what}`,
    { hint: "spawn again once stop-all has finished" },
  );
}
