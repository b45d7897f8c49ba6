/**
 * How a worker gets its Anthropic credential without it ever being in its environment,
 * its command, its labels or any record: hal9000 writes it to a per-worker 0600 file under
 * HAL9000_HOME/secrets/workers/<name>/, owned by the worker's UID, and bind-mounts that
 * file read-only. `docker inspect` then shows a path, never the value.
 *
 * - An API key is mounted at /run/hal9000/credential and read by Claude Code through the
 *   `apiKeyHelper` setting in the worker's ~/.claude/settings.json (Claude runs the command
 *   and sends its output as X-Api-Key and as a Bearer token).
 * - A Claude OAuth token (`claude setup-token`) has no helper: Claude reads one from
 *   ~/.claude/.credentials.json (`claudeAiOauth.accessToken`, Linux's credential store), so
 *   that file is generated and mounted read-only at that path. The only other ways in are
 *   the CLAUDE_CODE_OAUTH_TOKEN variable (what this avoids) and a file descriptor handed over
 *   by a wrapper process.
 *
 * Where the value comes from, first match wins: the spawn's own env (ANTHROPIC_API_KEY or
 * CLAUDE_CODE_OAUTH_TOKEN given with -e), the caller's environment (the same names), the
 * credential stored with `hal9000 auth set`, then (mountClaudeConfig only) the access token of
 * the host's Claude login, never its refresh token (host-login.ts: one writer refreshes).
 *
 * For a Claude subscription the recommended credential is the long-lived token of
 * `claude setup-token`: every worker gets the same read-only copy, and none ever refreshes it.
 */

import { chmod, chown, lstat, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  type CredentialKind,
  credentialValueProblem,
  type HomeLayout,
  readCredential,
  readTextIfExists,
  workerHomePath,
  writeFileAtomic,
} from "@hal9000/volumes";
import { type Owner, WORKER_HOME_PATH } from "../context/host-paths.js";
import { InvalidInputError } from "../vocabulary/errors.js";

/** Where a worker finds its API key (read-only). */
export const CREDENTIAL_MOUNT_PATH = "/run/hal9000/credential";
/** The worker's Claude config directory (its HOME's .claude). */
export const WORKER_CLAUDE_DIR = `${WORKER_HOME_PATH}/.claude`;
/** Where a worker finds its OAuth token, in the file format Claude Code reads (read-only). */
export const OAUTH_MOUNT_PATH = `${WORKER_CLAUDE_DIR}/.credentials.json`;
/** The apiKeyHelper hal9000 puts in a worker's settings.json: prints the mounted key. */
export const API_KEY_HELPER = `cat ${CREDENTIAL_MOUNT_PATH}`;

/** Environment variables whose values are credentials: moved to the file, never passed as env. */
export const CREDENTIAL_ENV: Readonly<Record<string, CredentialKind>> = {
  ANTHROPIC_API_KEY: "api-key",
  CLAUDE_CODE_OAUTH_TOKEN: "oauth-token",
};

/** "host-login": the access token of the host's own Claude login, never its refresh token (host-login.ts). */
export type CredentialSource = "spawn-env" | "env" | "stored" | "host-login";

export interface WorkerCredential {
  kind: CredentialKind;
  value: string;
  source: CredentialSource;
  /** An OAuth access token's expiry (ms since the epoch); null or absent: it does not expire soon. */
  expiresAt?: number | null;
  /** The subscription a login's token belongs to (pro, max, …), when the login says so. */
  subscriptionType?: string | null;
}

/** The worker's environment minus credential variables (they travel as a file). */
export function withoutCredentialEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !Object.hasOwn(CREDENTIAL_ENV, k)));
}

function fromEnv(
  env: Record<string, string | undefined> | undefined,
  source: CredentialSource,
): WorkerCredential | undefined {
  for (const [name, kind] of Object.entries(CREDENTIAL_ENV)) {
    const value = env?.[name]?.trim();
    if (value) return { kind, value, source };
  }
  return undefined;
}

/** Pure precedence: the spawn's env, then the caller's env, then what `hal9000 auth set` stored. */
export function pickCredential(
  spawnEnv: Record<string, string> | undefined,
  callerEnv: NodeJS.ProcessEnv,
  stored: { kind: CredentialKind; value: string } | undefined,
): WorkerCredential | undefined {
  return (
    fromEnv(spawnEnv, "spawn-env") ??
    fromEnv(callerEnv, "env") ??
    (stored ? { kind: stored.kind, value: stored.value, source: "stored" } : undefined)
  );
}

/** The credential a new worker gets, or undefined when there is none anywhere. */
export async function resolveCredential(
  layout: HomeLayout,
  callerEnv: NodeJS.ProcessEnv,
  spawnEnv: Record<string, string> | undefined,
): Promise<WorkerCredential | undefined> {
  const early = pickCredential(spawnEnv, callerEnv, undefined);
  // The stored file is only opened when needed: an unsafe one then fails the spawn with its fix.
  const credential = early ?? pickCredential(undefined, {}, await readCredential(layout));
  if (credential) {
    const problem = credentialValueProblem(credential.value, credential.kind);
    if (problem) {
      const where =
        credential.source === "stored" ? "the stored credential" : `the ${envNameOf(credential.kind)} value`;
      throw new InvalidInputError(`cannot hand ${where} to the worker: ${problem}`, {
        hint: "store it again with `hal9000 auth set` (it reads the value from stdin)",
      });
    }
  }
  return credential;
}

