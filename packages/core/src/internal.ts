/**
 * `@hal9000/core/internal`: every building block of core, for hal9000's own packages and tests
 * (request builders, paths, the engine's helpers, the wings' functions). No stability promise:
 * applications use the root export (index.ts).
 */

export {
  type CredentialReport,
  credentialReport,
  credentialSource,
  forgetCredential,
  storeCredential,
} from "./auth.js";
export * from "./branches/index.js";
export type { CoreContext } from "./context/context.js";
export {
  CONTAINER_SOCKET_PATH,
  HOST_HOME_ENV,
  type Owner,
  PARENT_HOME_PATH,
  type PathContext,
  type ProjectDir,
  pathContext,
  resolveProject,
  toHostPath,
  WORKER_HOME_PATH,
  WORKSPACE_PATH,
} from "./context/host-paths.js";
export {
  COORDINATOR_LOG_FILE,
  COORDINATOR_PID_FILE,
  type CoordinatorOptions,
} from "./coordinator/coordinator.js";
export * from "./engine/docker.js";
export { demuxLogBuffer, dockerEngine } from "./engine/docker-engine.js";
export type {
  AttachQuery,
  BuildMessage,
  BuildQuery,
  ContainerClient,
  ContainerCreateOptions,
  ContainerDetails,
  ContainerStats,
  ContainerSummary,
  Engine,
  EngineEvent,
  EngineInfo,
  EventQuery,
  ExecSession,
  Filters,
  ImageClient,
  ImageDetails,
  LogQuery,
  PipedExec,
  PipedExecQuery,
  TerminalSize,
  WaitCondition,
} from "./engine/engine.js";
export { JsonLineSplitter, jsonLines } from "./engine/json-lines.js";
export {
  type AgentStateChange,
  reached,
  WAIT_UNTIL,
  type WaitOptions,
  WaitTimeoutError,
  type WaitUntil,
  type WatchOptions,
} from "./fleet/agent-watch.js";
export type { FleetStatus, WorkerStatus } from "./fleet/fleet.js";
export {
  compareDockerTimes,
  type NetworkRepair,
  type ParentNetwork,
  planNetworkRepairs,
  REPAIR_STOP_TIMEOUT_SECONDS,
  type RepairResult,
  recreateOptions,
  restartKeepsRemoveOnExit,
  type WorkerNetwork,
} from "./fleet/recovery.js";
export { cpuPercent, memoryUsage, type RawStats, uptimeSeconds, type WorkerStats } from "./fleet/stats.js";
export type { FleetWatchOptions } from "./fleet/watch.js";
export { Hal9000, type Hal9000Options } from "./hal9000.js";
export { MCP_RELAY_HOST, MCP_RELAY_PORT, type McpForwarder, startMcpForwarder } from "./mcp/forwarder.js";
export {
  type McpRelayState,
  type McpRelayStatus,
  mcpRelayStatus,
  type RelayHealth,
  type RelayServerHealth,
  type RelaySessionHealth,
  relayHealth,
  relayPid,
} from "./mcp/relay-status.js";
export { addMcpServer, listMcpServers, removeMcpServer } from "./mcp/servers.js";
export { RELAY_URL_PREFIX, type WorkerMcpResult } from "./mcp/worker-mcp.js";
export {
  type ContainerState,
  forwardedConfigEnv,
  HOST_SOCKET_ENV,
  type ParentSpec,
  type ParentStatus,
  parentCreateOptions,
  STOP_TIMEOUT_SECONDS,
} from "./parent/parent.js";
export { SPAWN_LOCK, SPAWN_LOCK_TIMEOUT_MS } from "./spawn/lock.js";
export {
  type CredentialMount,
  limitOverrides,
  MAX_SETTLE_MS,
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerLimits,
  type WorkerSpec,
  workerCreateOptions,
  workerEnv,
  workerLabels,
  workerLimits,
} from "./spawn/options.js";
export {
  type IntentUndo,
  type OrphanReport,
  planIntentUndo,
  SPAWN_INTENT_FILE,
  type SpawnIntent,
} from "./spawn/orphans.js";
export * from "./tasks/index.js";
export { DETACH_KEYS, type SendOptions } from "./terminal/agent.js";
export { runTerminal, type TerminalIO, type TerminalSession } from "./terminal/terminal.js";
export {
  runUp,
  type UpHost,
  type UpImage,
  type UpImageState,
  type UpOptions,
  type UpResult,
  type UpStep,
} from "./up.js";
export * from "./vocabulary/errors.js";
export * from "./vocabulary/labels.js";
export { logFor } from "./vocabulary/log.js";
export {
  CONTAINER_NAME_PATTERN,
  generateWorkerName,
  MAX_NAME_LENGTH,
  nameProblem,
  validateContainerName,
  WORKER_NAME_PREFIX,
} from "./vocabulary/names.js";
export { HAL9000_VERSION } from "./vocabulary/version.js";
export {
  AGENT_STATES,
  type AgentState,
  type AgentStateName,
  deriveAgentState,
  exitCodeFromStatus,
} from "./worker/agent-state.js";
export {
  assertCanHandOver,
  CREDENTIAL_ENV,
  type CredentialSource,
  pickCredential,
  type WorkerCredential,
  withoutCredentialEnv,
} from "./worker/credential.js";
export { type ExecOptions, type ExecResult, execInWorker, MAX_EXEC_OUTPUT_BYTES } from "./worker/exec.js";
export {
  assertNotDockerSocket,
  assertWorkerIsolation,
  DOCKER_ENV_NAMES,
  DOCKER_SOCKET_PATHS,
  dockerSocketProblem,
} from "./worker/guard.js";
export { ACTIVE_STATES, type WorkerInfo } from "./worker/info.js";
export { limitsFromHostConfig, type WorkerLimitsInfo } from "./worker/limits.js";
export { type LogOptions, workerLogPath } from "./worker/logs.js";
export { lastOutputLines, terminalText } from "./worker/terminal-text.js";
export { FALLBACK_WORKER_USER, workerUser } from "./worker/user.js";
