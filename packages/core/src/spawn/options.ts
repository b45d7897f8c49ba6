import {
  CLAUDE_HOST_CONFIG_PATH,
  CONFIG_KEYS,
  type Hal9000Config,
  parseDockerSize,
  parseImage,
} from "@hal9000/volumes";
import type { Owner } from "../context/host-paths.js";
import { WORKER_HOME_PATH, WORKSPACE_PATH } from "../context/host-paths.js";
import type { ContainerCreateOptions, MountSettings } from "../engine/engine.js";
import { InvalidInputError } from "../vocabulary/errors.js";
import {
  LABEL_BRANCH,
  LABEL_DETACHED,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  LABEL_ROLE,
  LABEL_VERSION,
  LABEL_WORKER_HOME,
} from "../vocabulary/labels.js";
import { validateContainerName } from "../vocabulary/names.js";
import { withoutCredentialEnv } from "../worker/credential.js";
import { assertWorkerIsolation, DOCKER_ENV_NAMES } from "../worker/guard.js";
import { FALLBACK_WORKER_USER } from "../worker/user.js";

/** What a caller may ask of a new worker (the seed's spawn-worker.sh options). */
export interface SpawnOptions {
  name?: string;
  detach?: boolean;
  image?: string;
  removeOnExit?: boolean;
  project?: string;
  command?: string[];
  /**
   * Extra environment. ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN given here are not passed
   * as variables: they become the worker's read-only credential file. DOCKER_HOST is refused.
   */
  env?: Record<string, string>;
  /** Memory limit: docker-style size ("512m", "4g") or bytes; default WORKER_MEMORY. */
  memory?: string | number;
  /** CPUs, may be fractional; default WORKER_CPUS. */
  cpus?: number;
  /** Most processes; default WORKER_PIDS_LIMIT. */
  pidsLimit?: number;
  /**
   * The seed's MCP "Option A": the host's ~/.claude read-only at /home/worker/.claude-host,
   * linked into the worker's own writable ~/.claude (only when spawning from the host).
   */
  mountClaudeConfig?: boolean;
  /**
   * Detached workers only: after the start, wait up to this many ms, and if the worker has
   * already stopped, save its output to `<logs>/<name>.log` and throw WorkerExitedError with
   * its exit code and last lines instead of reporting it spawned. Default 0 (no wait).
   */
  settleMs?: number;
  /**
   * A branch and a checkout of its own: `true` for `hal9000/<worker>`, or the branch's name.
   * The project must be in a git repository; the worker's checkout (under HAL9000_HOME) is
   * mounted at /workspace instead of the project, and the user's working tree is never touched.
   */
  branch?: boolean | string;
  /** Where the branch starts (a branch, tag or commit); default HEAD. Only with `branch`. */
  base?: string;
  /**
   * A detached worker running Claude's own session (no command): return once the session has
   * started (its agent is `ready`, up to 30 s) or the worker exited (WorkerExitedError with its
   * output). Default true; false returns right after the start.
   */
  ready?: boolean;
}

/** Host paths of the files mounted over /etc/passwd and /etc/group. */
export interface IdentityMounts {
  passwd: string;
  group: string;
}

/** A read-only file mount carrying the worker's credential. */
export interface CredentialMount {
  /** Host path of the per-worker secret file. */
  source: string;
  /** Where the worker sees it. */
  target: string;
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
  /** Run as this UID:GID (never root); undefined runs as FALLBACK_WORKER_USER. */
  user?: Owner;
  command?: string[];
  env: Record<string, string>;
  limits: WorkerLimits;
  version: string;
  /** The credential file, mounted read-only. */
  credential?: CredentialMount;
  /** Host paths of the worker's passwd and group files (a user name for its UID), mounted read-only. */
  identity?: IdentityMounts;
  /** Host path of the host's Claude config, mounted read-only at CLAUDE_HOST_CONFIG_PATH. */
  claudeConfig?: string;
  /** Host paths of the Docker socket besides the usual ones: never mounted into a worker. */
  dockerSockets?: string[];
  /** Host directories mounted read-only at the same path (the user's git objects a checkout borrows). */
  readOnlyMounts?: string[];
  /** The worker's branch, when it has one (labelled, so `list` can say). */
  branch?: string;
}

export interface WorkerLimits {
  memoryBytes: number;
  nanoCpus: number;
  pidsLimit: number;
}

