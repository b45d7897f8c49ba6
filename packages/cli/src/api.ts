/**
 * The slice of @hal9000/core's `Hal9000` facade the CLI calls. Commands depend on this, so
 * tests can hand them a fake; the real facade is one by construction.
 */
import type { Hal9000 } from "@hal9000/core";

export type {
  AgentStateChange,
  DockerInfo,
  FleetStatus,
  McpRelayStatus,
  McpServerInput,
  McpServerList,
  ParentStatus,
  SpawnOptions,
  TaskEvent,
  TaskOptions,
  TaskResult,
  TerminalIO,
  UpImage,
  UpImageState,
  UpResult,
  UpStep,
  WaitUntil,
  WorkerInfo,
  WorkerStats,
} from "@hal9000/core";

// Facts of the facade's vocabulary the command tables need at parse time (choices, limits):
// values, from the packages below, so they are defined once. Cheap to load (no dockerode).
export { READY_TIMEOUT_MS, WAIT_UNTIL } from "@hal9000/core/agent-states";
export { CREDENTIAL_KINDS, type CredentialKind, MAX_CREDENTIAL_LENGTH } from "@hal9000/volumes";

export type Hal9000Api = Pick<
  Hal9000,
  | "config"
  | "layout"
  | "docker"
  | "ping"
  | "startParent"
  | "stopParent"
  | "restartParent"
  | "parentStatus"
  | "spawn"
  | "runInteractive"
  | "list"
  | "count"
  | "stop"
  | "stopAll"
  | "logs"
  | "attach"
  | "status"
  | "watchFleet"
  | "runCoordinator"
  | "execInParent"
  | "runTask"
  | "runTasks"
  | "diff"
  | "commit"
  | "merge"
  | "conflicts"
  | "discard"
  | "leftWork"
  | "shell"
  | "send"
  | "watch"
  | "waitFor"
  | "exec"
  | "mcpRelay"
  | "mcpServers"
  | "addMcpServer"
  | "removeMcpServer"
  | "up"
  | "imageStates"
  | "initHome"
  | "credentialStatus"
  | "setCredential"
  | "removeCredential"
  | "credentialSource"
  | "coordinatorLog"
>;
