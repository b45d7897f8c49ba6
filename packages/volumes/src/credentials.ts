/**
 * The Anthropic credential hal9000 hands to its workers: an API key or a Claude OAuth token
 * (`claude setup-token`), one at a time, in a 0600 file under secrets/ (0700). No message,
 * hint or status ever contains the value itself.
 */
import { constants, type Stats } from "node:fs";
import { chmod, chown, lstat, mkdir, open, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { HomeError, VolumesError } from "./errors.js";
import type { HomeLayout } from "./home.js";

export type CredentialKind = "api-key" | "oauth-token";

export const CREDENTIAL_KINDS: readonly CredentialKind[] = ["api-key", "oauth-token"];
export const MAX_CREDENTIAL_LENGTH = 4096;

const FILE_NAMES: Record<CredentialKind, string> = {
  "api-key": "anthropic-api-key",
  "oauth-token": "claude-oauth-token",
};

// Known prefixes only catch a value stored under the wrong kind; unknown prefixes are fine
// (proxies, gateways and test servers use their own tokens).
const API_KEY_PREFIX = "sk-ant-api";
const OAUTH_PREFIX = "sk-ant-oat";

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

const isRoot = () => process.getuid?.() === 0;

function assertKind(kind: unknown): asserts kind is CredentialKind {
  if (!CREDENTIAL_KINDS.includes(kind as CredentialKind)) {
    throw new VolumesError("INVALID_CREDENTIAL", `unknown credential kind ${JSON.stringify(kind)}`, {
      hint: `use one of ${CREDENTIAL_KINDS.join(", ")}`,
    });
  }
}

export function credentialFilePath(layout: HomeLayout, kind: CredentialKind): string {
  assertKind(kind);
  return join(layout.secrets, FILE_NAMES[kind]);
}

/** The kind a value's well-known prefix says it is, or undefined for any other token. */
export function guessCredentialKind(value: string): CredentialKind | undefined {
  const v = value.trim();
  if (v.startsWith(OAUTH_PREFIX)) return "oauth-token";
  if (v.startsWith(API_KEY_PREFIX)) return "api-key";
  return undefined;
}

/** Says where and what, never which character: the message must not leak any of the secret. */
function badCharacter(code: number): string | undefined {
  if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) return "whitespace";
  if (code < 0x20 || code === 0x7f) return "a control character";
  if (code > 0x7e) return "a non-ASCII character";
  return undefined;
}

/** Why `value` (already trimmed) cannot be stored as `kind`, or undefined when it can. */
export function credentialValueProblem(value: unknown, kind: CredentialKind): string | undefined {
  if (typeof value !== "string") return "the credential must be a string";
  if (value === "") return "the credential is empty";
  if (value.length > MAX_CREDENTIAL_LENGTH) {
    return `the credential is ${value.length} characters long (at most ${MAX_CREDENTIAL_LENGTH})`;
  }
  for (let i = 0; i < value.length; i++) {
    const what = badCharacter(value.charCodeAt(i));
    if (what) return `the credential contains ${what} at position ${i + 1} of ${value.length}`;
  }
  const guessed = guessCredentialKind(value);
  if (guessed && guessed !== kind) {
    return guessed === "oauth-token"
      ? `the credential looks like a Claude OAuth token (${OAUTH_PREFIX}...), not an API key`
      : `the credential looks like an Anthropic API key (${API_KEY_PREFIX}...), not an OAuth token`;
  }
  return undefined;
}

function valueHint(kind: CredentialKind): string {
  return kind === "api-key"
    ? "paste the key exactly as the Anthropic Console shows it (it normally starts with sk-ant-), e.g. `hal9000 auth set`; an OAuth token from `claude setup-token` is stored as kind oauth-token"
    : "run `claude setup-token` and paste the token it prints exactly, e.g. `hal9000 auth set --oauth-token`; an API key is stored as kind api-key";
}

