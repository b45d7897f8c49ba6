import { CONFIG_KEYS, envName, type Hal9000Config, initHome } from "@hal9000/volumes";
import type { CoreContext } from "../context/context.js";
import { CONTAINER_SOCKET_PATH, HOST_HOME_ENV, PARENT_HOME_PATH, toHostPath } from "../context/host-paths.js";
import { DEFAULT_SOCKET } from "../engine/docker.js";
import type { ContainerCreateOptions, ContainerDetails } from "../engine/engine.js";
import { ConflictError, NotFoundError, ParentNotRunningError } from "../vocabulary/errors.js";
import { isOwned, LABEL_HOST_HOME, LABEL_ROLE, LABEL_VERSION } from "../vocabulary/labels.js";
import { logFor } from "../vocabulary/log.js";
import { HAL9000_VERSION } from "../vocabulary/version.js";

const log = logFor("parent");

/** Set in the parent: the host path of the Docker socket mounted at /var/run/docker.sock. */
export const HOST_SOCKET_ENV = "HAL9000_HOST_DOCKER_SOCKET";
/** Seconds a container gets to stop on SIGTERM before SIGKILL. */
export const STOP_TIMEOUT_SECONDS = 10;

export type ContainerState = "running" | "exited" | "created" | "paused" | "restarting" | "missing";

export interface ParentStatus {
  name: string;
  state: ContainerState;
  id?: string;
  image?: string;
  startedAt?: string;
  version?: string;
  hostHome?: string;
}

export interface ParentSpec {
  name: string;
  image: string;
  /** Host path of HAL9000_HOME. */
  hostHome: string;
  /** Host path of the Docker socket. */
  hostSocket: string;
  /** Extra environment (config values set by flag or env, so the parent sees the same config). */
  env?: Record<string, string>;
  version: string;
}

/**
 * The Engine API request for the parent: the host's Docker socket and HAL9000_HOME
 * mounted in, the host paths in its environment (bind-mount sources for workers it
 * spawns must be host paths), and the image's entrypoint (the coordinator) as main process.
 */
export function parentCreateOptions(spec: ParentSpec): ContainerCreateOptions {
  const env: Record<string, string> = {
    ...spec.env,
    HAL9000_HOME: PARENT_HOME_PATH,
    [HOST_HOME_ENV]: spec.hostHome,
    [HOST_SOCKET_ENV]: spec.hostSocket,
    HAL9000_PARENT_NAME: spec.name,
  };
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL_ROLE]: "parent",
      [LABEL_VERSION]: spec.version,
      [LABEL_HOST_HOME]: spec.hostHome,
    },
    HostConfig: {
      Mounts: [
        { Type: "bind", Source: spec.hostSocket, Target: CONTAINER_SOCKET_PATH },
        { Type: "bind", Source: spec.hostHome, Target: PARENT_HOME_PATH },
      ],
      // docker-init reaps what tmux and the dashboard leave behind, and forwards SIGTERM to the coordinator.
      Init: true,
      // The coordinator is a service: back after a daemon restart, but not after `hal9000 parent stop`.
      RestartPolicy: { Name: "unless-stopped" },
    },
  };
}

/** Config values the caller set by flag or HAL9000_* env, passed on so the parent's coordinator agrees. */
export function forwardedConfigEnv(ctx: Pick<CoreContext, "config" | "sources">): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const source = ctx.sources[key.prop];
    // Directories are resolved against HAL9000_HOME, which the parent sees at another path.
    if (key.prop === "sessionsDir" || key.prop === "logsDir" || key.prop === "workersDir") continue;
    if (source === "flag" || source === "env")
      env[envName(key)] = String(ctx.config[key.prop as keyof Hal9000Config]);
  }
  return env;
}

/** The host path of the Docker socket this process talks to. */
export function hostSocketPath(ctx: Pick<CoreContext, "engine" | "env" | "paths">): string {
  const fromParent = ctx.env[HOST_SOCKET_ENV];
  if (fromParent) return fromParent;
  if (ctx.paths.insideParent) return DEFAULT_SOCKET;
  return ctx.engine.socketPath ?? DEFAULT_SOCKET;
}

type Inspected =
  | { kind: "missing" }
  | { kind: "foreign"; info: ContainerDetails }
  | { kind: "parent"; info: ContainerDetails };

async function inspectParent(ctx: CoreContext): Promise<Inspected> {
  const name = ctx.config.parentName;
  const info = await ctx.engine.containers.inspect(name, `inspecting parent "${name}"`);
  if (!info) return { kind: "missing" };
  return isOwned(info.Config.Labels ?? undefined, "parent")
    ? { kind: "parent", info }
    : { kind: "foreign", info };
}

export function containerState(status: string | undefined): ContainerState {
  switch (status) {
    case "running":
    case "created":
    case "paused":
    case "restarting":
    case "exited":
      return status;
    default:
      return "exited"; // "removing", "dead"
  }
}

function toStatus(name: string, inspected: Inspected): ParentStatus {
  if (inspected.kind !== "parent") return { name, state: "missing" };
  const { info } = inspected;
  const hostHome = info.Config.Env?.find((e) => e.startsWith(`${HOST_HOME_ENV}=`))?.slice(
    HOST_HOME_ENV.length + 1,
  );
  const status: ParentStatus = {
    name,
    state: containerState(info.State.Status),
    id: info.Id,
    image: info.Config.Image,
  };
  if (info.State.StartedAt && !info.State.StartedAt.startsWith("0001-"))
    status.startedAt = info.State.StartedAt;
  const version = info.Config.Labels?.[LABEL_VERSION];
  if (version) status.version = version;
  if (hostHome) status.hostHome = hostHome;
  return status;
}

