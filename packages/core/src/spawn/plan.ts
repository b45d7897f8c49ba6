/**
 * A spawn is decided once. `checkSpawn` runs the read-only checks (the parent runs, the image
 * is there, the project resolves, who the worker runs as and which credential it gets) and
 * `planSpawn` turns their answers and the options into one SpawnPlan, without I/O. Under the
 * spawn lock only what can race is checked again (a stop-all since the call, the parent still
 * running, a free slot, a free name): spawn.ts executes the plan.
 */
import type { Hal9000Config } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { type ProjectDir, resolveProject } from "../context/host-paths.js";
import { requireImage, requireRunningParent } from "../parent/parent.js";
import {
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerLimits,
  type WorkerSpec,
  workerEnv,
  workerLimits,
} from "./options.js";
import { resolveWorkerSecurity, type WorkerSecurity } from "./setup.js";

/** What a spawn adds to a worker beyond its options (a branch spawn: its checkout's borrowed objects). */
export type WorkerExtras = Pick<WorkerSpec, "readOnlyMounts" | "branch">;

/** What the read-only checks found out. */
export interface SpawnFacts {
  parentName: string;
  project: ProjectDir | undefined;
  security: WorkerSecurity;
}

/** Everything a spawn will do, decided before the lock is taken. */
export interface SpawnPlan {
  /** The name asked for; undefined: one is drawn (again on a name conflict). */
  name: string | undefined;
  image: string;
  parentName: string;
  project: ProjectDir | undefined;
  security: WorkerSecurity;
  limits: WorkerLimits;
  detach: boolean;
  removeOnExit: boolean;
  command: string[] | undefined;
  env: Record<string, string>;
  /** How long a detached worker is watched for an early exit (0: not at all). */
  settleMs: number;
  /** Claude's own session (no command): spawn returns once its SessionStart hook has fired. */
  waitReady: boolean;
  extras: WorkerExtras;
}

/** The engine's read-only checks: the parent runs, the image is there (both at once; the parent's failure first). Its name. */
export async function checkEngineSide(ctx: CoreContext, opts: SpawnOptions): Promise<string> {
  const image = opts.image ?? ctx.config.workerImage;
  const [parent, found] = await Promise.allSettled([
    shared(ctx, "parent", () => requireRunningParent(ctx)),
    shared(ctx, `image ${image}`, () => requireImage(ctx, image, "worker")),
  ]);
  return firstValue([parent, found]).name;
}

/** Per context: the engine checks in flight, by what they ask. */
const inFlight = new WeakMap<CoreContext, Map<string, Promise<unknown>>>();

/**
 * Spawns of one context that ask the same check at once share its one round trip (twenty
 * spawns at once: one parent inspect, not twenty); once it has answered, the next spawn asks
 * again, so no answer is older than the spawn that gets it.
 */
export function shared<T>(ctx: CoreContext, key: string, ask: () => Promise<T>): Promise<T> {
  let pending = inFlight.get(ctx);
  if (!pending) {
    pending = new Map();
    inFlight.set(ctx, pending);
  }
  const asked = pending.get(key);
  if (asked) return asked as Promise<T>;
  const map = pending;
  const answer = ask().finally(() => map.delete(key));
  map.set(key, answer);
  return answer;
}

/**
 * Validation (bad input fails at once, before any I/O), then the engine's and the file
 * system's read-only checks at once: neither needs the other's answer. The engine's failure
 * is the one reported when both fail.
 */
export async function checkSpawn(ctx: CoreContext, opts: SpawnOptions): Promise<SpawnFacts> {
  validateSpawnOptions(opts);
  const [engine, worker] = await Promise.allSettled([checkEngineSide(ctx, opts), checkWorkerSide(ctx, opts)]);
  const parentName = firstValue([engine, worker]);
  return {
    parentName,
    ...(worker as PromiseFulfilledResult<Pick<SpawnFacts, "project" | "security">>).value,
  };
}

/** The first result's value, unless one of them failed: then the first failure, in their order. */
function firstValue<T>(results: [PromiseSettledResult<T>, ...PromiseSettledResult<unknown>[]]): T {
  for (const r of results) if (r.status === "rejected") throw r.reason;
  return (results[0] as PromiseFulfilledResult<T>).value;
}

/** The file system's read-only checks: the project resolves; who the worker runs as, its credential. */
export async function checkWorkerSide(
  ctx: CoreContext,
  opts: SpawnOptions,
): Promise<Pick<SpawnFacts, "project" | "security">> {
  const project = opts.project === undefined ? undefined : await resolveProject(ctx.paths, opts.project);
  return { project, security: await resolveWorkerSecurity(ctx, opts, project) };
}

/** The plan of a spawn from its (validated) options, the config and what the checks found. Pure. */
export function planSpawn(
  opts: SpawnOptions,
  config: Pick<
    Hal9000Config,
    "workerImage" | "workerRemoveOnExit" | "workerMemory" | "workerCpus" | "workerPidsLimit"
  >,
  facts: SpawnFacts,
  extras: WorkerExtras = {},
): SpawnPlan {
  const detach = opts.detach ?? true;
  return {
    name: opts.name,
    image: opts.image ?? config.workerImage,
    parentName: facts.parentName,
    project: facts.project,
    security: facts.security,
    limits: workerLimits(config, opts),
    detach,
    removeOnExit: opts.removeOnExit ?? config.workerRemoveOnExit,
    command: opts.command,
    env: workerEnv(opts.env),
    settleMs: detach ? (opts.settleMs ?? 0) : 0,
    waitReady: detach && opts.command === undefined && opts.ready !== false,
    extras,
  };
}
