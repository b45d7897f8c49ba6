/**
 * Merging a worker's branch into the user's current branch without ever putting the user's work
 * at risk: the merge is computed in the object store (`git merge-tree --write-tree`), so a
 * conflict changes nothing at all; the working tree is only updated by git's own two-tree
 * checkout (`read-tree -m -u`), which refuses before writing anything if a file it would change
 * holds uncommitted edits; the branch ref moves last, and only from where it was.
 */
import { lstat } from "node:fs/promises";
import path from "node:path";
import { ConflictError } from "../vocabulary/errors.js";
import { git, gitOut, splitZ } from "./git.js";
import { casRef, run, type UserRepo } from "./repo.js";

/** A merge that would conflict, or would touch files with uncommitted edits: nothing was changed. */
export class MergeConflictError extends ConflictError {
  readonly files: string[];
  constructor(message: string, files: string[], hint: string) {
    super(`${message}: ${files.join(", ")}`, { hint });
    this.files = files;
  }
}

/** The merged tree of two commits, or the files that conflict; no ref, index or file is touched. */
export async function mergeTrees(
  repo: UserRepo,
  ours: string,
  theirs: string,
): Promise<{ tree: string; conflicts: [] } | { tree: undefined; conflicts: string[] }> {
  const res = await git(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs], {
    ...run(repo),
    okCodes: [1],
  });
  const [tree, ...files] = splitZ(res.stdout);
  if (res.code === 0 && tree) return { tree, conflicts: [] };
  return { tree: undefined, conflicts: [...new Set(files)].sort() };
}

/** Paths with uncommitted edits (staged or not) and untracked files in the user's tree. */
async function userChanges(repo: UserRepo): Promise<Set<string>> {
  const out = await gitOut(
    ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
    run(repo),
  );
  return new Set(splitZ(out).map((entry) => entry.slice(3)));
}

export interface MergeOutcome {
  /** The commit the user's branch now points at. */
  commit: string;
  fastForward: boolean;
  files: string[];
}

/**
 * Moves the user's branch `into` (checked out, at `old`) to a commit merging `theirs`; the
 * commit is made by `makeCommit(tree)` (a merge or a squash). Throws MergeConflictError,
 * changing nothing, when the merge conflicts or would overwrite the user's uncommitted work.
 */
export async function mergeIntoCurrent(
  repo: UserRepo,
  into: string,
  old: string,
  theirs: string,
  opts: { squash: boolean; makeCommit(tree: string, parents: string[]): Promise<string> },
): Promise<MergeOutcome> {
  const merged = await mergeTrees(repo, old, theirs);
  if (merged.tree === undefined) {
    throw new MergeConflictError(
      `merging would conflict in ${merged.conflicts.length === 1 ? "1 file" : `${merged.conflicts.length} files`}`,
      merged.conflicts,
      "nothing was changed; resolve it yourself (git merge <branch>), or discard one of the workers",
    );
  }
  const ff =
    !opts.squash &&
    (await git(["merge-base", "--is-ancestor", old, theirs], { ...run(repo), okCodes: [1] })).code === 0;
  const commit = ff ? theirs : await opts.makeCommit(merged.tree, opts.squash ? [old] : [old, theirs]);
  const changed = splitZ(
    await gitOut(["diff-tree", "-r", "-z", "--name-only", "--no-renames", old, commit], run(repo)),
  );
  const dirty = await userChanges(repo);
  const blocked: string[] = [];
  for (const p of changed) {
    if (dirty.has(p)) blocked.push(p);
    else if (!(await tracked(repo, old, p)) && (await lstat(path.join(repo.top, p)).catch(() => undefined)))
      blocked.push(p);
  }
  if (blocked.length > 0) {
    throw new MergeConflictError(
      "the merge would overwrite uncommitted changes or untracked files in your working tree",
      blocked.sort(),
      "nothing was changed; commit or stash them (git stash -u), then retry",
    );
  }
  // Stat data only: read-tree trusts the index's view of which files are unmodified.
  await git(["update-index", "-q", "--refresh"], { ...run(repo), okCodes: [1] });
  try {
    await git(["read-tree", "-m", "-u", old, commit], run(repo));
  } catch (err) {
    throw new ConflictError("git refused to update your working tree; nothing was changed", {
      hint: "commit or stash your changes (git stash -u), then retry",
      cause: err,
    });
  }
  try {
    await casRef(repo, `refs/heads/${into}`, commit, old);
  } catch (err) {
    await git(["read-tree", "-m", "-u", commit, old], run(repo)).catch(() => undefined);
    throw err;
  }
  return { commit, fastForward: ff, files: changed.sort() };
}

async function tracked(repo: UserRepo, commit: string, p: string): Promise<boolean> {
  const res = await git(["cat-file", "-e", `${commit}:${p}`], { ...run(repo), okCodes: [1, 128] });
  return res.code === 0;
}
