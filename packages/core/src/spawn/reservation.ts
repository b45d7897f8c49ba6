/**
 * A spawn's reservation: under the spawn lock, what can race is decided (no stop-all since the
 * call, a free slot under WORKER_MAX_COUNT, a free name) and written down as the spawn's
 * intent; the lock is then released and the worker is made and started outside it. A slot is
 * a worker container that holds one, or a spawn in flight (a live intent) whose container does
 * not exist yet.
 *
 * Reservations asked for in one process while it waits for the lock share one lock hold and
 * one list of the workers (the lock file is polled by one of them only): twenty spawns at once
 * cost one round trip to the daemon under the lock, not twenty.
 */
import {
  SPAWN_INTENT_STALE_MS,
  type SpawnIntent,
  touchSpawnIntent,
  workerHomeExists,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import type { ContainerSummary } from "../engine/engine.js";
import { ConflictError, LimitReachedError } from "../vocabulary/errors.js";
import { isOwned } from "../vocabulary/labels.js";
import { logFor } from "../vocabulary/log.js";
import { generateWorkerName } from "../vocabulary/names.js";
import { cancellation, lastStopAll, withSpawnLock } from "./lock.js";
import { clearSpawnIntent, describeOrphans, sweepOrphans, writeSpawnIntent } from "./orphans.js";

const log = logFor("spawn");

/** Workers in these states hold a slot against WORKER_MAX_COUNT. */
export const SLOT_STATES = new Set(["created", "running", "paused", "restarting"]);
/** Draws of a generated name before giving up (a stale home or a reserved name each time). */
const NAME_DRAWS = 5;
/** Reservations one lock hold serves at most, so a stop-all queued behind them gets its turn. */
const MAX_BATCH = 64;

export interface Reservation {
  name: string;
  /** The name was drawn (a name conflict at create may draw another). */
  generated: boolean;
  /** The worker's home existed before this spawn (it is kept on failure). */
  homeExisted: boolean;
  intent: SpawnIntent;
  /**
   * Removes the intent: the spawn's worker started, or what it made is cleaned up. Settles once
   * the spawn lock that granted it is released too.
   */
  release(): Promise<void>;
}

/** What a reservation asks for. */
export interface ReservationRequest {
  /** The name asked for; undefined: one is drawn. */
  name: string | undefined;
  parentName: string;
  calledAt: number;
}

/** The workers and spawns in flight one lock hold sees, kept up to date by its reservations. */
export interface SlotView {
  containers: ContainerSummary[];
  /** Names of spawns in flight (live intents). */
  inFlight: Set<string>;
}

/** Slots taken: worker containers in a slot state, and spawns in flight whose container is not listed. Pure. */
export function takenSlots(view: SlotView): number {
  const names = new Set(view.containers.filter((c) => SLOT_STATES.has(c.State)).map((c) => c.name));
  for (const n of view.inFlight) names.add(n);
  return names.size;
}

/** Refuses when no slot is free. Pure. */
export function assertFreeSlot(view: SlotView, maxCount: number): void {
  const slots = takenSlots(view);
  if (slots >= maxCount) {
    throw new LimitReachedError(`${slots} workers are active; WORKER_MAX_COUNT is ${maxCount}`, {
      hint: "stop one with `hal9000 stop <name>`, or raise WORKER_MAX_COUNT in hal9000.conf",
    });
  }
}

export function takenName(name: string, ours: boolean): ConflictError {
  return ours
    ? new ConflictError(`a worker named "${name}" already exists`, {
        hint: `choose another name, or stop it first with \`hal9000 stop ${name}\``,
      })
    : new ConflictError(`a container named "${name}" already exists (not a hal9000 worker)`, {
        hint: "choose another worker name",
      });
}

interface Pending {
  ctx: CoreContext;
  request: ReservationRequest;
  resolve: (r: Reservation) => void;
  reject: (err: unknown) => void;
}

/** Per home: reservations waiting for this process's next lock hold. */
const queues = new Map<string, Pending[]>();

/** Reserves a slot and a name for a spawn (under the spawn lock, shared with others of this process). */
export function reserveSpawn(ctx: CoreContext, request: ReservationRequest): Promise<Reservation> {
  return new Promise((resolve, reject) => {
    const key = ctx.layout.home;
    const queue = queues.get(key);
    const pending = { ctx, request, resolve, reject };
    if (queue) {
      queue.push(pending);
      return;
    }
    queues.set(key, [pending]);
    void drain(key);
  });
}

async function drain(key: string): Promise<void> {
  const queue = queues.get(key) ?? [];
  while (queue.length > 0) {
    const first = queue[0] as Pending;
    // A refusal is settled once the lock is released: a CLI that exits on it must not leave the
    // lock held. A reservation goes on at once (its spawn has its worker to make meanwhile), and
    // its release waits for the lock's, for a spawn refused right after it.
    const served = new Map<Pending, () => void>();
    let taken = 0;
    let unlocked = () => {};
    const lockReleased = new Promise<void>((resolve) => {
      unlocked = resolve;
    });
    try {
      await withSpawnLock(first.ctx.layout, async () => {
        const batch: Batch = { views: new Map(), stopAll: new Map(), lockReleased };
        // Slots and names are decided one after another; the intents are written at once, and
        // all of them are on disk before the lock goes.
        const writes: Promise<void>[] = [];
        while (queue.length > 0 && taken < MAX_BATCH) {
          const p = queue.shift() as Pending;
          taken++;
          try {
            const { written } = await reserveOne(p.ctx, p.request, batch);
            writes.push(
              written.then(
                (reservation) => {
                  served.set(p, () => undefined);
                  p.resolve(reservation);
                },
                (err: unknown) => {
                  served.set(p, () => p.reject(err));
                },
              ),
            );
          } catch (err) {
            served.set(p, () => p.reject(err));
          }
        }
        await Promise.all(writes);
      });
    } catch (err) {
      // The lock itself failed (timed out, unwritable): the reservations it did not serve fail alike.
      if (taken === 0) for (const p of queue.splice(0)) p.reject(err);
    }
    unlocked();
    for (const settle of served.values()) settle();
  }
  queues.delete(key);
}

/** What one lock hold knows, per parent: its workers and spawns in flight, its latest stop-all. */
interface Batch {
  views: Map<string, SlotView>;
  /** Read once per hold: a stop-all written meanwhile still cancels the spawn after its start. */
  stopAll: Map<string, Promise<number>>;
  lockReleased: Promise<void>;
}

/** Under the lock: the checks that can race; then the intent, being written. */
async function reserveOne(
  ctx: CoreContext,
  request: ReservationRequest,
  batch: Batch,
): Promise<{ written: Promise<Reservation> }> {
  const { parentName, calledAt } = request;
  const { views, lockReleased } = batch;
  let stopAll = batch.stopAll.get(parentName);
  if (!stopAll) {
    stopAll = lastStopAll(ctx.layout, parentName);
    batch.stopAll.set(parentName, stopAll);
  }
  const cancelled = cancellation(await stopAll, calledAt);
  if (cancelled) throw cancelled;
  let view = views.get(parentName);
  if (!view) {
    const sweep = await sweepOrphans(ctx);
    const orphans = describeOrphans(sweep.report);
    if (orphans) log(orphans);
    view = { containers: sweep.containers, inFlight: new Set(sweep.inFlight.map((i) => i.name)) };
    views.set(parentName, view);
  }
  assertFreeSlot(view, ctx.config.workerMaxCount);
  const { name, homeExisted } = await chooseName(ctx, request.name, view);
  view.inFlight.add(name); // taken for the next ones of this hold, written or not
  const written = writeSpawnIntent(ctx.layout, {
    name,
    parent: parentName,
    homeCreated: !homeExisted,
    calledAtMs: calledAt,
  }).then((intent) => granted(ctx, request, { name, homeExisted, intent }, lockReleased));
  return { written };
}

/** A reservation whose intent is written. */
function granted(
  ctx: CoreContext,
  request: ReservationRequest,
  made: { name: string; homeExisted: boolean; intent: SpawnIntent },
  lockReleased: Promise<void>,
): Reservation {
  const { name, homeExisted, intent } = made;
  // Writers elsewhere judge this intent by its age: keep it fresh while the spawn runs.
  const heartbeat = setInterval(
    () => void touchSpawnIntent(ctx.layout, name),
    Math.floor(SPAWN_INTENT_STALE_MS / 3),
  );
  heartbeat.unref();
  let released = false;
  return {
    name,
    generated: request.name === undefined,
    homeExisted,
    intent,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await Promise.all([clearSpawnIntent(ctx.layout, name), lockReleased]);
    },
  };
}