/** The longest settle window a spawn may ask for (an hour). */
export const MAX_SETTLE_MS = 3_600_000;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks what can be checked without Docker or the file system; throws InvalidInputError. */
export function validateSpawnOptions(opts: SpawnOptions): void {
  if (opts.name !== undefined) validateContainerName(opts.name);
  if (opts.image !== undefined) validateImage(opts.image);
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
    if (DOCKER_ENV_NAMES.includes(key)) {
      throw new InvalidInputError(`refusing to pass ${key} to a worker`, {
        hint: "workers never talk to the Docker daemon (its socket is root on the host); remove it",
      });
    }
  }
  limitOverrides(opts);
  if (
    opts.settleMs !== undefined &&
    (typeof opts.settleMs !== "number" ||
      !Number.isFinite(opts.settleMs) ||
      opts.settleMs < 0 ||
      opts.settleMs > MAX_SETTLE_MS)
  ) {
    throw new InvalidInputError(`invalid settleMs ${JSON.stringify(opts.settleMs)}`, {
      hint: `give the milliseconds to wait after the start, 0 to ${MAX_SETTLE_MS}, e.g. { settleMs: 1500 }`,
    });
  }
  if (opts.branch !== undefined && typeof opts.branch !== "boolean" && typeof opts.branch !== "string") {
    throw new InvalidInputError("branch must be true, false or a branch name", {
      hint: 'e.g. { branch: true } or { branch: "hal9000/fix-login" }',
    });
  }
  if (typeof opts.branch === "string" && opts.branch.trim() === "") {
    throw new InvalidInputError("the branch name is empty", {
      hint: "give a name (--branch NAME), or --branch alone for hal9000/<worker>",
    });
  }
  const wantsBranch = opts.branch !== undefined && opts.branch !== false;
  if (opts.base !== undefined && (!wantsBranch || typeof opts.base !== "string")) {
    throw new InvalidInputError("--base only applies with --branch", {
      hint: "add --branch, e.g. hal9000 spawn --branch --base main .",
    });
  }
  if (wantsBranch && opts.project === undefined) {
    throw new InvalidInputError("--branch needs a project directory (a git repository)", {
      hint: "give one, e.g. hal9000 spawn --branch ~/src/my-project",
    });
  }
  if (opts.ready !== undefined && typeof opts.ready !== "boolean") {
    throw new InvalidInputError("ready must be true or false", { hint: "e.g. { ready: false }" });
  }
  if (opts.mountClaudeConfig !== undefined && typeof opts.mountClaudeConfig !== "boolean") {
    throw new InvalidInputError("mountClaudeConfig must be true or false", {
      hint: "e.g. { mountClaudeConfig: true }",
    });
  }
}

/**
 * The same reference grammar as WORKER_IMAGE in hal9000.conf. A malformed one must never reach
 * the Engine API: dockerode puts it in the request path, where "../x" even crashes the process.
 */
function validateImage(image: unknown): void {
  if (typeof image !== "string" || image.trim() === "") {
    throw new InvalidInputError(
      typeof image === "string" ? "the worker image is empty" : "the worker image must be a string",
      {
        hint: "leave it out to use WORKER_IMAGE, or give one like hal9000/worker:latest",
      },
    );
  }
  const parsed = parseImage(image);
  if (!parsed.ok)
    throw new InvalidInputError(`invalid worker image: ${parsed.problem}`, { hint: parsed.hint });
}

type LimitKey = "workerMemory" | "workerCpus" | "workerPidsLimit";

/** Checks a per-spawn limit with the same parser as hal9000.conf, so both accept the same values. */
function checkLimit<K extends LimitKey>(prop: K, option: string, value: unknown): Hal9000Config[K] {
  const spec = CONFIG_KEYS.find((k) => k.prop === prop);
  const memory = prop === "workerMemory";
  // Memory may be a size string or bytes; CPUs and processes are numbers.
  const typeOk = typeof value === "number" || (memory && typeof value === "string");
  const parsed = spec && typeOk ? spec.parse(String(value)) : undefined;
  if (!parsed?.ok) {
    const problem = parsed
      ? parsed.problem
      : `${option} must be a ${memory ? "size or a number of bytes" : "number"}`;
    throw new InvalidInputError(`invalid ${option} ${JSON.stringify(value)}: ${problem}`, {
      hint:
        parsed?.hint ??
        (memory ? 'e.g. memory: "512m"' : `e.g. ${option}: ${prop === "workerCpus" ? 1.5 : 256}`),
    });
  }
  return parsed.value as Hal9000Config[K];
}