function foreignError(name: string): ConflictError {
  return new ConflictError(
    `a container named "${name}" exists but is not a hal9000 parent (no hal9000.role=parent label)`,
    {
      hint: `hal9000 never touches it: remove or rename it yourself (docker rm ${name}), or choose another parent name with PARENT_NAME`,
    },
  );
}

/** The parent's state; "missing" when no hal9000 parent holds the name. */
export async function parentStatus(ctx: CoreContext): Promise<ParentStatus> {
  return toStatus(ctx.config.parentName, await inspectParent(ctx));
}

/** Throws ParentNotRunningError unless the parent is running. */
export async function requireRunningParent(ctx: CoreContext): Promise<ParentStatus> {
  const status = await parentStatus(ctx);
  if (status.state !== "running") {
    throw new ParentNotRunningError(ctx.config.parentName, {
      hint:
        status.state === "missing"
          ? "start it with `hal9000 parent start` (or `hal9000 up`)"
          : `it is ${status.state}; start it with \`hal9000 parent start\``,
    });
  }
  return status;
}

export async function requireImage(
  ctx: CoreContext,
  image: string,
  target: "parent" | "worker",
): Promise<void> {
  if (await ctx.engine.images.inspect(image)) return;
  const [key, configured] =
    target === "worker" ? ["WORKER_IMAGE", ctx.config.workerImage] : ["PARENT_IMAGE", ctx.config.parentImage];
  // `hal9000 build` makes the configured image only; any other one must come from elsewhere.
  const hint =
    image === configured
      ? `build it with \`hal9000 build ${target}\``
      : `check the name (\`docker image ls\`) or pull/load it into this Docker engine; leave it out to use ${key} (${configured})`;
  throw new NotFoundError(`${target} image "${image}" not found in the local Docker engine`, { hint });
}

/** Idempotent: running → its status; stopped → started; missing → created and started. */
export async function startParent(ctx: CoreContext, opts: { image?: string } = {}): Promise<ParentStatus> {
  const name = ctx.config.parentName;
  let inspected = await inspectParent(ctx);
  if (inspected.kind === "missing") {
    const image = opts.image ?? ctx.config.parentImage;
    await requireImage(ctx, image, "parent");
    await initHome(ctx.layout); // the mount source must exist: Mounts never creates it
    const spec: ParentSpec = {
      name,
      image,
      hostHome: toHostPath(ctx.paths, ctx.layout.home),
      hostSocket: hostSocketPath(ctx),
      env: forwardedConfigEnv(ctx),
      version: HAL9000_VERSION,
    };
    try {
      await ctx.engine.containers.create(parentCreateOptions(spec), `creating parent "${name}"`);
      log("created parent %s from %s (home %s, socket %s)", name, image, spec.hostHome, spec.hostSocket);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      log("parent %s created concurrently", name); // someone else won the race: use theirs
    }
    inspected = await inspectParent(ctx);
  }
  if (inspected.kind === "foreign") throw foreignError(name);
  if (inspected.kind === "missing") {
    throw new NotFoundError(`parent "${name}" disappeared while starting`, { hint: "run the command again" });
  }
  const state = inspected.info.State.Status;
  const id = inspected.info.Id;
  if (state === "paused") await ctx.engine.containers.unpause(id, `starting parent "${name}"`);
  else if (state !== "running" && state !== "restarting")
    await ctx.engine.containers.start(id, `starting parent "${name}"`);
  log("parent %s was %s, now started", name, state);
  return parentStatus(ctx);
}

/** Stops the parent if it runs; a missing parent is not an error (the status says "missing"). */
export async function stopParent(ctx: CoreContext): Promise<ParentStatus> {
  const name = ctx.config.parentName;
  const inspected = await inspectParent(ctx);
  if (inspected.kind !== "parent") return { name, state: "missing" };
  await ctx.engine.containers.stop(inspected.info.Id, STOP_TIMEOUT_SECONDS, `stopping parent "${name}"`);
  log("parent %s stopped", name);
  return parentStatus(ctx);
}

/** Restarts a parent that exists; creates it when missing. */
export async function restartParent(ctx: CoreContext): Promise<ParentStatus> {
  const name = ctx.config.parentName;
  const inspected = await inspectParent(ctx);
  if (inspected.kind === "foreign") throw foreignError(name);
  if (inspected.kind === "missing") return startParent(ctx);
  await ctx.engine.containers.restart(inspected.info.Id, STOP_TIMEOUT_SECONDS, `restarting parent "${name}"`);
  log("parent %s restarted", name);
  return parentStatus(ctx);
}

/** Whether each image is in the engine, and the hal9000 version that built it (null: not one of ours). */
export async function imageStates<I extends { tag: string }>(
  ctx: CoreContext,
  images: readonly I[],
): Promise<(I & { present: boolean; version: string | null })[]> {
  return Promise.all(
    images.map(async (image) => {
      const info = await ctx.engine.images.inspect(image.tag);
      if (!info) return { ...image, present: false, version: null };
      return { ...image, present: true, version: info.Config?.Labels?.[LABEL_VERSION] ?? null };
    }),
  );
}
