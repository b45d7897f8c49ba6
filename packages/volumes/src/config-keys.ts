/**
 * The hal9000.conf keys: name, default, and the one validator used for file lines, HAL9000_* env
 * variables and flags alike, so a value is judged the same wherever it came from.
 */
import { posix } from "node:path";
import { pseudoFilesystemOf } from "./home-path.js";
import {
  CONTAINER_NAME_RE,
  DEFAULT_PARENT_IMAGE,
  DEFAULT_WORKER_IMAGE,
  isImageReference,
  MAX_CONTAINER_NAME,
} from "./references.js";

export interface Hal9000Config {
  workerImage: string;
  workerRemoveOnExit: boolean;
  workerMaxCount: number;
  parentImage: string;
  parentName: string;
  sessionsDir: string;
  logsDir: string;
  workersDir: string;
  logLevel: "error" | "warn" | "info" | "debug";
  logRetentionDays: number;
  workerMemory: string;
  workerCpus: number;
  workerPidsLimit: number;
  workerTrustWorkspace: boolean;
  notifyCommand: string;
}

export type ConfigSource = "flag" | "env" | "file" | "default";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string; hint: string };

export interface ConfigKeySpec<K extends keyof Hal9000Config = keyof Hal9000Config> {
  /** Name in hal9000.conf; the env variable is `HAL9000_<name>`. */
  name: string;
  prop: K;
  default: Hal9000Config[K];
  description: string;
  parse(raw: string): ParseResult<Hal9000Config[K]>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = <T>(problem: string, hint: string): ParseResult<T> => ({ ok: false, problem, hint });

export function parseImage(raw: string): ParseResult<string> {
  if (!isImageReference(raw)) {
    return bad(
      `"${raw}" is not a valid Docker image reference`,
      'use a name like "hal9000/worker:latest" (lowercase repository, optional :tag or @digest)',
    );
  }
  return ok(raw);
}

export function parseContainerName(raw: string): ParseResult<string> {
  if (raw.length > MAX_CONTAINER_NAME || !CONTAINER_NAME_RE.test(raw)) {
    return bad(
      `"${raw}" is not a valid container name`,
      `use 2-${MAX_CONTAINER_NAME} characters from [a-zA-Z0-9_.-], starting with a letter or digit, e.g. "hal9000-parent"`,
    );
  }
  return ok(raw);
}

const TRUE = new Set(["true", "yes", "1"]);
const FALSE = new Set(["false", "no", "0"]);

export function parseBoolean(raw: string): ParseResult<boolean> {
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return ok(true);
  if (FALSE.has(v)) return ok(false);
  return bad(`"${raw}" is not a boolean`, "use one of true/false, yes/no, 1/0");
}

function integerIn(min: number, max: number, what: string) {
  return (raw: string): ParseResult<number> => {
    if (!/^[+-]?\d+$/.test(raw)) {
      return bad(`"${raw}" is not a whole number`, `use a whole number of ${what} from ${min} to ${max}`);
    }
    const n = Number(raw);
    if (n < min || n > max) {
      return bad(`${raw} is out of range`, `use a whole number of ${what} from ${min} to ${max}`);
    }
    return ok(n);
  };
}

function decimalIn(min: number, max: number, what: string) {
  return (raw: string): ParseResult<number> => {
    if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(raw)) {
      return bad(
        `"${raw}" is not a number`,
        `use a number of ${what} greater than ${min} and at most ${max}`,
      );
    }
    const n = Number(raw);
    if (!(n > min) || n > max) {
      return bad(`${raw} is out of range`, `use a number of ${what} greater than ${min} and at most ${max}`);
    }
    return ok(n);
  };
}

const SIZE_RE = /^(\d+(?:\.\d+)?) ?([kmgtp])?(i)?(b)?$/i;
const UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
/** Docker refuses less than 6 MiB; more than 16 TiB per worker is a typo. */
export const MIN_MEMORY_BYTES = 6 * 1024 ** 2;
export const MAX_MEMORY_BYTES = 16 * 1024 ** 4;

/** Bytes in a docker-style size ("512m", "4g", "1.5GiB"), as `docker run --memory` reads it; undefined if malformed. */
export function parseDockerSize(raw: string): number | undefined {
  const m = SIZE_RE.exec(raw.trim());
  if (!m) return undefined;
  // "4i" (a binary marker without a unit) is not a size.
  if (m[3] && !m[2]) return undefined;
  const unit = UNITS[(m[2] ?? "").toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * unit);
}

export function parseMemory(raw: string): ParseResult<string> {
  const bytes = parseDockerSize(raw);
  if (bytes === undefined) {
    return bad(
      `"${raw}" is not a docker-style size`,
      'use a number with an optional unit b, k, m, g or t, e.g. "4g" or "512m"',
    );
  }
  if (bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) {
    return bad(`${raw} is out of range`, 'use a size from "6m" to "16t", e.g. "4g"');
  }
  return ok(raw);
}

/** A directory under HAL9000_HOME (relative) or anywhere (absolute); a relative one must stay inside home. */
export function parseDir(raw: string): ParseResult<string> {
  // Control characters (NUL included) in a path are never intended.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    return bad("the path contains control characters", "use a plain directory path");
  }
  const absolute = raw.startsWith("/");
  const fs = absolute ? pseudoFilesystemOf(posix.normalize(raw)) : undefined;
  if (fs !== undefined) {
    return bad(
      `"${raw}" is on ${fs}, a kernel pseudo-filesystem where no files can be stored`,
      "use a directory on disk, relative to HAL9000_HOME or absolute",
    );
  }
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) {
    return bad(
      `"${raw}" names ${absolute ? "the root directory" : "HAL9000_HOME itself"}, not a directory for hal9000's files`,
      'use a sub-directory such as "sessions", or an absolute path like "/var/lib/hal9000/sessions"',
    );
  }
  if (!absolute && parts.includes("..")) {
    return bad(
      `"${raw}" leaves HAL9000_HOME`,
      "use a path inside HAL9000_HOME without '..', or an absolute path",
    );
  }
  return ok(raw);
}

