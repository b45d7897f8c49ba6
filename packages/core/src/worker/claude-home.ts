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
 * settings.json is linked too, unless hal9000 hands the worker an API key: then it is a copy
 * of the host's settings with hal9000's apiKeyHelper added.
 */
import { lchown, lstat, readdir, realpath, rm, stat, symlink } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type { CredentialKind } from "@hal9000/volumes";
import { type Owner, type PathContext, WORKER_HOME_PATH } from "../context/host-paths.js";
import { InvalidInputError } from "../vocabulary/errors.js";
import { claudeSettingsWith, ownedDir, readSettings, writeOwnedFile } from "./credential.js";
import { assertNotDockerSocket } from "./guard.js";

/** Where the host's ~/.claude is mounted (read-only) with mountClaudeConfig. */
export const CLAUDE_HOST_CONFIG_PATH = `${WORKER_HOME_PATH}/.claude-host`;

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

/**
 * The host directory to mount for mountClaudeConfig: $CLAUDE_CONFIG_DIR, else ~/.claude of
 * the caller. Only from the host: inside the parent the host's home is not visible.
 */
export async function resolveHostClaudeConfig(
  paths: PathContext,
  env: NodeJS.ProcessEnv,
  sockets: readonly string[] = [],
): Promise<string> {
  if (paths.insideParent) {
    throw new InvalidInputError("mounting the host's Claude config works only when spawning from the host", {
      hint: "run `hal9000 spawn --mount-claude-config` on the host, not inside the parent",
    });
  }
  const dir = env.CLAUDE_CONFIG_DIR || path.join(env.HOME || homedir(), ".claude");
  let real: string;
  try {
    real = await realpath(dir);
    if (!(await stat(real)).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new InvalidInputError(`no Claude config directory at ${dir}`, {
      hint: "run claude once on the host (it creates ~/.claude), set CLAUDE_CONFIG_DIR, or leave out --mount-claude-config",
    });
  }
  assertNotDockerSocket("Claude config", real, sockets);
  return real;
}

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

const isRoot = () => process.getuid?.() === 0;

/** A symlink at `at` to `target` (a path inside the worker), replacing an earlier symlink only. */
async function link(at: string, target: string, user: Owner): Promise<void> {
  const s = await lstatOrUndefined(at);
  if (s && !s.isSymbolicLink()) return; // the worker's own file or directory: keep it
  if (s) await rm(at, { force: true });
  await symlink(target, at);
  if (isRoot()) await lchown(at, user.uid, user.gid);
}

export interface ClaudeHomeOptions {
  /** Local path of the worker's home (mounted at /home/worker). */
  home: string;
  user: Owner;
  /** The credential the worker gets, if any. */
  credential?: CredentialKind;
  /** Local path of the host's Claude config to link in (mountClaudeConfig). */
  hostConfig?: string;
}

/** Prepares the worker's ~/.claude (see the file comment); idempotent for a reused home. */
export async function prepareClaudeHome(opts: ClaudeHomeOptions): Promise<void> {
  const { home, user, credential, hostConfig } = opts;
  const dir = path.join(home, ".claude");
  await ownedDir(dir, user);
  if (credential !== undefined) await markOnboarded(home, user);
  const inWorker = (entry: string) => `${CLAUDE_HOST_CONFIG_PATH}/${entry}`;

  if (hostConfig !== undefined) {
    for (const entry of await readdir(hostConfig)) {
      if (CLAUDE_STATE_ENTRIES.has(entry) || entry === SETTINGS || entry === CREDENTIALS) continue;
      await link(path.join(dir, entry), inWorker(entry), user);
    }
  }

  // settings.json: hal9000's apiKeyHelper when it hands over an API key, else the host's (linked) or the worker's own.
  const settingsFile = path.join(dir, SETTINGS);
  const current = await lstatOrUndefined(settingsFile);
  const hostSettings = hostConfig === undefined ? undefined : path.join(hostConfig, SETTINGS);
  if (credential === "api-key") {
    const base =
      hostSettings !== undefined
        ? await readSettings(hostSettings)
        : current?.isFile()
          ? await readSettings(settingsFile)
          : undefined;
    if (current?.isSymbolicLink()) await rm(settingsFile, { force: true });
    await writeOwnedFile(settingsFile, `${JSON.stringify(claudeSettingsWith(base, true), null, 2)}\n`, user);
  } else if (current?.isFile()) {
    // A helper left by an earlier spawn would print a file that is no longer mounted.
    const existing = await readSettings(settingsFile);
    const next = claudeSettingsWith(existing, false);
    if (JSON.stringify(next) !== JSON.stringify(existing ?? {}))
      await writeOwnedFile(settingsFile, `${JSON.stringify(next, null, 2)}\n`, user);
  } else if (hostSettings !== undefined && (await lstatOrUndefined(hostSettings))) {
    await link(settingsFile, inWorker(SETTINGS), user);
  } else if (current) {
    await rm(settingsFile, { force: true }); // a link to host settings that are gone, or not wanted now
  }

  // .credentials.json: the mount point of an OAuth token, the host's login (linked), or the worker's own.
  const credFile = path.join(dir, CREDENTIALS);
  const cred = await lstatOrUndefined(credFile);
  if (credential === "oauth-token") {
    if (cred?.isSymbolicLink()) await rm(credFile, { force: true });
    // Docker mounts the token over this file; creating it here keeps it owned by the worker, not root.
    if (!cred || cred.isSymbolicLink()) await writeOwnedFile(credFile, "", user);
    return;
  }
  if (cred?.isFile() && cred.size === 0) await rm(credFile, { force: true }); // an earlier spawn's mount point
  const hostLogin = hostConfig === undefined ? undefined : path.join(hostConfig, CREDENTIALS);
  if (credential === undefined && hostLogin !== undefined && (await lstatOrUndefined(hostLogin))) {
    await link(credFile, inWorker(CREDENTIALS), user);
  } else if (cred?.isSymbolicLink()) {
    await rm(credFile, { force: true }); // no stale link to the host's login
  }
}

/**
 * With a credential from hal9000, Claude's first-run onboarding (theme, login, a reachability
 * check of Anthropic's API) has nothing left to ask, and where that API is unreachable it makes
 * Claude exit: a detached worker would be gone at once. Other keys of ~/.claude.json are kept.
 */
async function markOnboarded(home: string, user: Owner): Promise<void> {
  const file = path.join(home, ".claude.json");
  const existing = await readSettings(file);
  const state = existing && typeof existing === "object" ? (existing as Record<string, unknown>) : {};
  if (state.hasCompletedOnboarding === true) return;
  await writeOwnedFile(
    file,
    `${JSON.stringify({ ...state, hasCompletedOnboarding: true }, null, 2)}\n`,
    user,
  );
}
