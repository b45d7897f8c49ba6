/**
 * HAL9000_HOME/secrets/workers/<name>/: one private (0700) directory per worker, holding its
 * copy of the credential (0600, owned by the worker's UID, bind-mounted read-only so that
 * `docker inspect` shows a path, never the value) and its identity files (identity.ts).
 *
 * - An API key is the bare key, mounted at CREDENTIAL_MOUNT_PATH and printed by the
 *   apiKeyHelper in the worker's settings.json.
 * - An OAuth token is Claude's own ~/.claude/.credentials.json (`claudeAiOauth.accessToken`,
 *   Linux's credential store), mounted read-only at OAUTH_MOUNT_PATH.
 */
import { chmod, lstat, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../atomic-write.js";
import type { CredentialKind } from "../credentials.js";
import { HomeError } from "../errors.js";
import type { HomeLayout } from "../home.js";
import { workerHomePath } from "../worker-homes.js";
import { CREDENTIAL_MOUNT_PATH, OAUTH_MOUNT_PATH } from "./mounts.js";
import type { FileOwner } from "./owned-files.js";

/** What a worker's credential file holds. */
export interface WorkerCredentialFile {
  kind: CredentialKind;
  value: string;
  /** An OAuth access token's expiry (ms since the epoch); null or absent: it does not expire soon. */
  expiresAt?: number | null;
  /** The subscription a login's token belongs to (pro, max, …), when the login says so. */
  subscriptionType?: string | null;
}

/**
 * The content of the worker's credential file for its kind. An OAuth token never comes with a
 * refresh token: a setup-token token lives a year and has none, and of the host's login the
 * worker gets the access token only. Nothing in a worker refreshes, so no worker can
 * invalidate another's credential.
 */
export function credentialFileContent(c: WorkerCredentialFile): string {
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

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await lstat(dir);
  if (!s.isDirectory()) {
    throw new HomeError(`${dir} is not a directory`, {
      hint: `move it aside (mv ${dir} ${dir}.bak) and spawn again`,
    });
  }
  await chmod(dir, 0o700);
}

/**
 * secrets/ and secrets/workers/ as this process found them private once: checked again by
 * the next process. Should one go later, the worker's own directory's mkdir makes it 0700 again.
 */
const checked = new Set<string>();
async function checkedOnce(dir: string): Promise<void> {
  if (checked.has(dir)) return;
  await privateDir(dir);
  checked.add(dir);
}

/** Directories being made: a worker's credential copy and identity files, written at once, share one. */
const making = new Map<string, Promise<string>>();

/** The worker's private directory under HAL9000_HOME/secrets/workers, created if missing. */
export async function ensureWorkerSecretsDir(layout: HomeLayout, name: string): Promise<string> {
  const dir = workerSecretsDir(layout, name);
  const pending = making.get(dir);
  if (pending) return pending;
  const made = (async () => {
    await checkedOnce(layout.secrets);
    await checkedOnce(workerSecretsRoot(layout));
    await privateDir(dir);
    return dir;
  })().finally(() => making.delete(dir));
  making.set(dir, made);
  return made;
}

/**
 * Writes the worker's credential file (0600, owned by `user`, created before anything is
 * written to it, synced) and returns its local path and where it goes in the worker. Whether
 * this process may give a file to `user` is the caller's decision (core checks it first).
 */
export async function writeWorkerCredential(
  layout: HomeLayout,
  name: string,
  credential: WorkerCredentialFile,
  user: FileOwner,
): Promise<{ file: string; target: string }> {
  const dir = await ensureWorkerSecretsDir(layout, name);
  const file = path.join(dir, credential.kind === "api-key" ? "credential" : ".credentials.json");
  await writeFileAtomic(file, credentialFileContent(credential), { mode: 0o600, owner: user, sync: true });
  return { file, target: credential.kind === "api-key" ? CREDENTIAL_MOUNT_PATH : OAUTH_MOUNT_PATH };
}

/** Removes a worker's private directory (its credential copy and identity files). */
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
 * Removes the credential copies of workers that no longer exist (`exists(name)` false, the
 * caller's decision) and that are older than `minAgeMs`, so a spawn in flight in another
 * process keeps its file.
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
