import {
  type ConfigSource,
  type CredentialKind,
  type Hal9000Config,
  type HomeLayout,
  homeLayout,
  initHome,
  loadConfig,
  readCoordinatorLog,
  resolveHome,
  SessionStore,
} from "@hal9000/volumes";
import {
  type CredentialReport,
  credentialReport,
  credentialSource,
  forgetCredential,
  storeCredential,
} from "./auth.js";
import type { BranchDiff } from "./branches/diff.js";
import {
  type BranchContext,
  branchConflicts,
  type CommitResult,
  type ConflictReport,
  commitBranch,
  type DiscardResult,
  diffBranch,
  discardBranch,
  type LeftWork,
  leftWork,
  type MergeResult,
  mergeBranch,
} from "./branches/operations.js";
import type { CoreContext } from "./context/context.js";
import { pathContext } from "./context/host-paths.js";
import { type CoordinatorOptions, runCoordinator } from "./coordinator/coordinator.js";
import { assertLocalEngine, connectDocker, type Dockerode as Docker } from "./engine/docker.js";
import { dockerEngine } from "./engine/docker-engine.js";
import type { Engine, EngineInfo } from "./engine/engine.js";
import {
  type AgentStateChange,
  type WaitOptions,
  type WatchOptions,
  waitForAgentStates,
  watchAgentStates,
} from "./fleet/agent-watch.js";
import { type FleetStatus, fleetStatus, stopAllWorkers, stopWorker } from "./fleet/fleet.js";
import { type FleetWatchOptions, watchFleet } from "./fleet/watch.js";
import { type McpRelayStatus, mcpRelayStatus } from "./mcp/relay-status.js";
import {
  addMcpServer,
  listMcpServers,
  type McpServerInput,
  type McpServerList,
  removeMcpServer,
} from "./mcp/servers.js";
import {
  imageStates,
  type ParentStatus,
  parentStatus,
  restartParent,
  startParent,
  stopParent,
} from "./parent/parent.js";
import type { SpawnOptions } from "./spawn/options.js";
import { spawnWorker } from "./spawn/spawn.js";
import {
  type RunTasksOptions,
  runTask,
  runTasks,
  type TaskHandle,
  type TaskOptions,
  type TaskSettled,
} from "./tasks/index.js";
import { attachAgent, type SendOptions, sendPrompt } from "./terminal/agent.js";
import { attachShell, execInParent, runInteractive, type TerminalIO } from "./terminal/terminal.js";
import { runUp, type UpImage, type UpImageState, type UpOptions, type UpResult } from "./up.js";
import type { CredentialSource } from "./worker/credential.js";
import { type ExecOptions, type ExecResult, execInWorker } from "./worker/exec.js";
import type { WorkerInfo } from "./worker/info.js";
import { countWorkers, listWorkers } from "./worker/list.js";
import { type LogOptions, workerLogs } from "./worker/logs.js";

export interface Hal9000Options {
  /** HAL9000_HOME; default env HAL9000_HOME, then ~/.hal9000. */
  home?: string;
  /** The environment to read HAL9000_*, DOCKER_HOST, ANTHROPIC_API_KEY from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Config values from command-line flags (they win over env and hal9000.conf). */
  flags?: Partial<Hal9000Config>;
  /** A Docker client; default DOCKER_HOST or the default socket. */
  docker?: Docker;
  /** The engine client to speak through (default: one over `docker`). */
  engine?: Engine;
  /** Base for relative project paths; default process.cwd(). */
  cwd?: string;
}

/**
 * The parent/worker model. Every operation that needs Docker makes sure the daemon answered
 * a ping (once per Hal9000), so an unreachable daemon is one clear DockerUnavailableError; every failure is a Hal9000Error
 * (or a volumes ConfigError/HomeError) with a message and a hint.
 */
export class Hal9000 {
  readonly config: Hal9000Config;
  readonly sources: Record<keyof Hal9000Config, ConfigSource>;
  readonly layout: HomeLayout;
  readonly docker: Docker;
  readonly engine: Engine;
  readonly sessions: SessionStore;
  readonly #ctx: CoreContext;

