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
  ParentStatus,
  SpawnOptions,
  TaskEvent,
  TaskOptions,
  TaskResult,
  TerminalIO,
  WaitUntil,
  WorkerInfo,
  WorkerStats,
} from "@hal9000/core";

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
>;
