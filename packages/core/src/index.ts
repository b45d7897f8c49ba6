/**
 * @hal9000/core's public surface: the Hal9000 facade, what its methods take and give, its
 * errors, the engine connection, and the contracts other tools rely on (labels, version).
 * Everything else (building blocks, pure request builders, paths) is on
 * `@hal9000/core/internal`, for hal9000's own packages and tests: no stability promise.
 */

// The facade.
export type { CredentialReport } from "./auth.js";
// What its methods take and give.
export type { BranchDiff, FileChange, FileStatus } from "./branches/diff.js";
// Its errors: each has `code`, `message`, `hint` and `cause`; isHal9000Error recognises them by brand.
export { GitError, MergeConflictError } from "./branches/index.js";
export type {
  CommitResult,
  ConflictReport,
  DiscardResult,
  LeftWork,
  MergeResult,
  WorkerChanges,
} from "./branches/operations.js";
export type { CoordinatorOptions } from "./coordinator/coordinator.js";
export {
  connectDocker,
  type DockerConnectOptions,
  type DockerInfo,
  type Dockerode,
} from "./engine/docker.js";
// The engine it speaks to.
export { dockerEngine } from "./engine/docker-engine.js";
export type { BuildMessage, Engine, EngineInfo } from "./engine/engine.js";
export {
  type AgentStateChange,
  WAIT_UNTIL,
  type WaitOptions,
  WaitTimeoutError,
  type WaitUntil,
  type WatchOptions,
} from "./fleet/agent-watch.js";
export type { FleetStatus, WorkerStatus } from "./fleet/fleet.js";
export type { WorkerStats } from "./fleet/stats.js";
export type { FleetWatchOptions } from "./fleet/watch.js";
export { Hal9000, type Hal9000Options } from "./hal9000.js";
export type {
  McpRelayState,
  McpRelayStatus,
  RelayHealth,
  RelayServerHealth,
  RelaySessionHealth,
} from "./mcp/relay-status.js";
export type { McpServerInfo, McpServerInput, McpServerList } from "./mcp/servers.js";
export type { ContainerState, ParentStatus } from "./parent/parent.js";
export type { SpawnOptions } from "./spawn/options.js";
export type {
  ClaudeEvent,
  ClaudeResult,
  HalTaskEvent,
  PermissionMode,
  RunTasksOptions,
  TaskEvent,
  TaskHandle,
  TaskOptions,
  TaskResult,
  TaskSettled,
} from "./tasks/index.js";
export { TaskAbortedError, TaskCredentialError, TaskFailedError, TaskTimeoutError } from "./tasks/index.js";
export type { SendOptions } from "./terminal/agent.js";
export type { TerminalIO } from "./terminal/terminal.js";
export type { UpImage, UpImageState, UpOptions, UpResult, UpStep } from "./up.js";
export {
  BuildFailedError,
  ConflictError,
  DockerUnavailableError,
  Hal9000Error,
  type Hal9000ErrorCode,
  InvalidInputError,
  isHal9000Error,
  LimitReachedError,
  NoCredentialError,
  NotFoundError,
  ParentNotRunningError,
  WorkerExitedError,
} from "./vocabulary/errors.js";
// Contracts other tools may rely on.
export { LABEL_PARENT, LABEL_PROJECT, LABEL_ROLE, LABEL_VERSION } from "./vocabulary/labels.js";
export { HAL9000_VERSION } from "./vocabulary/version.js";
export { AGENT_STATES, type AgentState, type AgentStateName } from "./worker/agent-state.js";
export type { ExecOptions, ExecResult } from "./worker/exec.js";
export type { WorkerInfo } from "./worker/info.js";
export type { WorkerLimitsInfo } from "./worker/limits.js";
export type { LogOptions } from "./worker/logs.js";
