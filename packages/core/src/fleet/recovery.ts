/**
 * Workers share the parent's network namespace (`container:<parent>`). When the parent
 * restarts, its namespace goes and the workers keep a dead one with only `lo` (measured);
 * a restart puts them in the new one. When the parent is removed and created again, a
 * worker's NetworkMode still names the old container's id (Docker pins it at create) and it
 * can never start again: it is recreated with the same name, image, command, environment,
 * user, mounts and limits, from its own inspect data (secrets are never put in labels).
 * The worker's Claude home is a bind mount, so nothing in it is lost either way.
 */
import { randomBytes } from "node:crypto";
import type { CoreContext } from "../context/context.js";
import type { ContainerCreateOptions, ContainerDetails } from "../engine/engine.js";
import { parentStatus } from "../parent/parent.js";
import { withSpawnLock } from "../spawn/lock.js";
import { isWorkerOf } from "../vocabulary/labels.js";
import { listWorkerContainers } from "../worker/list.js";

/** A worker in a dead namespace has no network: a short grace is enough for claude to save its state. */
export const REPAIR_STOP_TIMEOUT_SECONDS = 3;
/** How long recovery waits for a spawn to finish before recreating workers. */
const RECREATE_LOCK_TIMEOUT_MS = 30_000;

export interface WorkerNetwork {
  name: string;
  id: string;
  running: boolean;
  startedAt: string | null;
  /** HostConfig.NetworkMode, e.g. `container:<parent id>`. */
  networkMode: string;
}

export interface ParentNetwork {
  name: string;
  id: string;
  running: boolean;
  startedAt: string | null;
}

export interface NetworkRepair {
  name: string;
  id: string;
  action: "restart" | "recreate";
  reason: string;
}

export interface RepairResult extends NetworkRepair {
  ok: boolean;
  /** The container's id afterwards (a new one when recreated). */
  newId?: string;
  error?: string;
}

interface RepairLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const DOCKER_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/**
 * Orders two Docker timestamps (RFC 3339 with up to nanoseconds, trailing zeros trimmed):
 * negative when `a` is earlier. Date.parse alone keeps only milliseconds.
 */
export function compareDockerTimes(a: string, b: string): number {
  const pa = DOCKER_TIME.exec(a);
  const pb = DOCKER_TIME.exec(b);
  if (!pa || !pb) return Date.parse(a) - Date.parse(b);
  const seconds = Date.parse(`${pa[1]}${pa[3]}`) - Date.parse(`${pb[1]}${pb[3]}`);
  if (seconds !== 0) return seconds;
  const nanos = (m: RegExpExecArray) => (m[2] ?? "").padEnd(9, "0").slice(0, 9);
  return nanos(pa).localeCompare(nanos(pb));
}

/** The container whose namespace `networkMode` joins, or undefined when it joins none. */
export function joinedContainer(networkMode: string): string | undefined {
  return networkMode.startsWith("container:") ? networkMode.slice("container:".length) : undefined;
}

/**
 * Which running workers lost the parent's network, and how to bring them back. Pure.
 * - Joined another container (the parent's id before it was recreated) → recreate.
 * - Joined the parent but started before its current start (its namespace died with the
 *   previous run) → restart.
 */
export function planNetworkRepairs(
  parent: ParentNetwork,
  workers: readonly WorkerNetwork[],
): NetworkRepair[] {
  if (!parent.running || parent.startedAt === null) return [];
  const parentStart = parent.startedAt;
  return workers.flatMap((w): NetworkRepair[] => {
    if (!w.running) return [];
    const target = joinedContainer(w.networkMode);
    if (target === undefined) return []; // not sharing a namespace: not hal9000's layout, leave it
    if (target !== parent.id && target !== parent.name) {
      return [
        {
          name: w.name,
          id: w.id,
          action: "recreate",
          reason: `it joined container ${target.slice(0, 12)}, but the parent is now ${parent.id.slice(0, 12)}`,
        },
      ];
    }
    if (w.startedAt !== null && compareDockerTimes(w.startedAt, parentStart) < 0) {
      return [
        {
          name: w.name,
          id: w.id,
          action: "restart",
          reason: `it started at ${w.startedAt}, before the parent's current start at ${parentStart}`,
        },
      ];
    }
    return [];
  });
}

const validDate = (d: string | undefined): string | null => (d && !d.startsWith("0001-") ? d : null);

