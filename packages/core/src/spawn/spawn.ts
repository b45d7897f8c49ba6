import {
  createWorkerHome,
  readHookState,
  removeWorkerHome,
  type SessionRecord,
  spawnStateExists,
  workerHomePath,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { toHostPath } from "../context/host-paths.js";
import { engineMessage } from "../engine/docker.js";
import type { ContainerDetails } from "../engine/engine.js";
import { READY_TIMEOUT_MS } from "../vocabulary/agent-states.js";
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  ParentNotRunningError,
} from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { HAL9000_VERSION } from "../vocabulary/version.js";
import { agentStateOf } from "../worker/agent-state.js";
import { type WorkerInfo, workerInfoFromInspect } from "../worker/info.js";
import { spawnOnBranch } from "./branch.js";
import { assertNotCancelled } from "./lock.js";
import {
  type CreatedWorker,
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerSpec,
  workerCreateOptions,
} from "./options.js";
import { undoSpawnIntent } from "./orphans.js";
import {
  checkEngineSide,
  checkSpawn,
  checkWorkerSide,
  planSpawn,
  type SpawnFacts,
  type SpawnPlan,
  type WorkerExtras,
} from "./plan.js";
import { type Reservation, reserveSpawn, takenName } from "./reservation.js";
import { logSizeBefore, reportEarlyExit, type StartWatch, watchStart } from "./settle.js";
import { prepareWorkerFiles } from "./setup.js";
import { specWorkerInfo, startedWorkerInfo } from "./started.js";

const log = logFor("spawn");

/** Reservations of a fresh generated name when the daemon reports a name conflict at create. */
const NAME_ATTEMPTS = 5;

/** A generated name was taken meanwhile by a container hal9000 does not see (another parent's, or not ours). */
class NameTakenMeanwhile extends Error {}

/**
 * Executes a plan's making part for a reserved name, outside the spawn lock: creates the
 * worker's home, its files, its container and its session record (not started). On a failure
 * it removes what it made.
 */
export async function createWorker(
  ctx: CoreContext,
  plan: SpawnPlan,
  reservation: Pick<Reservation, "name" | "generated" | "homeExisted">,
): Promise<CreatedWorker> {
  const { image, project, security } = plan;
  const { name, homeExisted } = reservation;
  const user = security.user;
  const homeLocal = workerHomePath(ctx.layout, name);
  await createWorkerHome(ctx.layout, name, user);
  let files: Awaited<ReturnType<typeof prepareWorkerFiles>>;
  try {
    files = await prepareWorkerFiles(ctx, name, homeLocal, security);
  } catch (err) {
    if (!homeExisted) await removeWorkerHome(ctx.layout, name).catch(() => undefined);
    throw err;
  }
  const spec: WorkerSpec = {
    name,
    image,
    parentName: plan.parentName,
    detach: plan.detach,
    removeOnExit: plan.removeOnExit,
    project: project?.hostPath ?? null,
    workerHome: toHostPath(ctx.paths, homeLocal),
    user,
    command: plan.command,
    env: { ...files.env, ...plan.env },
    limits: plan.limits,
    version: HAL9000_VERSION,
    credential: files.credential,
    identity: files.identity,
    claudeConfig: security.claudeConfig,
    dockerSockets: security.dockerSockets,
    ...plan.extras,
  };
  const removeHome = async () => {
    await files.cleanup();
    if (!homeExisted) await removeWorkerHome(ctx.layout, name).catch(() => undefined);
  };
  let id: string;
  try {
    id = await ctx.engine.containers.create(workerCreateOptions(spec), `creating worker "${name}"`);
  } catch (err) {
    await removeHome();
    if (err instanceof ConflictError && reservation.generated) throw new NameTakenMeanwhile(name);
    throw createError(ctx, err, spec);
  }
  const cleanup = async () => {
    await ctx.engine.containers.remove(id).catch(() => undefined);
    await ctx.sessions.remove(name).catch(() => undefined);
    await removeHome();
  };
  const record = newRecord(spec, id);
  try {
    await ctx.sessions.write(record);
  } catch (err) {
    await cleanup();
    throw err;
  }
  log("created worker %s (%s) image %s project %s", name, id.slice(0, 12), image, spec.project);
  return { name, id, spec, created: record.created, cleanup };
}

