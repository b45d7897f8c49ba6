export {
  claudeConfigFile,
  type ImportOptions,
  type ImportReport,
  importClaudeServers,
} from "./config/claude-import.js";
export { RelayLog, type RelayLogLevel } from "./relay/relay-log.js";
export { RelayError, runRelay, startRelayDetached, stopRelay } from "./relay/relay-process.js";
export { type RelayOptions, type RunningRelay, startRelay } from "./relay/relay-server.js";
export type { SessionInfo } from "./relay/relay-session.js";
export { createHal9000Server, type Hal9000Tools, serveHal9000, toolError } from "./server/hal9000-server.js";