const envNameOf = (kind: CredentialKind) =>
  Object.entries(CREDENTIAL_ENV).find(([, k]) => k === kind)?.[0] ?? "credential";

/**
 * The content of the worker's credential file for its kind. An OAuth token never comes with a
 * refresh token: a setup-token token lives a year and has none, and of the host's login the
 * worker gets the access token only (host-login.ts). Nothing in a worker refreshes, so no
 * worker can invalidate another's credential.
 */
export function credentialFileContent(
  c: Pick<WorkerCredential, "kind" | "value" | "expiresAt" | "subscriptionType">,
): string {
  if (c.kind === "api-key") return `${c.value}\n`;
  return `${JSON.stringify({
    claudeAiOauth: {
      accessToken: c.value,
      refreshToken: null,
      expiresAt: c.expiresAt ?? null,
      scopes: ["user:inference"],
      subscriptionType: c.subscriptionType ?? null,
    },
  })}\n`;
}

/** HAL9000_HOME/secrets/workers: one private directory per worker. */
export function workerSecretsRoot(layout: HomeLayout): string {
  return path.join(layout.secrets, "workers");
}

export function workerSecretsDir(layout: HomeLayout, name: string): string {
  // workerHomePath validates the name (no '/', '..'); the secrets dir uses the same rule.
  return path.join(workerSecretsRoot(layout), path.basename(workerHomePath(layout, name)));
}

const isRoot = () => process.getuid?.() === 0;

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await lstat(dir);
  if (!s.isDirectory()) {
    throw new InvalidInputError(`${dir} is not a directory`, {
      hint: `move it aside (mv ${dir} ${dir}.bak) and spawn again`,
    });
  }
  await chmod(dir, 0o700);
}

/**
 * Writes the worker's credential file (0600, owned by `user`, created before anything is
 * written to it) and returns its local path and where it goes in the worker. Only root can
 * give a file to another UID: a non-root caller spawning a worker for someone else gets an
 * error instead of a file that worker could not read (or others could).
 */
export async function writeWorkerCredential(
  layout: HomeLayout,
  name: string,
  credential: WorkerCredential,
  user: Owner,
): Promise<{ file: string; target: string }> {
  const self = process.getuid?.();
  if (!isRoot() && self !== undefined && self !== user.uid) {
    throw new InvalidInputError(
      `the worker runs as UID ${user.uid}, and only root can hand it a credential file private to that UID`,
      {
        hint: "spawn it as that user (the project's owner), or as root",
      },
    );
  }
  await privateDir(layout.secrets);
  await privateDir(workerSecretsRoot(layout));
  const dir = workerSecretsDir(layout, name);
  await privateDir(dir);
  const file = path.join(dir, credential.kind === "api-key" ? "credential" : ".credentials.json");
  await writeFileAtomic(file, credentialFileContent(credential), { mode: 0o600, owner: user, sync: true });
  return { file, target: credential.kind === "api-key" ? CREDENTIAL_MOUNT_PATH : OAUTH_MOUNT_PATH };
}

/** The worker's private directory under HAL9000_HOME/secrets/workers, created if missing. */
export async function ensureWorkerSecretsDir(layout: HomeLayout, name: string): Promise<string> {
  await privateDir(layout.secrets);
  await privateDir(workerSecretsRoot(layout));
  const dir = workerSecretsDir(layout, name);
  await privateDir(dir);
  return dir;
}

export async function removeWorkerCredential(layout: HomeLayout, name: string): Promise<void> {
  await rm(workerSecretsDir(layout, name), { recursive: true, force: true });
}

/** Removes every worker's copy of the credential (after `hal9000 auth remove`); returns their names. */
export async function removeWorkerCredentials(layout: HomeLayout): Promise<string[]> {
  const root = workerSecretsRoot(layout);
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  await Promise.all(names.map((n) => rm(path.join(root, n), { recursive: true, force: true })));
  return names.sort();
}

/**
 * Removes the credential copies of workers that no longer exist (`exists(name)` false) and
 * that are older than `minAgeMs`, so a spawn in flight in another process keeps its file.
 */
export async function pruneWorkerCredentials(
  layout: HomeLayout,
  exists: (name: string) => Promise<boolean>,
  opts: { minAgeMs?: number; now?: number } = {},
): Promise<string[]> {
  const root = workerSecretsRoot(layout);
  const minAge = opts.minAgeMs ?? 10 * 60_000;
  const now = opts.now ?? Date.now();
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    const s = await stat(dir).catch(() => undefined);
    if (!s || now - s.mtimeMs < minAge) continue;
    if (await exists(name)) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
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

/** Reads a JSON settings file; undefined when missing; a clear error when it is not JSON. */
export async function readSettings(file: string): Promise<unknown> {
  const text = await readTextIfExists(file);
  if (text === undefined || text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${file} is not valid JSON`, {
      hint: `fix or remove it (rm ${file}); hal9000 adds its apiKeyHelper to it`,
    });
  }
}

/** Writes a file owned by `user` (when root can), atomically. */
export async function writeOwnedFile(
  file: string,
  content: string,
  user: Owner,
  mode = 0o600,
): Promise<void> {
  await writeFileAtomic(file, content, { mode, owner: user });
}

/** A directory owned by `user` (when root can); created if missing. */
export async function ownedDir(dir: string, user: Owner, mode = 0o700): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
  if (isRoot()) await chown(dir, user.uid, user.gid);
}
