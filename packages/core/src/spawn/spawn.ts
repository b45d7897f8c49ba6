import { stat } from "node:fs/promises";
import {
  createWorkerHome,
  readHookState,
  removeWorkerHome,
  type SessionRecord,
  workerHomePath,
} from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { toHostPath } from "../context/host-paths.js";
import { engineMessage } from "../engine/docker.js";
import type { ContainerDetails } from "../engine/engine.js";
import { requireRunningParent } from "../parent/parent.js";
import {
  ConflictError,
  InvalidInputError,
  LimitReachedError,
  NotFoundError,
  ParentNotRunningError,
} from "../vocabulary/errors.js";
import { isOwned } from "../vocabulary/labels.js";
import { logFor } from "../vocabulary/log.js";
import { generateWorkerName } from "../vocabulary/names.js";
import { HAL9000_VERSION } from "../vocabulary/version.js";
import { agentStateOf } from "../worker/agent-state.js";
import { type WorkerInfo, workerInfoFromInspect } from "../worker/info.js";
import { listWorkerContainers } from "../worker/list.js";
import { spawnOnBranch } from "./branch.js";
import { assertNotCancelled, withSpawnLock } from "./lock.js";
import { type CreatedWorker, type SpawnOptions, type WorkerSpec, workerCreateOptions } from "./options.js";
import { clearSpawnIntent, collectOrphans, describeOrphans, writeSpawnIntent } from "./orphans.js";
import { checkEngineSide, checkWorkerSide, planSpawn, type SpawnPlan, type WorkerExtras } from "./plan.js";
import { logSizeBefore, reportEarlyExit, type StartWatch, watchStart } from "./settle.js";
import { prepareWorkerFiles } from "./setup.js";

const log = logFor("spawn");

/** How long a detached Claude worker may take to start its session before spawn returns anyway. */
export const READY_TIMEOUT_MS = 30_000;

/** Attempts at a fresh generated name when the daemon reports a name conflict. */
const NAME_ATTEMPTS = 5;
/** Workers in these states hold a slot against WORKER_MAX_COUNT. */
const SLOT_STATES = new Set(["created", "running", "paused", "restarting"]);

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Executes a plan's making part, under the spawn lock: checks again what can have changed since
 * the plan (the parent still runs, a slot is free, the name is free), then creates the worker's
 * home, container and session record (not started).
 */
export async function createWorker(ctx: CoreContext, plan: SpawnPlan): Promise<CreatedWorker> {
  await requireRunningParent(ctx);
  const slots = (await listWorkerContainers(ctx)).filter((c) => SLOT_STATES.has(c.State)).length;
  if (slots >= ctx.config.workerMaxCount) {
    throw new LimitReachedError(
      `${slots} workers are active; WORKER_MAX_COUNT is ${ctx.config.workerMaxCount}`,
      {
        hint: "stop one with `hal9000 stop <name>`, or raise WORKER_MAX_COUNT in hal9000.conf",
      },
    );
  }
  const { image, project, security } = plan;
  const user = security.user;

  for (let attempt = 1; ; attempt++) {
    if (attempt > NAME_ATTEMPTS) {
      throw new ConflictError(`no free worker name after ${NAME_ATTEMPTS} attempts`, {
        hint: "give a name with --name, or remove stale homes under HAL9000_HOME/workers",
      });
    }
    const generated = plan.name === undefined;
    const name = plan.name ?? generateWorkerName();
    if (!generated) await refuseTakenName(ctx, name);
    const homeLocal = workerHomePath(ctx.layout, name);
    const homeExisted = await exists(homeLocal);
    if (generated && homeExisted) continue; // a stale home of another worker: draw again
    // Before making anything: if this process dies, the next spawn lock holder undoes it.
    await writeSpawnIntent(ctx.layout, { name, parent: plan.parentName, homeCreated: !homeExisted });
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
      if (err instanceof ConflictError && generated) {
        log("name %s taken, drawing another", name);
        continue;
      }
      throw createError(ctx, err, spec);
    }
    const cleanup = async () => {
      await ctx.engine.containers.remove(id).catch(() => undefined);
      await ctx.sessions.remove(name).catch(() => undefined);
      await removeHome();
    };
    try {
      await ctx.sessions.write(newRecord(spec, id));
    } catch (err) {
      await cleanup();
      throw err;
    }
    log("created worker %s (%s) image %s project %s", name, id.slice(0, 12), image, spec.project);
    return { name, id, spec, cleanup };
  }
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

async function refuseTakenName(ctx: CoreContext, name: string): Promise<void> {
  const info = await ctx.engine.containers.inspect(name, `checking the name "${name}"`);
  if (!info) return;
  throw takenName(name, isOwned(info.Config.Labels ?? undefined, "worker"));
}