function ioError(action: string, path: string, err: unknown): HomeError {
  const code = (err as NodeJS.ErrnoException).code ?? "unknown error";
  return new HomeError(`could not ${action} ${path} (${code})`, {
    hint: `check that you own ${path} and its directory (ls -ld ${path}); \`hal9000 volumes init\` recreates secrets/`,
  });
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}

/** secrets/ exists, is a real directory, mode 0700, owned by `owner` when root. */
async function ensureSecretsDir(layout: HomeLayout, owner: { uid: number; gid: number } | undefined) {
  const dir = layout.secrets;
  const s = await lstatOrUndefined(dir);
  if (s && !s.isDirectory()) {
    throw new HomeError(`${dir} exists but is not a directory`, {
      hint: `move it aside (mv ${dir} ${dir}.bak), then run \`hal9000 volumes init\` again`,
    });
  }
  try {
    if (!s) await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
    // mkdir's mode passes through the umask, and an old secrets/ may be too open.
    await chmod(dir, PRIVATE_DIR);
    if (owner && isRoot()) await chown(dir, owner.uid, owner.gid);
  } catch (err) {
    throw ioError("prepare", dir, err);
  }
}

/**
 * Store the credential, replacing any previous one of either kind. The temp file is created 0600
 * (O_EXCL, same directory) before anything is written to it, then renamed over the target: the
 * value is never in a file other users could open, and readers see the old or the new one whole.
 */
export async function saveCredential(
  layout: HomeLayout,
  input: { kind: CredentialKind; value: string; owner?: { uid: number; gid: number } },
): Promise<{ path: string; kind: CredentialKind }> {
  const { kind, owner } = input;
  assertKind(kind);
  const value = typeof input.value === "string" ? input.value.trim() : input.value;
  const problem = credentialValueProblem(value, kind);
  if (problem) {
    throw new VolumesError("INVALID_CREDENTIAL", `cannot store the ${kindLabel(kind)}: ${problem}`, {
      hint: valueHint(kind),
    });
  }
  await ensureSecretsDir(layout, owner);
  const path = credentialFilePath(layout, kind);
  try {
    await writeFileAtomic(path, `${value}\n`, { mode: PRIVATE_FILE, owner, sync: true });
  } catch (err) {
    throw ioError("write", path, err);
  }
  for (const other of CREDENTIAL_KINDS) {
    if (other !== kind) await rm(credentialFilePath(layout, other), { force: true });
  }
  return { path, kind };
}

function kindLabel(kind: CredentialKind): string {
  return kind === "api-key" ? "Anthropic API key" : "Claude OAuth token";
}

/** The credential files that exist, newest first (two only after a save was interrupted). */
async function presentFiles(
  layout: HomeLayout,
): Promise<{ kind: CredentialKind; path: string; stats: Stats }[]> {
  const found: { kind: CredentialKind; path: string; stats: Stats }[] = [];
  for (const kind of CREDENTIAL_KINDS) {
    const path = credentialFilePath(layout, kind);
    const stats = await lstatOrUndefined(path);
    if (stats) found.push({ kind, path, stats });
  }
  return found.sort((a, b) => b.stats.mtimeMs - a.stats.mtimeMs);
}

const reStoreHint = "re-run `hal9000 auth set` to store the credential again";