const LEVELS = ["error", "warn", "info", "debug"] as const;

export function parseLogLevel(raw: string): ParseResult<Hal9000Config["logLevel"]> {
  const v = raw.toLowerCase();
  const level = LEVELS.find((l) => l === v);
  return level ? ok(level) : bad(`"${raw}" is not a log level`, `use one of ${LEVELS.join(", ")}`);
}

function spec<K extends keyof Hal9000Config>(s: ConfigKeySpec<K>): ConfigKeySpec<K> {
  return s;
}

/** Every key, in the order defaultConfigText() lists them. */
export const CONFIG_KEYS: readonly ConfigKeySpec[] = [
  spec({
    name: "WORKER_IMAGE",
    prop: "workerImage",
    default: DEFAULT_WORKER_IMAGE,
    description: "Image every worker runs.",
    parse: parseImage,
  }),
  spec({
    name: "WORKER_REMOVE_ON_EXIT",
    prop: "workerRemoveOnExit",
    default: true,
    description: "Remove a worker's container when it exits (true/false).",
    parse: parseBoolean,
  }),
  spec({
    name: "WORKER_MAX_COUNT",
    prop: "workerMaxCount",
    default: 10,
    description: "Most workers that may run at once (1-1000).",
    parse: integerIn(1, 1000, "workers"),
  }),
  spec({
    name: "PARENT_IMAGE",
    prop: "parentImage",
    default: DEFAULT_PARENT_IMAGE,
    description: "Image of the parent container.",
    parse: parseImage,
  }),
  spec({
    name: "PARENT_NAME",
    prop: "parentName",
    default: "hal9000-parent",
    description: "Container name of the parent.",
    parse: parseContainerName,
  }),
  spec({
    name: "SESSIONS_DIR",
    prop: "sessionsDir",
    default: "sessions",
    description: "Session records, relative to HAL9000_HOME or absolute.",
    parse: parseDir,
  }),
  spec({
    name: "LOGS_DIR",
    prop: "logsDir",
    default: "logs",
    description: "Container logs, relative to HAL9000_HOME or absolute.",
    parse: parseDir,
  }),
  spec({
    name: "WORKERS_DIR",
    prop: "workersDir",
    default: "workers",
    description: "Per-worker Claude homes, relative to HAL9000_HOME or absolute.",
    parse: parseDir,
  }),
  spec({
    name: "LOG_LEVEL",
    prop: "logLevel",
    default: "info",
    description: "One of error, warn, info, debug.",
    parse: parseLogLevel,
  }),
  spec({
    name: "LOG_RETENTION_DAYS",
    prop: "logRetentionDays",
    default: 7,
    description: "Days to keep logs and records of finished workers (0-3650).",
    parse: integerIn(0, 3650, "days"),
  }),
  spec({
    name: "WORKER_MEMORY",
    prop: "workerMemory",
    default: "4g",
    description: 'Memory limit per worker, docker-style ("512m", "4g").',
    parse: parseMemory,
  }),
  spec({
    name: "WORKER_CPUS",
    prop: "workerCpus",
    default: 2,
    description: "CPUs per worker, may be fractional (e.g. 1.5).",
    parse: decimalIn(0, 1024, "CPUs"),
  }),
  spec({
    name: "WORKER_PIDS_LIMIT",
    prop: "workerPidsLimit",
    default: 512,
    description: "Most processes per worker (32-4194304).",
    parse: integerIn(32, 4194304, "processes"),
  }),
  spec({
    name: "WORKER_TRUST_WORKSPACE",
    prop: "workerTrustWorkspace",
    default: true,
    description:
      "Pre-accept Claude's folder-trust dialog for /workspace, so a detached worker is ready at once (true/false).",
    parse: parseBoolean,
  }),
  spec({
    name: "NOTIFY_COMMAND",
    prop: "notifyCommand",
    default: "none",
    description:
      "none, or a command run on the host (by `hal9000 watch`) when a worker starts waiting, finishes a turn (idle) or is done: sh -c COMMAND with $1 name, $2 state, $3 message (also HAL9000_WORKER, HAL9000_STATE, HAL9000_MESSAGE).",
    parse: parseCommand,
  }),
] as ConfigKeySpec[];

/** A shell command line (or nothing): one line, no control characters. */
export function parseCommand(raw: string): ParseResult<string> {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(raw)) {
    return bad("the command contains control characters or a line break", "give one command line");
  }
  return ok(raw.trim() === "" ? "none" : raw.trim());
}

export const ENV_PREFIX = "HAL9000_";

export function envName(spec: ConfigKeySpec): string {
  return `${ENV_PREFIX}${spec.name}`;
}

/** "--worker-max-count" for workerMaxCount: how a CLI would spell the flag. */
export function flagName(spec: ConfigKeySpec): string {
  return `--${spec.name.toLowerCase().replaceAll("_", "-")}`;
}

export function keySpec(name: string): ConfigKeySpec | undefined {
  return CONFIG_KEYS.find((k) => k.name === name);
}

export function defaultConfig(): Hal9000Config {
  return Object.fromEntries(CONFIG_KEYS.map((k) => [k.prop, k.default])) as unknown as Hal9000Config;
}