  private constructor(ctx: CoreContext, docker: Docker) {
    this.#ctx = ctx;
    this.docker = docker;
    this.engine = ctx.engine;
    this.config = ctx.config;
    this.sources = ctx.sources;
    this.layout = ctx.layout;
    this.sessions = ctx.sessions;
  }

  /** Loads config and layout; does not contact Docker. */
  static async open(options: Hal9000Options = {}): Promise<Hal9000> {
    const env = options.env ?? process.env;
    const home = resolveHome({ flag: options.home, env });
    const { config, sources } = await loadConfig({ home, env, flags: options.flags });
    const layout = homeLayout(home, config);
    const docker = options.docker ?? connectDocker({ env });
    return new Hal9000(
      {
        engine: options.engine ?? dockerEngine(docker),
        config,
        sources,
        layout,
        sessions: new SessionStore(layout.sessions),
        env,
        paths: pathContext(layout.home, env, options.cwd ?? process.cwd()),
      },
      docker,
    );
  }

  /** True when this process runs inside the parent (HAL9000_HOST_HOME is set). */
  get insideParent(): boolean {
    return this.#ctx.paths.insideParent;
  }

  /** The daemon's version (asked once; a failed ping is asked again next time). */
  ping(): Promise<EngineInfo> {
    return this.engine.ping();
  }