/** The limits a spawn sets itself, validated (as config values). */
export function limitOverrides(
  opts: Pick<SpawnOptions, "memory" | "cpus" | "pidsLimit">,
): Partial<Pick<Hal9000Config, LimitKey>> {
  const out: Partial<Pick<Hal9000Config, LimitKey>> = {};
  if (opts.memory !== undefined) out.workerMemory = checkLimit("workerMemory", "memory", opts.memory);
  if (opts.cpus !== undefined) out.workerCpus = checkLimit("workerCpus", "cpus", opts.cpus);
  if (opts.pidsLimit !== undefined)
    out.workerPidsLimit = checkLimit("workerPidsLimit", "pidsLimit", opts.pidsLimit);
  return out;
}

/**
 * The worker's environment: HOME is its Claude home, then the caller's extra env. Nothing
 * from the caller's own environment, and no credential variable: `docker inspect` shows every
 * variable, so a key travels as a read-only file instead (see worker-credential.ts).
 */
export function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: WORKER_HOME_PATH, ...withoutCredentialEnv(extra) };
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

/** The limits of a worker: the spawn's own (validated) over WORKER_MEMORY / WORKER_CPUS / WORKER_PIDS_LIMIT. */
export function workerLimits(
  config: { workerMemory: string; workerCpus: number; workerPidsLimit: number },
  opts: Pick<SpawnOptions, "memory" | "cpus" | "pidsLimit"> = {},
): WorkerLimits {
  const c = { ...config, ...limitOverrides(opts) };
  return {
    memoryBytes: memoryBytes(c.workerMemory),
    nanoCpus: Math.round(c.workerCpus * 1e9),
    pidsLimit: c.workerPidsLimit,
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
  if (spec.branch !== undefined) labels[LABEL_BRANCH] = spec.branch;
  return labels;
}

/**
 * The Engine API request for a worker. Always a TTY with stdin open: a detached worker
 * keeps claude running in a terminal it can be attached to (a shell without a TTY would
 * exit at once). Bind mounts use `Mounts`, which fails on a missing source where `Binds`
 * would silently create it.
 *
 * Hardened whatever the spec says: never root, every capability dropped (a non-root agent
 * needs none: tested with claude's tools, files and processes), no-new-privileges (setuid
 * binaries gain nothing), limits on memory, CPU and processes, and the isolation guard
 * (no Docker socket, no DOCKER_HOST, nothing privileged) checks the finished request.
 */
export function workerCreateOptions(spec: WorkerSpec): ContainerCreateOptions {
  const user = spec.user ?? FALLBACK_WORKER_USER;
  if (user.uid === 0) {
    throw new InvalidInputError("refusing to run a worker as root (UID 0)", {
      hint: "workers run as the project's owner, or a non-root fallback UID",
    });
  }
  const mounts: MountSettings[] = [];
  if (spec.project !== null) mounts.push({ Type: "bind", Source: spec.project, Target: WORKSPACE_PATH });
  mounts.push({ Type: "bind", Source: spec.workerHome, Target: WORKER_HOME_PATH });
  if (spec.identity) {
    mounts.push({ Type: "bind", Source: spec.identity.passwd, Target: "/etc/passwd", ReadOnly: true });
    mounts.push({ Type: "bind", Source: spec.identity.group, Target: "/etc/group", ReadOnly: true });
  }
  if (spec.credential) {
    mounts.push({
      Type: "bind",
      Source: spec.credential.source,
      Target: spec.credential.target,
      ReadOnly: true,
    });
  }
  if (spec.claudeConfig !== undefined) {
    mounts.push({ Type: "bind", Source: spec.claudeConfig, Target: CLAUDE_HOST_CONFIG_PATH, ReadOnly: true });
  }
  for (const dir of spec.readOnlyMounts ?? [])
    mounts.push({ Type: "bind", Source: dir, Target: dir, ReadOnly: true });
  const interactive = !spec.detach;
  const options: ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Tty: true,
    OpenStdin: true,
    StdinOnce: interactive,
    AttachStdin: interactive,
    AttachStdout: interactive,
    AttachStderr: interactive,
    Env: Object.entries(withoutCredentialEnv(spec.env)).map(([k, v]) => `${k}=${v}`),
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
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
    },
    User: `${user.uid}:${user.gid}`,
  };
  if (spec.command !== undefined) options.Cmd = spec.command;
  if (spec.project !== null) options.WorkingDir = WORKSPACE_PATH;
  assertWorkerIsolation(options, spec.dockerSockets);
  return options;
}

/** A worker created but not started yet; `cleanup` removes everything spawn made. */
export interface CreatedWorker {
  name: string;
  /** Its container's id. */
  id: string;
  spec: WorkerSpec;
  /** When it was created (its session record's `created`). */
  created: string;
  cleanup(): Promise<void>;
}
