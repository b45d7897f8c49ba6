export {
  type ClaudeTaskArgs,
  claudeTaskCommand,
  PERMISSION_MODES,
  type PermissionMode,
  validateClaudeTaskArgs,
} from "./claude-args.js";
export { TaskAbortedError, TaskCredentialError, TaskFailedError, TaskTimeoutError } from "./errors.js";
export {
  type HalTaskEvent,
  runTask,
  STOP_GRACE_SECONDS,
  type TaskEvent,
  type TaskHandle,
  type TaskOptions,
  type TaskResult,
  ttyLine,
  validateTaskOptions,
} from "./run-task.js";
export { type RunTasksOptions, runTasks, type TaskSettled } from "./run-tasks.js";
export { type ClaudeEvent, type ClaudeResult, claudeResult, parseStreamJsonLine } from "./stream-json.js";
