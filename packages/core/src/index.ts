export type { CoreContext } from "./context.js";
export {
  COORDINATOR_LOG_FILE,
  COORDINATOR_PID_FILE,
  type CoordinatorOptions,
} from "./coordinator.js";
export * from "./docker.js";
export * from "./errors.js";
export type { FleetStatus } from "./fleet.js";
export { Hal9000, type Hal9000Options } from "./hal9000.js";
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
} from "./host-paths.js";
export * from "./labels.js";
export { logFor } from "./log.js";
export { demuxLogBuffer, type LogOptions, workerLogPath } from "./logs.js";
export {
  CONTAINER_NAME_PATTERN,
  generateWorkerName,
  MAX_NAME_LENGTH,
  nameProblem,
  validateContainerName,
  WORKER_NAME_PREFIX,
} from "./names.js";
export {
  type ContainerState,
  forwardedConfigEnv,
  HOST_SOCKET_ENV,
  type ParentSpec,
  type ParentStatus,
  parentCreateOptions,
  STOP_TIMEOUT_SECONDS,
} from "./parent.js";
export {
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerLimits,
  type WorkerSpec,
  workerCreateOptions,
  workerEnv,
  workerLabels,
  workerLimits,
} from "./spawn-options.js";
export { cpuPercent, memoryUsage, type RawStats, uptimeSeconds, type WorkerStats } from "./stats.js";
export { runTerminal, type TerminalIO, type TerminalSession } from "./terminal.js";
export { HAL9000_VERSION } from "./version.js";
export { ACTIVE_STATES, type WorkerInfo } from "./worker-info.js";
