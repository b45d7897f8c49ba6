/**
 * Where a worker sees the files of its home and its secret copies. The files refer to each
 * other by these paths (settings.json's apiKeyHelper reads the mounted key, the hook script
 * writes the state files, the links point into the host's config), so they are defined here,
 * with the files; core mounts the files at these targets.
 */

/** The project, inside a worker. */
export const WORKSPACE_PATH = "/workspace";
/** The worker's home (HAL9000_HOME/workers/<name>), inside the worker: its HOME. */
export const WORKER_HOME_PATH = "/home/worker";
/** The worker's Claude config directory (its HOME's .claude). */
export const WORKER_CLAUDE_DIR = `${WORKER_HOME_PATH}/.claude`;
/** Where a worker finds its API key (read-only). */
export const CREDENTIAL_MOUNT_PATH = "/run/hal9000/credential";
/** Where a worker finds its OAuth token, in the file format Claude Code reads (read-only). */
export const OAUTH_MOUNT_PATH = `${WORKER_CLAUDE_DIR}/.credentials.json`;
/** The apiKeyHelper hal9000 puts in a worker's settings.json: prints the mounted key. */
export const API_KEY_HELPER = `cat ${CREDENTIAL_MOUNT_PATH}`;
/** Where the host's ~/.claude is mounted (read-only) with mountClaudeConfig. */
export const CLAUDE_HOST_CONFIG_PATH = `${WORKER_HOME_PATH}/.claude-host`;