  async startParent(opts: { image?: string } = {}): Promise<ParentStatus> {
    await this.ping();
    return startParent(this.#ctx, opts);
  }

  async stopParent(): Promise<ParentStatus> {
    await this.ping();
    return stopParent(this.#ctx);
  }

  async restartParent(): Promise<ParentStatus> {
    await this.ping();
    return restartParent(this.#ctx);
  }

  async parentStatus(): Promise<ParentStatus> {
    await this.ping();
    return parentStatus(this.#ctx);
  }

  /**
   * Creates and starts a worker; for an interactive session use runInteractive. With
   * `settleMs`, a detached worker that stops within that window rejects with WorkerExitedError.
   */
  async spawn(opts: SpawnOptions = {}): Promise<WorkerInfo> {
    const calledAt = Date.now(); // a stop-all called after this cancels the spawn if it still waits
    this.#assertLocalMounts(opts);
    await this.ping();
    return spawnWorker(this.#ctx, opts, { calledAt });
  }

  /**
   * A headless task: a worker runs `claude -p` on the project; iterate the handle for its
   * events, await `handle.result` for Claude's final result. The worker is removed afterwards
   * unless `keep`; aborting `signal` or passing `timeoutMs` stops it.
   */
  runTask(opts: TaskOptions): TaskHandle {
    return runTask(this.#ctx, opts, () => this.ping());
  }

  /** Several tasks, `concurrency` at a time; results in input order (queued at WORKER_MAX_COUNT). */
  runTasks(tasks: readonly TaskOptions[], opts: RunTasksOptions = {}): Promise<TaskSettled[]> {
    return runTasks(this.#ctx, tasks, opts, () => this.ping());
  }

  /** Spawns a worker on the caller's terminal (raw mode, resize) and returns its exit code. */
  async runInteractive(opts: SpawnOptions, io: TerminalIO): Promise<number> {
    const calledAt = Date.now();
    this.#assertLocalMounts(opts);
    await this.ping();
    return runInteractive(this.#ctx, opts, io, calledAt);
  }

  /** A worker bind-mounts its project and Claude home from this host: refused on a remote engine. */
  #assertLocalMounts(opts: SpawnOptions): void {
    const project = opts.project === undefined ? [] : [`the project ${opts.project}`];
    assertLocalEngine(this.docker, "spawn a worker", [...project, "the worker's Claude home"]);
  }

  async list(): Promise<WorkerInfo[]> {
    await this.ping();
    return listWorkers(this.#ctx);
  }

  async count(): Promise<number> {
    await this.ping();
    return countWorkers(this.#ctx);
  }

  async stop(name: string): Promise<void> {
    await this.ping();
    return stopWorker(this.#ctx, name);
  }

  /** Stops every worker, and cancels the spawns called before it that have not started yet. */
  async stopAll(): Promise<string[]> {
    const calledAt = Date.now();
    await this.ping();
    return stopAllWorkers(this.#ctx, calledAt);
  }

  async logs(name: string, opts: LogOptions = {}): Promise<NodeJS.ReadableStream> {
    await this.ping();
    return workerLogs(this.#ctx, name, opts);
  }

  /** Runs a command in a running worker without a terminal; returns its output and exit code. */
  async exec(name: string, command: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    await this.ping();
    return execInWorker(this.#ctx, name, command, opts);
  }

  /**
   * The caller's terminal on the worker's own session (the Claude TUI in a detached worker);
   * Ctrl-P Ctrl-Q detaches and leaves it running. Returns 0 on detach, else its exit code.
   */
  async attach(name: string, io: TerminalIO): Promise<number> {
    await this.ping();
    return attachAgent(this.#ctx, name, io);
  }

  /** A shell (bash, else sh) in a running worker on the caller's terminal; returns its exit code. */
  async shell(name: string, io: TerminalIO): Promise<number> {
    await this.ping();
    return attachShell(this.#ctx, name, io);
  }

  /**
   * Types a prompt into a running worker's Claude session. With `wait`, resolves once the agent
   * is no longer working (idle, waiting for a human, done or exited), with that state.
   */
  async send(name: string, prompt: string, opts: SendOptions = {}): Promise<AgentStateChange | undefined> {
    await this.ping();
    return sendPrompt(this.#ctx, name, prompt, opts);
  }

  /** The workers' agent states as they change (first each one's current state), until `signal` aborts. */
  async *watch(opts: WatchOptions = {}): AsyncGenerator<AgentStateChange> {
    await this.ping();
    yield* watchAgentStates(this.#ctx, opts);
  }

  /** Resolves once every named worker (default: all) has reached `until` (default: settled); WaitTimeoutError on timeout. */
  async waitFor(opts: WaitOptions = {}): Promise<AgentStateChange[]> {
    await this.ping();
    return waitForAgentStates(this.#ctx, opts);
  }

  /** Runs a command in the running parent on the caller's terminal (e.g. `tmux attach`); returns its exit code. */
  async execInParent(command: string[], io: TerminalIO): Promise<number> {
    await this.ping();
    return execInParent(this.#ctx, command, io);
  }

  get #branches(): BranchContext {
    return { layout: this.layout, env: this.#ctx.env, insideParent: this.#ctx.paths.insideParent };
  }

  /**
   * What a worker spawned with `branch` changed against its base: its commits, uncommitted edits
   * and new files (patch, stat, files with line counts). Works after its container is gone.
   */
  diff(name: string): Promise<BranchDiff> {
    return diffBranch(this.#branches, name);
  }

  /** Records a worker's uncommitted changes as a commit on its branch (author: the user's git identity). */
  commit(name: string, opts: { message?: string } = {}): Promise<CommitResult> {
    return commitBranch(this.#branches, name, opts.message);
  }

  /**
   * Merges a worker's branch into the user's current branch, only when it merges cleanly and
   * touches no file with uncommitted edits; otherwise changes nothing (MergeConflictError lists the files).
   */
  merge(name: string, opts: { squash?: boolean } = {}): Promise<MergeResult> {
    return mergeBranch(this.#branches, name, opts);
  }

  /**
   * Files touched by more than one worker, and branches that would conflict with each other or
   * with yours (of `workers`, default every worker with a branch). Touches no working tree.
   */
  conflicts(opts: { workers?: string[] } = {}): Promise<ConflictReport> {
    return branchConflicts(this.#branches, opts.workers);
  }

  /** Removes a stopped worker's checkout, branch and record. */
  async discard(name: string): Promise<DiscardResult> {
    await this.ping();
    const running = (await listWorkers(this.#ctx)).some((w) => w.name === name && w.state === "running");
    return discardBranch(this.#branches, name, running);
  }

  /** Workers (of `names`, default all) whose checkouts hold work not yet committed to their branch. */
  leftWork(names?: string[]): Promise<LeftWork[]> {
    return leftWork(this.#branches, names);
  }

  /**
   * Calls `onChange` now and whenever this fleet changes (Docker events of the parent and its
   * workers, session records, `files`) until `signal` aborts: for live views, without polling.
   */
  watchFleet(opts: FleetWatchOptions): Promise<void> {
    return watchFleet(this.#ctx, opts);
  }

  async status(): Promise<FleetStatus> {
    await this.ping();
    return fleetStatus(this.#ctx);
  }

  /**
   * The MCP relay (Option B): the servers mcp.json configures, whether the host relay serves
   * them (else why, and what to do), and each server's sessions, calls and last error. Asks the
   * relay over its socket, within seconds; needs no Docker.
   */
  mcpRelay(): Promise<McpRelayStatus> {
    return mcpRelayStatus(this.layout);
  }

  /** The servers in mcp.json, each with its sessions, calls and last error, and the relay's state. */
  mcpServers(): Promise<McpServerList> {
    return listMcpServers(this.layout);
  }

  /** Adds a stdio server for every worker spawned from now on (`replace`: over one of that name). */
  addMcpServer(name: string, server: McpServerInput, opts: { replace?: boolean } = {}): Promise<void> {
    return addMcpServer(this.layout, name, server, opts);
  }

  /** Removes a relayed server; workers spawned from now on no longer get it. */
  removeMcpServer(name: string): Promise<void> {
    return removeMcpServer(this.layout, name);
  }

  /**
   * Everything from nothing: Docker, the credential a worker needs (checked before anything is
   * built or started), the images (missing ones built by `opts.build`), HAL9000_HOME, the
   * parent and, given `project`, a detached worker on it.
   */
  up<Built extends { tag: string }, Relay = unknown>(
    opts: UpOptions<Built, Relay> = {},
  ): Promise<UpResult<Built, Relay>> {
    return runUp(this, opts);
  }

  /** Whether each image is in the engine, and which hal9000 version built it. */
  async imageStates(images: readonly UpImage[]): Promise<UpImageState[]> {
    await this.ping();
    return imageStates(this.#ctx, images);
  }

  /** Creates HAL9000_HOME and its directories (idempotent; never overwrites the config). */
  initHome(): Promise<{ created: string[] }> {
    return initHome(this.layout);
  }

  /** The stored credential (kind, file, problems; never the value) and which credential variables are set. */
  credentialStatus(): Promise<CredentialReport> {
    return credentialReport(this.layout, this.#ctx.env);
  }

  /** Stores the credential workers get (kind guessed from its prefix unless given). */
  setCredential(input: {
    value: string;
    kind?: CredentialKind;
  }): Promise<{ path: string; kind: CredentialKind }> {
    return storeCredential(this.layout, input);
  }

  /** Removes the stored credential and every worker's copy of it. */
  removeCredential(): Promise<{ removed: boolean; workerCopies: number }> {
    return forgetCredential(this.layout);
  }

  /** Where a worker spawned now gets its credential: the environment, the stored one, or null (none). */
  credentialSource(): Promise<CredentialSource | null> {
    return credentialSource(this.layout, this.#ctx.env);
  }

  /** The last `lines` of the coordinator's log (none yet: an empty list). */
  coordinatorLog(opts: { lines?: number } = {}): Promise<string[]> {
    return readCoordinatorLog(this.layout, opts.lines);
  }

  /** The parent's main process; returns when `signal` aborts. */
  async runCoordinator(opts: CoordinatorOptions): Promise<void> {
    await this.ping();
    return runCoordinator(this.#ctx, opts);
  }
}
