export { type WriteFileAtomicOptions, writeFileAtomic } from "./atomic-write.js";
export {
  BRANCH_SCHEMA_VERSION,
  BRANCHES_DIR_NAME,
  type BranchRecord,
  BranchStore,
  branchesDirPath,
  branchRecordPath,
  branchRecordProblem,
  CHECKOUTS_DIR_NAME,
  checkoutPath,
  checkoutsDirPath,
} from "./branches.js";
export {
  type CheckoutGitDirKind,
  checkoutGitDirKind,
  checkoutIndexDraft,
  chownCheckout,
  copyIntoCheckout,
  installCheckoutIndex,
  readCheckoutHead,
  writeCheckoutAlternates,
  writeCheckoutRef,
} from "./checkout-files.js";
export {
  CONFIG_FILE_NAME,
  checkConfig,
  configFilePath,
  defaultConfigText,
  loadConfig,
  MAX_CONFIG_BYTES,
  parseConfig,
  resolveConfig,
} from "./config.js";
export {
  CONFIG_KEYS,
  type ConfigKeySpec,
  type ConfigSource,
  defaultConfig,
  envName,
  flagName,
  type Hal9000Config,
  MAX_MEMORY_BYTES,
  MIN_MEMORY_BYTES,
  parseDockerSize,
  parseImage,
} from "./config-keys.js";
export {
  CREDENTIAL_KINDS,
  type CredentialKind,
  credentialFilePath,
  credentialStatus,
  credentialValueProblem,
  guessCredentialKind,
  inspectCredential,
  MAX_CREDENTIAL_LENGTH,
  readCredential,
  removeCredential,
  saveCredential,
} from "./credentials.js";
export { closest, editDistance } from "./did-you-mean.js";
export {
  ConfigError,
  Hal9000ErrorBase,
  HomeError,
  isHal9000Error,
  isVolumesError,
  VolumesError,
  type VolumesErrorCode,
} from "./errors.js";
export { DEFAULT_HOME_NAME, type HomeLayout, homeLayout, resolveHome } from "./home.js";
export {
  cleanHome,
  type HomeDirName,
  type HomeDirStatus,
  type HomeProblem,
  type HomeStatus,
  homeOwner,
  homeStatus,
  initHome,
  VOLUME_ROLE_LABEL,
  type VolumeClient,
} from "./home-ops.js";
export { type HomeWatch, watchHome } from "./home-watch.js";
export {
  isOwned,
  isWorkerOf,
  LABEL_BRANCH,
  LABEL_DETACHED,
  LABEL_HOST_HOME,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  LABEL_ROLE,
  LABEL_VERSION,
  LABEL_WORKER_HOME,
  labelFlag,
  type Role,
  roleFilter,
} from "./labels.js";
export {
  DEFAULT_LOCK_STALE_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
  LOCKS_DIR_NAME,
  type LockHolder,
  type LockOptions,
  lockFilePath,
  lockNameProblem,
  locksDirPath,
  withLock,
} from "./lock.js";
export {
  AppendLog,
  appendWorkerLog,
  COORDINATOR_LOG_FILE,
  COORDINATOR_PID_FILE,
  coordinatorLogPath,
  coordinatorPidPath,
  pruneLogs,
  readCoordinatorLog,
  readWorkerLog,
  removeCoordinatorPid,
  replaceWorkerLogTail,
  workerLogPath,
  workerLogSize,
  workerLogWrittenAt,
  writeCoordinatorPid,
} from "./logs.js";
export {
  addMcpServers,
  checkMcpServerEntry,
  MAX_MCP_CONFIG_BYTES,
  MCP_CONFIG_FILE_NAME,
  MCP_SERVER_NAME_RE,
  type McpConfig,
  type McpServerEntry,
  mcpConfigPath,
  mcpServerNameProblem,
  parseMcpConfig,
  readMcpConfig,
  removeMcpServer,
} from "./mcp-config.js";
export {
  ensureMcpWorkerToken,
  MAX_SOCKET_PATH_BYTES,
  type McpRelayFiles,
  mcpRelayFiles,
  mcpRelaySocketPath,
  mcpTokenWorker,
  RUN_DIR_NAME,
  removeMcpWorkerToken,
  watchMcpCredentials,
} from "./mcp-relay-files.js";
export { assertWorkerName, workerNameProblem } from "./names.js";
export { readTextIfExists } from "./read-text.js";
export {
  CONTAINER_NAME_RE,
  DEFAULT_PARENT_IMAGE,
  DEFAULT_WORKER_IMAGE,
  DEFAULT_WORKER_MINIMAL_IMAGE,
  isImageReference,
  MAX_CONTAINER_NAME,
  MAX_IMAGE_REFERENCE,
} from "./references.js";
export {
  SESSION_SCHEMA_VERSION,
  type SessionRecord,
  type SessionState,
  SessionStore,
  sessionRecordProblem,
  TASK_OUTCOMES,
  type TaskOutcome,
  type TaskRecord,
} from "./sessions.js";
export { settleAll } from "./settle-all.js";
export {
  clearSpawnIntent,
  type FoundSpawnIntent,
  readSpawnIntents,
  readStopAllMarker,
  SPAWN_INTENT_FILE,
  SPAWN_INTENT_STALE_MS,
  type SpawnIntent,
  spawnIntentLive,
  spawnIntentPath,
  spawnStateExists,
  stopAllMarkerPath,
  touchSpawnIntent,
  writeSpawnIntent,
  writeStopAllMarker,
} from "./spawn-state.js";
export {
  readStatsSamples,
  type StatsSample,
  type StatsSamples,
  statsSamplesPath,
  writeStatsSamples,
} from "./stats-samples.js";
export {
  CLAUDE_STATE_ENTRIES,
  type ClaudeHomeOptions,
  claudeSettingsWith,
  prepareClaudeHome,
} from "./worker-home/claude-home.js";
export { identityFiles, WORKER_USER_NAME, writeIdentityFiles } from "./worker-home/identity.js";
export {
  API_KEY_HELPER,
  CLAUDE_HOST_CONFIG_PATH,
  CREDENTIAL_MOUNT_PATH,
  OAUTH_MOUNT_PATH,
  WORKER_CLAUDE_DIR,
  WORKER_HOME_PATH,
  WORKSPACE_PATH,
} from "./worker-home/mounts.js";
export { type FileOwner, ownedDir, readSettings, writeOwnedFile } from "./worker-home/owned-files.js";
export { type PreparedWorkerHome, prepareWorkerHome, type WorkerHomePlan } from "./worker-home/prepare.js";
export {
  type RelayedServers,
  type RelayedServersResult,
  withRelayedServers,
  writeRelayedServers,
} from "./worker-home/relayed-servers.js";
export {
  credentialFileContent,
  ensureWorkerSecretsDir,
  pruneWorkerCredentials,
  removeWorkerCredential,
  removeWorkerCredentials,
  type WorkerCredentialFile,
  workerSecretsDir,
  workerSecretsRoot,
  writeWorkerCredential,
} from "./worker-home/secrets.js";
export {
  HOOK_EVENTS,
  HOOK_SCRIPT,
  HOOK_SCRIPT_PATH,
  settingsWithoutStateHooks,
  settingsWithStateHooks,
} from "./worker-home/state-hooks.js";
export { createWorkerHome, removeWorkerHome, workerHomeExists, workerHomePath } from "./worker-homes.js";
export {
  clearHookState,
  HOOK_STATES,
  type HookRecord,
  type HookState,
  hookEventsSize,
  parseHookRecord,
  readHookEvents,
  readHookState,
  WORKER_EVENTS_FILE,
  WORKER_STATE_DIR,
  WORKER_STATE_FILE,
  workerStatePaths,
} from "./worker-state.js";