async function chooseName(
  ctx: CoreContext,
  asked: string | undefined,
  view: SlotView,
): Promise<{ name: string; homeExisted: boolean }> {
  const listed = new Set(view.containers.map((c) => c.name));
  if (asked !== undefined) {
    if (listed.has(asked)) throw takenName(asked, true);
    if (view.inFlight.has(asked)) {
      throw new ConflictError(`a worker named "${asked}" is being spawned right now`, {
        hint: "choose another name, or wait for that spawn and stop it with `hal9000 stop <name>`",
      });
    }
    // Another parent's worker or a container that is not hal9000's: the list shows only ours.
    const info = await ctx.engine.containers.inspect(asked, `checking the name "${asked}"`);
    if (info) throw takenName(asked, isOwned(info.Config.Labels ?? undefined, "worker"));
    return { name: asked, homeExisted: await workerHomeExists(ctx.layout, asked) };
  }
  for (let draw = 0; draw < NAME_DRAWS; draw++) {
    const name = generateWorkerName();
    if (listed.has(name) || view.inFlight.has(name)) continue;
    if (await workerHomeExists(ctx.layout, name)) continue; // a stale home of another worker
    return { name, homeExisted: false };
  }
  throw new ConflictError(`no free worker name after ${NAME_DRAWS} attempts`, {
    hint: "give a name with --name, or remove stale homes under HAL9000_HOME/workers",
  });
}