function takenName(name: string, ours: boolean): ConflictError {
  return ours
    ? new ConflictError(`a worker named "${name}" already exists`, {
        hint: `choose another name, or stop it first with \`hal9000 stop ${name}\``,
      })
    : new ConflictError(`a container named "${name}" already exists (not a hal9000 worker)`, {
        hint: "choose another worker name",
      });
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

/** Starts a created worker and records it as running; on failure removes what spawn made. */
export async function startWorker(ctx: CoreContext, created: CreatedWorker): Promise<WorkerInfo> {
  const { id, name, spec } = created;
  try {
    await ctx.engine.containers.start(id, `starting worker "${name}"`);
  } catch (err) {
    await created.cleanup();
    throw err;
  }
  const info = await ctx.engine.containers.inspect(id, `inspecting worker "${name}"`);
  if (!info) {
    // An --rm worker whose command already finished.
    return {
      name,
      id,
      image: spec.image,
      state: "removed",
      status: "exited and removed",
      parent: spec.parentName,
      project: spec.project,
      created: new Date().toISOString(),
      startedAt: null,
      detached: spec.detach,
      removeOnExit: spec.removeOnExit,
    };
  }
  await recordStarted(ctx, name, info);
  log("started worker %s", name);
  return workerInfoFromInspect(info);
}

/** Only moves a record forward from "created": the coordinator may have seen the worker exit already. */
async function recordStarted(ctx: CoreContext, name: string, info: ContainerDetails) {
  try {
    const current = await ctx.sessions.read(name);
    if (current?.state !== "created") return;
    const startedAt = info.State.StartedAt;
    if (info.State.Status === "running") await ctx.sessions.update(name, { state: "running", startedAt });
    else if (info.State.Status === "exited") {
      await ctx.sessions.update(name, {
        state: "exited",
        startedAt,
        exitCode: info.State.ExitCode,
        finishedAt: info.State.FinishedAt,
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
  /** Runs between create and start, still under the lock (an interactive session attaches here). */
  beforeStart?: (created: CreatedWorker) => Promise<void>;
}

/**
 * Creates and starts a worker (detached unless opts.detach is false) under the spawn lock,
 * so WORKER_MAX_COUNT holds under concurrent spawns from the host and the parent, stop-all
 * wins over spawns still waiting, and a half-made worker is only ever a dead spawner's.
 */
export async function spawnWorker(
  ctx: CoreContext,
  opts: SpawnOptions,
  request: SpawnRequest = {},
): Promise<WorkerInfo> {
  const calledAt = request.calledAt ?? Date.now();
  // Every read-only check runs once, here, before the lock: a refused spawn leaves nothing
  // behind, not even a locks/ dir in a brand-new home. Under the lock only races are checked.
  const parentName = await checkEngineSide(ctx, opts);
  if (opts.branch !== undefined && opts.branch !== false) {
    // The worker's project is the branch's checkout, made by spawnOnBranch: planned from there.
    return spawnOnBranch(ctx, opts, async (o, extras) => {
      const facts = { parentName, ...(await checkWorkerSide(ctx, o)) };
      return runPlan(ctx, planSpawn(o, ctx.config, facts, extras), request.beforeStart, calledAt);
    });
  }
  const facts = { parentName, ...(await checkWorkerSide(ctx, opts)) };
  return runPlan(ctx, planSpawn(opts, ctx.config, facts, request.extras), request.beforeStart, calledAt);
}

/** Executes a spawn's plan: creates and starts the worker under the spawn lock, then watches it start. */
async function runPlan(
  ctx: CoreContext,
  plan: SpawnPlan,
  beforeStart: SpawnRequest["beforeStart"],
  calledAt: number,
): Promise<WorkerInfo> {
  const { settleMs, waitReady } = plan;
  const started = await withSpawnLock(ctx.layout, async () => {
    await assertNotCancelled(ctx.layout, ctx.config.parentName, calledAt);
    const orphans = describeOrphans(await collectOrphans(ctx));
    if (orphans) log(orphans);
    let watch: { start: StartWatch; logBytes: number } | undefined;
    try {
      const created = await createWorker(ctx, plan);
      try {
        await beforeStart?.(created);
        if (settleMs > 0 || waitReady) {
          const logBytes = await logSizeBefore(ctx, created.name);
          const start = await watchStart(ctx, created);
          if (start) watch = { start, logBytes };
        }
      } catch (err) {
        await created.cleanup();
        throw err;
      }
      const info = await startWorker(ctx, created);
      await clearSpawnIntent(ctx.layout);
      return { info, created, watch };
    } catch (err) {
      watch?.start.close();
      // Whatever the cleanup above missed (it never throws), the intent still names.
      await collectOrphans(ctx).catch((e: unknown) =>
        log("cleanup after a failed spawn: %s", (e as Error).message),
      );
      throw err;
    }
  });
  // Outside the lock: other spawns need not wait for this one's settle window.
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
