/**
 * The worker's own Claude home (HAL9000_HOME/workers/<name>, its HOME): writable, private to
 * the worker's UID. hal9000 prepares its ~/.claude before the worker starts: the
 * apiKeyHelper that reads the mounted key, the mount point of an OAuth credential file and,
 * with mountClaudeConfig (the seed's MCP "Option A"), links to the host's Claude config.
 *
 * Option A: the host's ~/.claude is mounted read-only at /home/worker/.claude-host, and the
 * worker's writable ~/.claude gets a symlink into it for every entry that is configuration
 * (CLAUDE.md, agents, commands, skills, plugins, hooks, scripts …), while the entries Claude
 * writes as it works (projects, sessions, todos …) stay the worker's own. Mounting the host's
 * directory read-only at ~/.claude itself also runs (measured: `claude -p` copes), but then
 * Claude can save no session, and hal9000 could not add its apiKeyHelper; links keep both.
 * settings.json is a copy of the host's (or the worker's own), with hal9000's apiKeyHelper when
 * it hands over an API key and hal9000's state hooks (state-hooks.ts) beside the user's own hooks.
 */
import { lchown, lstat, readdir, rm, symlink } from "node:fs/promises";
import path from "node:path";
import type { CredentialKind } from "../credentials.js";
import { settleAll } from "../settle-all.js";
import { WORKER_EVENTS_FILE, WORKER_STATE_DIR, WORKER_STATE_FILE } from "../worker-state.js";
import { API_KEY_HELPER, CLAUDE_HOST_CONFIG_PATH, WORKSPACE_PATH } from "./mounts.js";
import { type FileOwner, isRoot, ownedDir, readSettings, writeOwnedFile } from "./owned-files.js";
import {
  HOOK_SCRIPT,
  HOOK_SCRIPT_PATH,
  settingsWithoutStateHooks,
  settingsWithStateHooks,
} from "./state-hooks.js";

/** Entries of ~/.claude that Claude writes while it works: never linked to the read-only host copy. */
export const CLAUDE_STATE_ENTRIES: ReadonlySet<string> = new Set([
  "projects",
  "sessions",
  "session-env",
  "todos",
  "tasks",
  "plans",
  "shell-snapshots",
  "statsig",
  "telemetry",
  "file-history",
  "paste-cache",
  "image-cache",
  "debug",
  "logs",
  "ide",
  "backups",
  "downloads",
  "cache",
  "history.jsonl",
  "stats-cache.json",
  "local",
]);

const SETTINGS = "settings.json";
const CREDENTIALS = ".credentials.json";

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** A symlink at `at` to `target` (a path inside the worker), replacing an earlier symlink only. */
async function link(at: string, target: string, user: FileOwner): Promise<void> {
  const s = await lstatOrUndefined(at);
  if (s && !s.isSymbolicLink()) return; // the worker's own file or directory: keep it
  if (s) await rm(at, { force: true });
  await symlink(target, at);
  if (isRoot()) await lchown(at, user.uid, user.gid);
}

/** settings.json in the worker's Claude home, with hal9000's apiKeyHelper set or cleared. */
export function claudeSettingsWith(existing: unknown, useHelper: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> =
    existing !== null && typeof existing === "object" && !Array.isArray(existing)
      ? { ...(existing as Record<string, unknown>) }
      : {};
  if (useHelper) settings.apiKeyHelper = API_KEY_HELPER;
  else if (settings.apiKeyHelper === API_KEY_HELPER) delete settings.apiKeyHelper;
  return settings;
}

export interface ClaudeHomeOptions {
  /** Local path of the worker's home (mounted at /home/worker). */
  home: string;
  user: FileOwner;
  /** The credential the worker gets, if any. */
  credential?: CredentialKind;
  /** Local path of the host's Claude config to link in (mountClaudeConfig). */
  hostConfig?: string;
  /** hal9000's state hooks in settings.json (default true). */
  stateHooks?: boolean;
  /** Pre-accept the folder-trust dialog for /workspace (WORKER_TRUST_WORKSPACE, default true). */
  trustWorkspace?: boolean;
}

/** The state hook's script in the worker's home, and no state left by an earlier worker of the name. */
async function prepareStateHook(home: string, user: FileOwner): Promise<void> {
  const dir = path.join(home, WORKER_STATE_DIR);
  await ownedDir(dir, user, 0o755);
  await rm(path.join(dir, WORKER_STATE_FILE), { force: true });
  await rm(path.join(dir, WORKER_EVENTS_FILE), { force: true });
  await writeOwnedFile(path.join(dir, path.posix.basename(HOOK_SCRIPT_PATH)), HOOK_SCRIPT, user, 0o755);
}

/** Prepares the worker's ~/.claude (see the file comment); idempotent for a reused home. */
export async function prepareClaudeHome(opts: ClaudeHomeOptions): Promise<void> {
  const { home, user, credential, hostConfig, stateHooks = true, trustWorkspace = true } = opts;
  const dir = path.join(home, ".claude");
  await ownedDir(dir, user);
  // Each part writes its own files: written at once.
  await settleAll([
    markOnboarded(home, user, { onboarded: credential !== undefined, trustWorkspace }),
    prepareConfig(dir, user, { credential, hostConfig, stateHooks }),
    stateHooks ? prepareStateHook(home, user) : undefined,
    prepareCredentialFile(dir, user, credential),
  ]);
}