function newRecord(spec: WorkerSpec, id: string): SessionRecord {
  return {
    schemaVersion: 1,
    name: spec.name,
    id,
    image: spec.image,
    parent: spec.parentName,
    project: spec.project,
    created: new Date().toISOString(),
    detached: spec.detach,
    removeOnExit: spec.removeOnExit,
    state: "created",
    exitCode: null,
    startedAt: null,
    finishedAt: null,
  };
}

/** The daemon's refusals, in terms of what the user asked for. */
function createError(ctx: CoreContext, err: unknown, spec: WorkerSpec): Error {
  const message = engineMessage(err);
  if (err instanceof ConflictError) return takenName(spec.name, false);
  if (/bind source path does not exist/i.test(message)) {
    if (spec.project !== null && message.includes(spec.project)) {
      return new InvalidInputError(`project directory "${spec.project}" does not exist on the Docker host`, {
        hint: ctx.paths.insideParent
          ? "inside the parent, give the project as an absolute path on the host, e.g. /home/you/project"
          : "check the path",
        cause: err,
      });
    }
    return new InvalidInputError(`a bind-mount source does not exist on the Docker host: ${message}`, {
      hint: "check HAL9000_HOME and HAL9000_HOST_HOME",
      cause: err,
    });
  }
  if (/range of cpus/i.test(message)) {
    return new InvalidInputError(
      `WORKER_CPUS ${ctx.config.workerCpus} is more than the Docker host has: ${message}`,
      {
        hint: "lower WORKER_CPUS in hal9000.conf",
        cause: err,
      },
    );
  }
  if (/memory/i.test(message) && err instanceof InvalidInputError) {
    return new InvalidInputError(`WORKER_MEMORY ${ctx.config.workerMemory} was refused: ${message}`, {
      hint: "set WORKER_MEMORY to at least 6m in hal9000.conf",
      cause: err,
    });
  }
  if (err instanceof NotFoundError && /no such image/i.test(message)) {
    return new NotFoundError(`worker image "${spec.image}" not found`, {
      hint: "build it with `hal9000 build worker`",
      cause: err,
    });
  }
  if (err instanceof NotFoundError && /container/i.test(message))
    return new ParentNotRunningError(spec.parentName, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** What the start of a worker says: its info, and the state its session record moves to. */
export interface StartedWorker {
  info: WorkerInfo;
  /** undefined: nothing to record (an --rm worker already gone). */
  state: RecordedState | undefined;
}

/** Starts a created worker; on failure removes what spawn made. */
export async function startWorker(ctx: CoreContext, created: CreatedWorker): Promise<StartedWorker> {
  const { id, name, spec } = created;
  try {
    await ctx.engine.containers.start(id, `starting worker "${name}"`);
  } catch (err) {
    await created.cleanup();
    throw err;
  }
  log("started worker %s", name);
  if (spec.command === undefined) {
    // Claude's session does not end on its own within milliseconds: the worker is what create
    // and start said, without an inspect (an early exit is the settle window's to catch).
    const startedAt = new Date().toISOString();
    return {
      info: startedWorkerInfo(spec, id, { created: created.created, startedAt }),
      state: { Status: "running", StartedAt: startedAt },
    };
  }
  // A command may be done already (an --rm one gone): the engine says what became of it.
  const info = await ctx.engine.containers.inspect(id, `inspecting worker "${name}"`);
  if (!info) {
    const gone = {
      state: "removed",
      status: "exited and removed",
      created: created.created,
      startedAt: null,
    } as const;
    return { info: specWorkerInfo(spec, id, gone), state: undefined };
  }
  return { info: workerInfoFromInspect(info), state: info.State };
}

type RecordedState = Pick<ContainerDetails["State"], "Status" | "StartedAt"> &
  Partial<Pick<ContainerDetails["State"], "ExitCode" | "FinishedAt">>;

/** Only moves a record forward from "created": the coordinator may have seen the worker exit already. */
async function recordStarted(ctx: CoreContext, name: string, state: RecordedState | undefined) {
  if (!state) return;
  try {
    const current = await ctx.sessions.read(name);
    if (current?.state !== "created") return;
    const startedAt = state.StartedAt;
    if (state.Status === "running") await ctx.sessions.update(name, { state: "running", startedAt });
    else if (state.Status === "exited") {
      await ctx.sessions.update(name, {
        state: "exited",
        startedAt,
        exitCode: state.ExitCode ?? null,
        finishedAt: state.FinishedAt ?? null,
      });
    }
  } catch (err) {
    log("could not update the session record of %s: %s", name, (err as Error).message);
  }
}

export interface SpawnRequest {
  /** Extra mounts and labels (set by a branch spawn). */
  extras?: WorkerExtras;
  /** When the caller asked (ms since the epoch): a stop-all called later cancels it if it still waits. */
  calledAt?: number;
  /** Runs between create and start (an interactive session attaches here). */
  beforeStart?: (created: CreatedWorker) => Promise<void>;
}

/**
 * Creates and starts a worker (detached unless opts.detach is false). Its slot and name are
 * reserved under the spawn lock, so WORKER_MAX_COUNT and unique names hold under concurrent
 * spawns from the host and the parent; the worker is made and started outside the lock, so
 * spawns overlap; stop-all wins over spawns in flight, and a half-made worker is only ever a
 * dead spawner's (see reservation.ts, orphans.ts).
 */
export async function spawnWorker(
  ctx: CoreContext,
  opts: SpawnOptions,
  request: SpawnRequest = {},
): Promise<WorkerInfo> {
  const calledAt = request.calledAt ?? Date.now();
  // Every read-only check runs once, here; under the lock only races are checked. A refused
  // spawn leaves nothing behind, not even a locks/ dir in a brand-new home.
  if (opts.branch !== undefined && opts.branch !== false) {
    validateSpawnOptions(opts);
    const parentName = await checkEngineSide(ctx, opts);
    // The worker's project is the branch's checkout, made by spawnOnBranch: planned from there.
    return spawnOnBranch(ctx, opts, async (o, extras) => {
      const facts = { parentName, ...(await checkWorkerSide(ctx, o)) };
      return runPlan(ctx, planSpawn(o, ctx.config, facts, extras), request.beforeStart, calledAt);
    });
  }
  validateSpawnOptions(opts); // bad input fails before anything, the lock too
  const { facts, reservation } = await checkAndReserve(ctx, opts, calledAt);
  const plan = planSpawn(opts, ctx.config, facts, request.extras);
  return runPlan(ctx, plan, request.beforeStart, calledAt, reservation);
}

/**
 * The read-only checks, and beside them the reservation: it decides nothing the checks do
 * (the slot and the name of the configured parent's worker), so neither waits for the other.
 * A refused spawn releases its reservation before it throws (nothing was made for it). A home
 * no spawn has used yet gets the reservation only once the checks passed, so a refused first
 * spawn does not even make its locks/.
 */
async function checkAndReserve(
  ctx: CoreContext,
  opts: SpawnOptions,
  calledAt: number,
): Promise<{ facts: SpawnFacts; reservation?: Reservation }> {
  if (!(await spawnStateExists(ctx.layout))) return { facts: await checkSpawn(ctx, opts) };
  const request = { name: opts.name, parentName: ctx.config.parentName, calledAt };
  const [checked, reserved] = await Promise.allSettled([checkSpawn(ctx, opts), reserveSpawn(ctx, request)]);
  if (checked.status === "rejected") {
    if (reserved.status === "fulfilled") await reserved.value.release();
    throw checked.reason;
  }
  if (reserved.status === "rejected") throw reserved.reason;
  return { facts: checked.value, reservation: reserved.value };
}

interface Started {
  info: WorkerInfo;
  created: CreatedWorker;
  watch: { start: StartWatch; logBytes: number } | undefined;
  /** The session record's move to the started state (never rejects). */
  recorded: Promise<void>;
}

/**
 * Executes a spawn's plan: reserves (under the lock), then creates and starts the worker, then
 * watches it start. Whatever fails, what this spawn made is undone before its intent goes.
 */
async function runPlan(
  ctx: CoreContext,
  plan: SpawnPlan,
  beforeStart: SpawnRequest["beforeStart"],
  calledAt: number,
  first?: Reservation,
): Promise<WorkerInfo> {
  const { settleMs, waitReady } = plan;
  let started: Started | undefined;
  for (let attempt = 1; !started; attempt++) {
    const reservation =
      attempt === 1 && first
        ? first
        : await reserveSpawn(ctx, { name: plan.name, parentName: plan.parentName, calledAt });
    try {
      started = await makeAndStart(ctx, plan, reservation, beforeStart, calledAt);
      // The worker runs: its record moves on while the intent goes (either order survives a crash).
      await Promise.all([reservation.release(), started.recorded]);
    } catch (err) {
      await abandon(ctx, reservation);
      if (!(err instanceof NameTakenMeanwhile)) throw err;
      if (attempt >= NAME_ATTEMPTS) {
        throw new ConflictError(`no free worker name after ${NAME_ATTEMPTS} attempts`, {
          hint: "give a name with --name, or remove stale homes under HAL9000_HOME/workers",
        });
      }
      log("name %s taken, drawing another", reservation.name);
    }
  }
  const { info, created, watch } = started;
  if (!watch) return info;
  const exit = waitReady
    ? await watch.start.until(
        async () => (await readHookState(ctx.layout, created.name)) !== undefined,
        Math.max(settleMs, READY_TIMEOUT_MS),
      )
    : await watch.start.settle(settleMs);
  if (exit) throw await reportEarlyExit(ctx, created, exit, watch.logBytes);
  if (!waitReady) return info;
  return { ...info, agent: await agentStateOf(ctx, info.name, { state: "running" }) };
}

/**
 * Creates and starts the reserved worker. A stop-all called since the spawn cancels it before
 * the start, or after it: then this spawn removes its own worker (stop-all waits for it).
 */
async function makeAndStart(
  ctx: CoreContext,
  plan: SpawnPlan,
  reservation: Reservation,
  beforeStart: SpawnRequest["beforeStart"],
  calledAt: number,
): Promise<Started> {
  const created = await createWorker(ctx, plan, reservation);
  let watch: Started["watch"];
  const undo = async (err: unknown): Promise<never> => {
    watch?.start.close();
    await created.cleanup();
    throw err;
  };
  try {
    await beforeStart?.(created);
    if (plan.settleMs > 0 || plan.waitReady) {
      const logBytes = await logSizeBefore(ctx, created.name);
      const start = await watchStart(ctx, created);
      if (start) watch = { start, logBytes };
    }
    await assertNotCancelled(ctx.layout, plan.parentName, calledAt, "starting");
  } catch (err) {
    return undo(err);
  }
  let started: StartedWorker;
  try {
    started = await startWorker(ctx, created);
  } catch (err) {
    watch?.start.close();
    throw err; // startWorker removed what was made
  }
  const recorded = recordStarted(ctx, created.name, started.state);
  try {
    await assertNotCancelled(ctx.layout, plan.parentName, calledAt, "starting");
  } catch (err) {
    await recorded; // before the undo removes the record: never written again after that
    return undo(err);
  }
  return { info: started.info, created, watch, recorded };
}

/** After a failure: whatever the cleanups missed (they never throw), the intent still names; then it goes. */
async function abandon(ctx: CoreContext, reservation: Reservation): Promise<void> {
  try {
    const report = { containers: [], records: [], homes: [] };
    await undoSpawnIntent(ctx, reservation.intent, report);
  } catch (e) {
    log("cleanup after a failed spawn: %s", (e as Error).message);
  }
  await reservation.release();
}
