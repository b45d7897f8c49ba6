import type { Duplex, Readable } from "node:stream";
import type Docker from "dockerode";

/**
 * The one door to a container engine: every Engine API call in hal9000 goes through an
 * Engine, one per connection (dockerEngine() is the Docker implementation; Podman speaks the
 * same API and can get its own). Domain code asks and gets answers: `inspect` gives the info
 * or `undefined`, failures arrive as hal9000's typed errors (NotFoundError, ConflictError,
 * InvalidInputError, DockerUnavailableError, or INTERNAL) with the engine's error as `cause`,
 * streams arrive typed, names arrive without Docker's leading "/".
 *
 * `what` (optional on every call) says what was being done in the caller's words
 * (`stopping worker "w1"`); it starts the message of an error.
 */
export interface Engine {
  /** Where it connects, e.g. `unix:///var/run/docker.sock` or `tcp://127.0.0.1:2375`. */
  readonly where: string;
  /** The socket it talks to when it is a local one (bind-mounted into the parent as is). */
  readonly socketPath: string | undefined;
  /** The daemon's version; asked once per Engine, refused below MIN_API_VERSION. */
  ping(): Promise<EngineInfo>;
  readonly containers: ContainerClient;
  readonly images: ImageClient;
  /** Container events since `since` (seconds), parsed, until the stream breaks or `signal` aborts. */
  events(query: EventQuery, signal: AbortSignal): Promise<AsyncIterable<EngineEvent>>;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

/** A container as a list shows it; `name` without the leading "/". */
export type ContainerSummary = Docker.ContainerInfo & { name: string };
/** A container as inspect shows it; `name` without the leading "/". */
export type ContainerDetails = Docker.ContainerInspectInfo & { name: string };
export type ContainerCreateOptions = Docker.ContainerCreateOptions;
export type MountSettings = Docker.MountSettings;
export type HostConfig = Docker.HostConfig;
export type ImageDetails = Docker.ImageInspectInfo;
/** Engine API list filters, e.g. `{ label: ["hal9000.role=worker"] }`. */
export type Filters = Record<string, string[]>;
/** What the daemon waits for: the next exit, not running, or removal (of an --rm container). */
export type WaitCondition = "next-exit" | "not-running" | "removed";

export interface ContainerClient {
  list(filters: Filters, what?: string): Promise<ContainerSummary[]>;
  /** undefined when no container has this id or name. */
  inspect(ref: string, what?: string): Promise<ContainerDetails | undefined>;
  /** The new container's id. A taken name is a ConflictError. */
  create(options: ContainerCreateOptions, what?: string): Promise<string>;
  /** "already" when it was running. */
  start(ref: string, what?: string): Promise<"started" | "already">;
  unpause(ref: string, what?: string): Promise<void>;
  /** "not-running" when it was stopped already, "gone" when it does not exist (an --rm one removed itself). */
  stop(ref: string, timeoutSeconds: number, what?: string): Promise<"stopped" | "not-running" | "gone">;
  restart(ref: string, timeoutSeconds: number, what?: string): Promise<void>;
  rename(ref: string, name: string, what?: string): Promise<void>;
  /** false when there was nothing to remove. */
  remove(ref: string, what?: string): Promise<boolean>;
  /**
   * Registers a wait with the daemon and resolves once the daemon has it, so a start that
   * follows can't beat it. `exitCode` settles with the exit code; it rejects if `signal`
   * aborts the wait first.
   */
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ exitCode: Promise<number> }>;
  /** Resolves once the container is gone (at once when it is already). */
  removed(ref: string, what?: string): Promise<void>;
  /**
   * Its output (unless `output: false`), and with `stdin` its input (hijacked), from now on.
   * `detachKeys` is the sequence that leaves it running (e.g. "ctrl-p,ctrl-q").
   */
  attach(ref: string, opts: AttachQuery, what?: string): Promise<Duplex>;
  resize(ref: string, size: TerminalSize): Promise<void>;
  /**
   * Its output as one plain stream (stdout and stderr together; `tty` says whether the
   * container has one, i.e. whether the engine sends raw bytes rather than frames).
   * undefined when it does not exist.
   */
  logs(ref: string, opts: LogQuery, what?: string): Promise<Readable | undefined>;
  /**
   * Its figures; undefined when the engine has none (stopped, gone). By default the engine's
   * next two samples, about a second apart (CPU use between them); `oneShot` returns one
   * sample at once, without the earlier one (API 1.41). undefined too when `signal` aborts it.
   */
  stats(ref: string, opts?: { oneShot?: boolean; signal?: AbortSignal }): Promise<ContainerStats | undefined>;
  /** Runs a command on a TTY in a running container. */
  exec(ref: string, command: string[], what?: string): Promise<ExecSession>;
  /** Runs a command without a TTY in a running container: its stdout and stderr apart. */
  execPiped(ref: string, command: string[], opts: PipedExecQuery, what?: string): Promise<PipedExec>;
}

export interface AttachQuery {
  stdin: boolean;
  /** Default true; false attaches the input only (typing into it). */
  output?: boolean;
  detachKeys?: string;
  signal?: AbortSignal;
}

export interface PipedExecQuery {
  /** Working directory in the container (default: the image's). */
  cwd?: string;
  env?: Record<string, string>;
}

export interface PipedExec {
  stdout: Readable;
  stderr: Readable;
  /** Settles once the command's output has ended (or `close` was called). */
  ended: Promise<void>;
  /** Stops reading its output (the command itself is left running). */
  close(): void;
  /** The command's exit code once its output has ended; -1 when the engine has none yet. */
  exitCode(): Promise<number>;
}

export interface LogQuery {
  follow: boolean;
  tty: boolean;
  tail?: number;
  /** Seconds since the epoch. */
  since?: number;
}

export interface TerminalSize {
  h: number;
  w: number;
}

export interface ExecSession {
  stream: Duplex;
  resize(size: TerminalSize): Promise<void>;
  /** The command's exit code, once its stream has ended. */
  exitCode(): Promise<number>;
}

/** One non-streaming stats document, as the engine sends it. */
export interface ContainerStats {
  /** When the engine read cpu_stats, and precpu_stats (0001-01-01… when it has none). */
  read?: string;
  preread?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ImageClient {
  /** undefined when the engine has no such image. */
  inspect(ref: string, what?: string): Promise<ImageDetails | undefined>;
  /** false when there was nothing to remove. */
  remove(ref: string, opts: { noprune?: boolean }, what?: string): Promise<boolean>;
  /**
   * Sends a build context (a tar stream) to the classic builder and yields its JSON
   * messages, parsed, as the daemon sends them. A refusal before the stream starts is the
   * typed error; a failing step is a message with `error` / `errorDetail` (read it).
   */
  build(context: Readable, opts: BuildQuery, what?: string): Promise<AsyncIterable<BuildMessage>>;
}

export interface BuildQuery {
  tag: string;
  dockerfile: string;
  buildargs: Record<string, string>;
  labels: Record<string, string>;
  noCache: boolean;
  signal?: AbortSignal;
}

/** One JSON message of the classic builder's stream (a line that is not JSON comes as `stream`). */
export interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

export interface EventQuery {
  /** Seconds since the epoch: events from then on are replayed first (default: from now). */
  since?: number;
  filters: Filters;
  /** What the caller is doing, for the error when the stream fails (default "events"). */
  what?: string;
  /** Told about a line that is not JSON (skipped). */
  unreadable?: (line: string) => void;
}

/** The part of an Engine API event hal9000 reads. */
export interface EngineEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}