/**
 * Links to the host's config entries, and settings.json: the host's settings (a copy) or the
 * worker's own, with hal9000's apiKeyHelper when it hands over an API key, and its state hooks
 * beside the user's own hooks.
 */
async function prepareConfig(
  dir: string,
  user: FileOwner,
  opts: Pick<ClaudeHomeOptions, "credential" | "hostConfig" | "stateHooks">,
): Promise<void> {
  const { credential, hostConfig, stateHooks = true } = opts;
  const inWorker = (entry: string) => `${CLAUDE_HOST_CONFIG_PATH}/${entry}`;
  if (hostConfig !== undefined) {
    for (const entry of await readdir(hostConfig)) {
      if (CLAUDE_STATE_ENTRIES.has(entry) || entry === SETTINGS || entry === CREDENTIALS) continue;
      await link(path.join(dir, entry), inWorker(entry), user);
    }
  }
  const settingsFile = path.join(dir, SETTINGS);
  const current = await lstatOrUndefined(settingsFile);
  const hostSettings = hostConfig === undefined ? undefined : path.join(hostConfig, SETTINGS);
  const fromHost = hostSettings !== undefined && (await lstatOrUndefined(hostSettings)) !== undefined;
  const base = fromHost
    ? await readSettings(hostSettings as string)
    : current?.isFile()
      ? await readSettings(settingsFile)
      : undefined;
  const withHelper = claudeSettingsWith(base, credential === "api-key");
  const next = stateHooks ? settingsWithStateHooks(withHelper) : settingsWithoutStateHooks(withHelper);
  if (current?.isSymbolicLink()) await rm(settingsFile, { force: true });
  const unchanged = current?.isFile() && JSON.stringify(next) === JSON.stringify(base ?? {});
  if (Object.keys(next).length === 0) {
    if (current && !current.isSymbolicLink()) await rm(settingsFile, { force: true });
  } else if (!unchanged) {
    await writeOwnedFile(settingsFile, `${JSON.stringify(next, null, 2)}\n`, user);
  }
}

/**
 * .credentials.json: the mount point of an OAuth token (a setup-token token, or the access
 * token of the host's login: never a link to the host's file, whose refresh token a worker
 * could spend; see host-login.ts), or the worker's own.
 */
async function prepareCredentialFile(
  dir: string,
  user: FileOwner,
  credential: ClaudeHomeOptions["credential"],
): Promise<void> {
  const credFile = path.join(dir, CREDENTIALS);
  const cred = await lstatOrUndefined(credFile);
  if (credential === "oauth-token") {
    if (cred?.isSymbolicLink()) await rm(credFile, { force: true });
    // Docker mounts the token over this file; creating it here keeps it owned by the worker, not root.
    if (!cred || cred.isSymbolicLink()) await writeOwnedFile(credFile, "", user);
    return;
  }
  if (cred?.isFile() && cred.size === 0) await rm(credFile, { force: true }); // an earlier spawn's mount point
  if (cred?.isSymbolicLink()) await rm(credFile, { force: true }); // an older hal9000's link to the host's login
}

/**
 * ~/.claude.json. With a credential from hal9000, Claude's first-run onboarding (theme, login,
 * a reachability check of Anthropic's API) has nothing left to ask, and where that API is
 * unreachable it makes Claude exit: a detached worker would be gone at once. The folder-trust
 * dialog for /workspace (the project the user chose) would hold a detached worker before its
 * session starts. Other keys of the file are kept.
 */
async function markOnboarded(
  home: string,
  user: FileOwner,
  opts: { onboarded: boolean; trustWorkspace: boolean },
): Promise<void> {
  const file = path.join(home, ".claude.json");
  const existing = await readSettings(file);
  const state = existing && typeof existing === "object" ? { ...(existing as Record<string, unknown>) } : {};
  const before = JSON.stringify(state);
  if (opts.onboarded) state.hasCompletedOnboarding = true;
  // Once onboarded, Claude asks a user whose settings choose a permission mode other than auto
  // whether to make auto their default, in a dialog that drops typed text: a detached worker sat
  // in it and never took a prompt from `send`. Marked as seen, the user's own mode stays (as
  // "No, keep" would); an answer already in the file wins.
  if (state.hasCompletedOnboarding === true && state.hasSeenAutoDefaultNudge === undefined) {
    state.hasSeenAutoDefaultNudge = true;
  }
  if (opts.trustWorkspace) {
    const projects =
      state.projects && typeof state.projects === "object"
        ? { ...(state.projects as Record<string, unknown>) }
        : {};
    const workspace =
      projects[WORKSPACE_PATH] && typeof projects[WORKSPACE_PATH] === "object"
        ? (projects[WORKSPACE_PATH] as Record<string, unknown>)
        : {};
    projects[WORKSPACE_PATH] = { ...workspace, hasTrustDialogAccepted: true };
    state.projects = projects;
  }
  if (JSON.stringify(state) === before) return;
  await writeOwnedFile(file, `${JSON.stringify(state, null, 2)}\n`, user);
}