/** Read one credential file, refusing anything other users could have read or replaced. */
async function readPrivate(kind: CredentialKind, path: string): Promise<string> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") {
      throw new HomeError(`${path} is a symbolic link; refusing to read a credential through it`, {
        code: "INSECURE_CREDENTIAL",
        hint: `remove it (rm ${path}) and ${reStoreHint}`,
      });
    }
    throw ioError("read", path, err);
  }
  try {
    const s = await file.stat();
    if (!s.isFile()) {
      throw new HomeError(`${path} is not a regular file`, {
        code: "INVALID_CREDENTIAL",
        hint: `move it aside (mv ${path} ${path}.bak) and ${reStoreHint}`,
      });
    }
    if ((s.mode & 0o077) !== 0) {
      throw new HomeError(
        `${path} is accessible to other users (mode ${(s.mode & 0o777).toString(8)}); refusing to use the credential in it`,
        { code: "INSECURE_CREDENTIAL", hint: `chmod 600 ${path}, or ${reStoreHint}` },
      );
    }
    if (s.size > MAX_CREDENTIAL_LENGTH + 2) {
      throw new HomeError(`${path} is too large to hold a credential (${s.size} bytes)`, {
        code: "INVALID_CREDENTIAL",
        hint: reStoreHint,
      });
    }
    const value = (await file.readFile("utf8")).trim();
    const problem = credentialValueProblem(value, kind);
    if (problem) {
      throw new HomeError(`${path} does not hold a usable ${kindLabel(kind)}: ${problem}`, {
        code: "INVALID_CREDENTIAL",
        hint: reStoreHint,
      });
    }
    return value;
  } finally {
    await file.close();
  }
}

/** The stored credential, undefined when there is none; throws HomeError when it is unsafe or unusable. */
export async function readCredential(
  layout: HomeLayout,
): Promise<{ kind: CredentialKind; value: string; path: string } | undefined> {
  let newest: { kind: CredentialKind; path: string } | undefined;
  try {
    [newest] = await presentFiles(layout);
  } catch (err) {
    throw ioError("inspect", layout.secrets, err);
  }
  if (!newest) return undefined;
  return { kind: newest.kind, value: await readPrivate(newest.kind, newest.path), path: newest.path };
}

/** What is stored and what is wrong with it, with a fix for each problem; never the value. */
export async function inspectCredential(layout: HomeLayout): Promise<{
  present: boolean;
  kind?: CredentialKind;
  path?: string;
  problems: { path: string; message: string; hint: string }[];
}> {
  let found: Awaited<ReturnType<typeof presentFiles>>;
  try {
    found = await presentFiles(layout);
  } catch (err) {
    const e = ioError("inspect", layout.secrets, err);
    return { present: false, problems: [{ path: layout.secrets, message: e.message, hint: e.hint ?? "" }] };
  }
  const [newest, older] = found;
  if (!newest) return { present: false, problems: [] };
  const problems: { path: string; message: string; hint: string }[] = [];
  if (older) {
    problems.push({
      path: older.path,
      message: `both ${newest.path} and ${older.path} exist; the newer one (${newest.kind}) is used`,
      hint: `remove the one you do not want (rm ${older.path}), or ${reStoreHint}`,
    });
  }
  try {
    await readPrivate(newest.kind, newest.path);
  } catch (err) {
    if (!(err instanceof VolumesError)) throw err;
    problems.push({ path: newest.path, message: err.message, hint: err.hint ?? reStoreHint });
  }
  return { present: true, kind: newest.kind, path: newest.path, problems };
}

/** For `hal9000 auth status`: never includes the value. */
export async function credentialStatus(layout: HomeLayout): Promise<{
  present: boolean;
  kind?: CredentialKind;
  path?: string;
  problems: string[];
}> {
  const { problems, ...rest } = await inspectCredential(layout);
  return { ...rest, problems: problems.map((p) => `${p.message} (fix: ${p.hint})`) };
}

/** Remove the stored credential (either kind) and any temp file an interrupted save left; true if one existed. */
export async function removeCredential(layout: HomeLayout): Promise<boolean> {
  const found = await presentFiles(layout);
  for (const f of found) await rm(f.path, { force: true });
  let entries: string[] = [];
  try {
    entries = await readdir(layout.secrets);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
  }
  const leftovers = Object.values(FILE_NAMES).map((n) => `.${n}.`);
  for (const e of entries) {
    if (e.endsWith(".tmp") && leftovers.some((prefix) => e.startsWith(prefix))) {
      await rm(join(layout.secrets, e), { force: true });
    }
  }
  return found.length > 0;
}
