/**
 * The files hal9000 itself writes in a worker's checkout (HAL9000_HOME/checkouts/<name>/), beside
 * what git writes there: the alternates that borrow the user's objects, the ignored files
 * .worktreeinclude asks for, the owner, and, after hal9000 committed the worker's edits, the
 * branch ref and the index. The worker controls every byte of its checkout: nothing here follows
 * a symlink it planted. Which files, which ref and which commit is core's decision.
 */
import { execFile } from "node:child_process";
import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { VolumesError } from "./errors.js";

/** What is at the checkout's `.git`: git keeps a real directory there (never a `gitdir:` file). */
export type CheckoutGitDirKind = "directory" | "missing" | "other";

export async function checkoutGitDirKind(checkout: string): Promise<CheckoutGitDirKind> {
  const st = await lstat(path.join(checkout, ".git")).catch(() => undefined);
  return st === undefined ? "missing" : st.isDirectory() ? "directory" : "other";
}

/** The checkout borrows the user's objects (`objectDir`) through git's alternates. */
export async function writeCheckoutAlternates(checkout: string, objectDir: string): Promise<void> {
  await writeFile(path.join(checkout, ".git", "objects", "info", "alternates"), `${objectDir}\n`);
}

/**
 * Copies `files` (paths relative to `from`) into the checkout at the same relative paths: regular
 * files only, modes kept, never outside the checkout. Returns the ones copied.
 */
export async function copyIntoCheckout(
  checkout: string,
  from: string,
  files: readonly string[],
): Promise<string[]> {
  const copied: string[] = [];
  for (const rel of files) {
    const source = path.join(from, rel);
    const st = await lstat(source).catch(() => undefined);
    if (!st?.isFile()) continue;
    const to = path.join(checkout, rel);
    if (!to.startsWith(`${checkout}${path.sep}`)) continue;
    await mkdir(path.dirname(to), { recursive: true });
    await copyFile(source, to);
    await chmod(to, st.mode & 0o777);
    copied.push(rel);
  }
  return copied;
}

/**
 * Gives the whole checkout to `owner` (a worker's UID:GID, when hal9000 runs as root), links
 * themselves and not what they point at. One `chown -R`: a single process walks the tree far
 * faster than one awaited call per file.
 */
export function chownCheckout(checkout: string, owner: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      "chown",
      ["-R", "--no-dereference", `${owner.uid}:${owner.gid}`, "--", checkout],
      (err, _out, stderr) =>
        err
          ? reject(
              new Error(
                `chown -R ${owner.uid}:${owner.gid} ${checkout} failed: ${stderr.trim() || err.message}`,
              ),
            )
          : resolve(),
    );
  });
}

/** The text of the checkout's `.git/HEAD`, or undefined when it is not a regular file. */
export async function readCheckoutHead(checkout: string): Promise<string | undefined> {
  const file = path.join(checkout, ".git", "HEAD");
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return (await readFile(file, "utf8")).trim();
}

/** Root may give what it writes to the checkout's owner; anyone else already is that owner. */
async function ownLikeCheckout(checkout: string, file: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const owner = await stat(checkout);
  await chown(file, owner.uid, owner.gid).catch(() => undefined);
}

/**
 * Points `ref` (e.g. `refs/heads/hal9000/x`, or `HEAD` for a detached head; checked by the
 * caller) at `commit`. The directories on the way are made one at a time and must be real
 * directories: one that is not is a VolumesError UNSAFE_PATH, and nothing is written.
 */
export async function writeCheckoutRef(checkout: string, ref: string, commit: string): Promise<void> {
  const gitDir = path.join(checkout, ".git");
  const parts = ref.split("/");
  let dir = gitDir;
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    const st = await lstat(dir).catch(() => undefined);
    if (!st) await mkdir(dir);
    else if (!st.isDirectory()) throw new VolumesError("UNSAFE_PATH", `${dir} is not a directory`);
  }
  const file = path.join(gitDir, ...parts);
  await writeFileAtomic(file, `${commit}\n`, { mode: 0o644 });
  await ownLikeCheckout(checkout, file);
}

/**
 * A fresh path for an index of the checkout that git writes (GIT_INDEX_FILE) before
 * `installCheckoutIndex` moves it into place; a leftover of an earlier run is removed.
 */
export async function checkoutIndexDraft(checkout: string): Promise<string> {
  const draft = path.join(checkout, ".git", `index.hal9000-${process.pid}`);
  await rm(draft, { force: true });
  return draft;
}

/** Replaces the checkout's index with `draft` in one rename. */
export async function installCheckoutIndex(checkout: string, draft: string): Promise<void> {
  const index = path.join(checkout, ".git", "index");
  await rename(draft, index);
  await ownLikeCheckout(checkout, index);
}