export function workerNetwork(info: ContainerDetails): WorkerNetwork {
  return {
    name: info.Name.replace(/^\//, ""),
    id: info.Id,
    running: info.State.Running && !info.State.Paused,
    startedAt: validDate(info.State.StartedAt),
    networkMode: info.HostConfig.NetworkMode ?? "",
  };
}

/**
 * The create request for the same worker in the parent's current namespace: everything
 * from its inspect data except the pinned NetworkMode. The image is the name it was
 * created from, as `hal9000 list` shows it.
 */
export function recreateOptions(info: ContainerDetails, parentName: string): ContainerCreateOptions {
  const c = info.Config;
  const options: ContainerCreateOptions = {
    name: info.name,
    Image: c.Image,
    Cmd: c.Cmd ?? undefined,
    Entrypoint: c.Entrypoint ?? undefined,
    Env: c.Env ?? undefined,
    User: c.User,
    WorkingDir: c.WorkingDir,
    Labels: c.Labels ?? undefined,
    Tty: c.Tty,
    OpenStdin: c.OpenStdin,
    StdinOnce: c.StdinOnce,
    AttachStdin: c.AttachStdin,
    AttachStdout: c.AttachStdout,
    AttachStderr: c.AttachStderr,
    // Hostname and Domainname are the joined namespace's, not the worker's: never set them.
    HostConfig: { ...info.HostConfig, NetworkMode: `container:${parentName}` },
  };
  const stopSignal = (c as { StopSignal?: string }).StopSignal;
  if (stopSignal) (options as { StopSignal?: string }).StopSignal = stopSignal;
  return options;
}

function inspect(ctx: CoreContext, id: string): Promise<ContainerDetails | undefined> {
  return ctx.engine.containers.inspect(id, `inspecting worker ${id.slice(0, 12)}`);
}

async function recordRunning(ctx: CoreContext, name: string, info: ContainerDetails) {
  await ctx.sessions
    .update(name, {
      id: info.Id,
      state: info.State.Running ? "running" : "exited",
      startedAt: validDate(info.State.StartedAt),
      exitCode: info.State.Running ? null : info.State.ExitCode,
      finishedAt: info.State.Running ? null : validDate(info.State.FinishedAt),
    })
    .catch(() => undefined);
}

/**
 * Whether this engine keeps an --rm container through a restart. Docker sets AutoRemove aside
 * while it stops the container, but before 23.0 it puts the flag back before its exit handler
 * looks (moby#43751), which then removes the container it has just restarted. Pure.
 */
export function restartKeepsRemoveOnExit(engineVersion: string): boolean {
  const major = Number.parseInt(engineVersion, 10);
  return Number.isNaN(major) || major >= 23;
}

/**
 * Brings a worker into the parent's current namespace with a restart, which keeps its
 * container. An --rm worker on an engine that can't restart it safely is stopped (Docker then
 * removes it) and created again from what it was, under the same name; so is one the engine
 * removed half-way through its restart anyway.
 */
async function restartWorker(
  ctx: CoreContext,
  repair: NetworkRepair,
  parentName: string,
): Promise<RepairResult> {
  const before = await inspect(ctx, repair.id);
  if (!before) return { ...repair, ok: false, error: "it was removed meanwhile" };
  const removeOnExit = before.HostConfig.AutoRemove === true;
  if (removeOnExit && !restartKeepsRemoveOnExit((await ctx.engine.ping()).version)) {
    const why = "Docker before 23.0 removes an --rm container it restarts (moby#43751)";
    return recreateRemoved(ctx, { ...repair, reason: `${repair.reason}; ${why}` }, before, parentName, {
      stopFirst: true,
    });
  }
  let failure: unknown;
  await ctx.engine.containers
    .restart(repair.id, REPAIR_STOP_TIMEOUT_SECONDS, `restarting worker "${repair.name}"`)
    .catch((err: unknown) => {
      failure = err;
    });
  const info = await inspect(ctx, repair.id);
  if (info) {
    if (failure) throw failure;
    await recordRunning(ctx, repair.name, info);
    return { ...repair, ok: info.State.Running, newId: info.Id };
  }
  if (!removeOnExit) return { ...repair, ok: false, error: "it was removed meanwhile" };
  const why = "Docker removed it while restarting it";
  return recreateRemoved(ctx, { ...repair, reason: `${repair.reason}; ${why}` }, before, parentName, {
    stopFirst: false,
  });
}

/**
 * Creates an --rm worker again from its inspect data, in the parent's namespace, after Docker
 * removed it (stopping it first when `stopFirst`). Created under the spawn lock, so no spawn takes
 * its name at the same time.
 */
async function recreateRemoved(
  ctx: CoreContext,
  repair: NetworkRepair,
  before: ContainerDetails,
  parentName: string,
  opts: { stopFirst: boolean },
): Promise<RepairResult> {
  const containers = ctx.engine.containers;
  // Stopped outside the lock: many workers stop at once, and no spawn takes a name still in use.
  if (opts.stopFirst) {
    await containers.stop(before.Id, REPAIR_STOP_TIMEOUT_SECONDS, `stopping worker "${repair.name}"`);
    await containers.removed(before.Id, `waiting for Docker to remove worker "${repair.name}"`);
  }
  return withSpawnLock(
    ctx.layout,
    async () => {
      if (await inspect(ctx, repair.name))
        return { ...repair, ok: false, error: "it was removed meanwhile; its name is taken again" };
      const created = await containers.create(
        recreateOptions(before, parentName),
        `recreating worker "${repair.name}"`,
      );
      const fresh = await startRecreated(ctx, repair.name, created);
      return {
        ...repair,
        action: "recreate",
        ok: fresh?.State.Running ?? false,
        newId: created,
        ...(fresh ? {} : { error: "it was removed meanwhile" }),
      };
    },
    { timeoutMs: RECREATE_LOCK_TIMEOUT_MS },
  );
}

/** Starts a recreated worker and records it; removes it again (its record ended) if it cannot start. */
async function startRecreated(
  ctx: CoreContext,
  name: string,
  created: string,
): Promise<ContainerDetails | undefined> {
  try {
    await ctx.engine.containers.start(created, `starting the recreated worker "${name}"`);
  } catch (err) {
    await ctx.engine.containers.remove(created).catch(() => undefined);
    const now = new Date().toISOString();
    await ctx.sessions.update(name, { state: "ended", finishedAt: now }).catch(() => undefined);
    throw err;
  }
  const fresh = await inspect(ctx, created);
  if (fresh) await recordRunning(ctx, name, fresh);
  return fresh;
}

/**
 * Replaces a worker pinned to a parent that no longer exists. The old one is renamed aside
 * (and kept if the new one cannot be created), removed before the new one starts so two
 * agents never share one home, and its session record then names the new id.
 */
async function recreateWorker(
  ctx: CoreContext,
  repair: NetworkRepair,
  parentName: string,
): Promise<RepairResult> {
  return withSpawnLock(
    ctx.layout,
    async () => {
      // Look again under the lock: another coordinator may have done it meanwhile.
      const info = await inspect(ctx, repair.id);
      const parent = await parentStatus(ctx);
      const again =
        info &&
        parent.id &&
        planNetworkRepairs(
          {
            name: parent.name,
            id: parent.id,
            running: parent.state === "running",
            startedAt: parent.startedAt ?? null,
          },
          [workerNetwork(info)],
        )[0];
      if (!info || !again || again.action !== "recreate") return { ...repair, ok: true, newId: info?.Id };
      const containers = ctx.engine.containers;
      const aside = `${repair.name.slice(0, 100)}.replaced-${randomBytes(3).toString("hex")}`;
      await containers.rename(info.Id, aside);
      let created: string;
      try {
        created = await containers.create(
          recreateOptions(info, parentName),
          `recreating worker "${repair.name}"`,
        );
      } catch (err) {
        await containers.rename(info.Id, repair.name).catch(() => undefined);
        throw err;
      }
      await containers.remove(info.Id, `removing the old "${repair.name}"`);
      const fresh = await startRecreated(ctx, repair.name, created);
      if (!fresh) return { ...repair, ok: false, newId: created, error: "it was removed meanwhile" };
      return { ...repair, ok: fresh.State.Running, newId: fresh.Id };
    },
    { timeoutMs: RECREATE_LOCK_TIMEOUT_MS },
  );
}

/**
 * Brings every running worker of this parent back into the parent's current network
 * namespace: restarts in parallel, recreations one by one under the spawn lock.
 */
export async function repairWorkerNetworks(ctx: CoreContext, log: RepairLog): Promise<RepairResult[]> {
  const parent = await parentStatus(ctx);
  if (parent.state !== "running" || !parent.id) return [];
  const running = (await listWorkerContainers(ctx)).filter((c) => c.State === "running");
  const infos = (await Promise.all(running.map((c) => inspect(ctx, c.Id)))).filter(
    (i): i is ContainerDetails => i !== undefined && isWorkerOf(i.Config.Labels ?? undefined, parent.name),
  );
  const plan = planNetworkRepairs(
    { name: parent.name, id: parent.id, running: true, startedAt: parent.startedAt ?? null },
    infos.map(workerNetwork),
  );
  for (const r of plan)
    log.info(`worker ${r.name} lost the parent's network (${r.reason}): ${r.action}ing it`);
  const failed = (r: NetworkRepair, err: unknown): RepairResult => ({
    ...r,
    ok: false,
    error: (err as Error).message,
  });
  const restarts = await Promise.all(
    plan
      .filter((r) => r.action === "restart")
      .map((r) => restartWorker(ctx, r, parent.name).catch((err) => failed(r, err))),
  );
  const recreations: RepairResult[] = [];
  for (const r of plan.filter((x) => x.action === "recreate")) {
    recreations.push(await recreateWorker(ctx, r, parent.name).catch((err) => failed(r, err)));
  }
  const results = [...restarts, ...recreations];
  for (const r of results) {
    if (r.ok) {
      log.info(
        r.action === "restart"
          ? `worker ${r.name} restarted into the parent's network`
          : `worker ${r.name} recreated into the parent's network (${r.id.slice(0, 12)} → ${r.newId?.slice(0, 12)}): ${r.reason}`,
      );
    } else log.error(`could not ${r.action} worker ${r.name}: ${r.error ?? "it is not running afterwards"}`);
  }
  return results;
}
