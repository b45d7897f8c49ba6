import { parseDockerSize } from "@hal9000/volumes";
import type Docker from "dockerode";
import { InvalidInputError } from "./errors.js";
import type { Owner } from "./host-paths.js";
import { WORKER_HOME_PATH, WORKSPACE_PATH } from "./host-paths.js";
import {
  LABEL_DETACHED,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  LABEL_ROLE,
  LABEL_VERSION,
  LABEL_WORKER_HOME,
} from "./labels.js";
import { validateContainerName } from "./names.js";

/** What a caller may ask of a new worker (the seed's spawn-worker.sh options). */
export interface SpawnOptions {
  name?: string;
  detach?: boolean;
  image?: string;
  removeOnExit?: boolean;
  project?: string;
  command?: string[];
  env?: Record<string, string>;
}

/** Everything decided about a worker before it is created: host paths, user, limits. */
export interface WorkerSpec {
  name: string;
  image: string;
  parentName: string;
  /** false: an interactive session attaches stdin and closes it with the session. */
  detach: boolean;
  removeOnExit: boolean;
  /** Host path mounted at /workspace, or null for none. */
  project: string | null;
  /** Host path of the worker's Claude home, mounted at /home/worker. */
  workerHome: string;
  /** Run as this UID:GID; undefined keeps the image's user. */
  user?: Owner;
  command?: string[];
  env: Record<string, string>;
  limits: WorkerLimits;
  version: string;
}

export interface WorkerLimits {
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks what can be checked without Docker or the file system; throws InvalidInputError. */
export function validateSpawnOptions(opts: SpawnOptions): void {
  if (opts.name !== undefined) validateContainerName(opts.name);
  if (opts.image !== undefined && opts.image.trim() === "") {
    throw new InvalidInputError("the worker image is empty", {
      hint: "leave it out to use WORKER_IMAGE, or give one like hal9000/worker:latest",
    });
  }
  if (opts.command !== undefined) {
    if (!Array.isArray(opts.command) || opts.command.length === 0 || opts.command[0] === "") {
      throw new InvalidInputError("the worker command is empty", {
        hint: 'give the program and its arguments, e.g. ["claude", "-p", "say hi"], or leave it out for claude',
      });
    }
    if (opts.command.some((a) => typeof a !== "string")) {
      throw new InvalidInputError("every worker command argument must be a string", {
        hint: 'e.g. ["claude", "-p", "say hi"]',
      });
    }
  }
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (!ENV_KEY.test(key)) {
      throw new InvalidInputError(`invalid environment variable name ${JSON.stringify(key)}`, {
        hint: "use letters, digits and '_', not starting with a digit, e.g. MY_VAR",
      });
    }
    if (typeof value !== "string") {
      throw new InvalidInputError(`environment variable ${key} must be a string`, {
        hint: `e.g. ${key}=value`,
      });
    }
  }
}

/**
 * The worker's environment: HOME is its Claude home; ANTHROPIC_API_KEY passes on from the
 * caller as in the seed (note: `docker inspect` shows it); the caller's extra env wins.
 */
export function workerEnv(
  callerEnv: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { HOME: WORKER_HOME_PATH };
  const key = callerEnv.ANTHROPIC_API_KEY;
  if (key) env.ANTHROPIC_API_KEY = key;
  return { ...env, ...extra };
}

function memoryBytes(text: string): number {
  const bytes = parseDockerSize(text);
  if (bytes === undefined) {
    throw new InvalidInputError(`invalid WORKER_MEMORY ${JSON.stringify(text)}`, {
      hint: 'use a number with an optional unit b, k, m, g, e.g. WORKER_MEMORY="4g"',
    });
  }
  return bytes;
}

export function workerLimits(config: {
  workerMemory: string;
  workerCpus: number;
  workerPidsLimit: number;
}): WorkerLimits {
  return {
    memoryBytes: memoryBytes(config.workerMemory),
    nanoCpus: Math.round(config.workerCpus * 1e9),
    pidsLimit: config.workerPidsLimit,
  };
}

export function workerLabels(spec: WorkerSpec): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_ROLE]: "worker",
    [LABEL_PARENT]: spec.parentName,
    [LABEL_VERSION]: spec.version,
    [LABEL_DETACHED]: String(spec.detach),
    [LABEL_REMOVE_ON_EXIT]: String(spec.removeOnExit),
    [LABEL_WORKER_HOME]: spec.workerHome,
  };
  if (spec.project !== null) labels[LABEL_PROJECT] = spec.project;
  return labels;
}

/**
 * The Engine API request for a worker. Always a TTY with stdin open: a detached worker
 * keeps claude running in a terminal it can be attached to (a shell without a TTY would
 * exit at once). Bind mounts use `Mounts`, which fails on a missing source where `Binds`
 * would silently create it.
 */
export function workerCreateOptions(spec: WorkerSpec): Docker.ContainerCreateOptions {
  const mounts: Docker.MountSettings[] = [];
  if (spec.project !== null) mounts.push({ Type: "bind", Source: spec.project, Target: WORKSPACE_PATH });
  mounts.push({ Type: "bind", Source: spec.workerHome, Target: WORKER_HOME_PATH });
  const interactive = !spec.detach;
  const options: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Tty: true,
    OpenStdin: true,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: interactive,
    AttachStderr: interactive,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: workerLabels(spec),
    HostConfig: {
      NetworkMode: `container:${spec.parentName}`,
      AutoRemove: spec.removeOnExit,
      // docker-init as PID 1: claude gets SIGTERM on stop (PID 1 ignores it otherwise) and its tool subprocesses are reaped.
      Init: true,
      Mounts: mounts,
      Memory: spec.limits.memoryBytes,
      NanoCpus: spec.limits.nanoCpus,
      PidsLimit: spec.limits.pidsLimit,
    },
  };
  if (spec.command !== undefined) options.Cmd = spec.command;
  if (spec.project !== null) options.WorkingDir = WORKSPACE_PATH;
  if (spec.user !== undefined) options.User = `${spec.user.uid}:${spec.user.gid}`;
  return options;
}
