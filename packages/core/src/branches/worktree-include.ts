/**
 * `.worktreeinclude` (Claude Code's convention): gitignore-syntax patterns naming files git
 * ignores that a fresh checkout still needs (`.env`, local config). A file is copied when it
 * matches a pattern AND is ignored by git; tracked files come with the branch anyway. The copying
 * is @hal9000/volumes' (copyIntoCheckout): the checkout is under HAL9000_HOME.
 */
import { lstat } from "node:fs/promises";
import path from "node:path";
import { git, splitZ } from "./git.js";
import { run, type UserRepo } from "./repo.js";

export const WORKTREE_INCLUDE_FILE = ".worktreeinclude";

/** Relative paths of the user's files that .worktreeinclude asks for (none when there is no such file). */
export async function worktreeIncludeFiles(repo: UserRepo): Promise<string[]> {
  const list = path.join(repo.top, WORKTREE_INCLUDE_FILE);
  const st = await lstat(list).catch(() => undefined);
  if (!st?.isFile()) return [];
  const matching = splitZ(
    (await git(["ls-files", "-z", "--others", "--ignored", `--exclude-from=${list}`], run(repo))).stdout,
  );
  if (matching.length === 0) return [];
  // check-ignore answers 1 when none is ignored.
  const ignored = await git(["check-ignore", "-z", "--stdin"], {
    ...run(repo),
    input: `${matching.join("\0")}\0`,
    okCodes: [1],
  });
  return splitZ(ignored.stdout).sort();
}
