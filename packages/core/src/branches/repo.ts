/** The user's repository, as hal9000 sees it: where it is, what a ref names, which branches are taken. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConflictError, InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { git, gitOut, splitZ } from "./git.js";

export interface UserRepo {
  /** Top-level directory of the user's working tree. */
  top: string;
  /** The common git directory (shared by all its worktrees): objects, refs, config. */
  commonDir: string;
  env: NodeJS.ProcessEnv;
}

/** The default branch of a worker: `hal9000/<worker>`. */
export const BRANCH_PREFIX = "hal9000/";
/** Where a worker's checkout HEAD is fetched to for a moment, out of sight of `git branch`. */
export const INCOMING_REF_PREFIX = "refs/hal9000/incoming/";

/** The repository holding `dir`; a directory outside any repository is a clear InvalidInputError. */
export async function openRepo(dir: string, env: NodeJS.ProcessEnv): Promise<UserRepo> {
  let out: string;
  try {
    out = await gitOut(["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir"], {
      cwd: dir,
      env,
    });
  } catch (err) {
    if (err instanceof InvalidInputError) throw err; // git itself is missing
    throw new InvalidInputError(`--branch needs a git repository, and ${dir} is not in one`, {
      hint: `leave out --branch, or make it a repository first (git -C ${dir} init && git -C ${dir} commit --allow-empty -m init)`,
      cause: err,
    });
  }
  const [top, commonDir] = out.split("\n");
  if (!top || !commonDir) {
    throw new InvalidInputError(`--branch needs a working tree, and ${dir} is a bare repository`, {
      hint: "give a directory with a checked-out working tree",
    });
  }
  return { top, commonDir, env };
}

/** The same repository in every call: its common git directory (worktrees of one repository share it). */
export function repoLockName(repo: UserRepo): string {
  return `git-${createHash("sha256").update(repo.commonDir).digest("hex").slice(0, 24)}`;
}

export function run(repo: UserRepo) {
  return { cwd: repo.top, env: repo.env };
}

/** The commit `ref` names; unknown refs are InvalidInputError. */
export async function resolveCommit(repo: UserRepo, ref: string): Promise<string> {
  if (ref.trim() === "" || ref.startsWith("-")) {
    throw new InvalidInputError(`invalid --base ${JSON.stringify(ref)}`, {
      hint: "give a branch, tag or commit, e.g. --base main",
    });
  }
  const res = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {
    ...run(repo),
    okCodes: [1, 128],
  });
  if (res.code !== 0) {
    const hint =
      ref === "HEAD"
        ? "the repository has no commit yet: commit something first (git commit --allow-empty -m init)"
        : `see the branches with \`git -C ${repo.top} branch -a\`, or leave out --base to start from HEAD`;
    throw new InvalidInputError(`--base ${JSON.stringify(ref)} is not a commit in ${repo.top}`, { hint });
  }
  return res.stdout.trim();
}

/** Throws unless `name` is a valid branch name. */
export async function assertBranchName(repo: UserRepo, name: string): Promise<void> {
  const res = await git(["check-ref-format", "--branch", name], { ...run(repo), okCodes: [1, 128] });
  if (res.code !== 0 || name.startsWith("-") || name === "HEAD") {
    throw new InvalidInputError(`invalid branch name ${JSON.stringify(name)}`, {
      hint: "use letters, digits, '/', '-', '_' and '.', e.g. --branch hal9000/fix-login",
    });
  }
}

/** The commit a local branch points at, or undefined. */
export async function branchTip(repo: UserRepo, branch: string): Promise<string | undefined> {
  const res = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`], {
    ...run(repo),
    okCodes: [1],
  });
  return res.code === 0 ? res.stdout.trim() : undefined;
}

export async function assertBranchFree(repo: UserRepo, branch: string): Promise<void> {
  if ((await branchTip(repo, branch)) !== undefined) {
    throw new ConflictError(`branch "${branch}" already exists in ${repo.top}`, {
      hint: `choose another name with --branch NAME, or delete it (git -C ${repo.top} branch -D ${branch})`,
    });
  }
}

/** Branches checked out in any worktree of the repository (git refuses to move those under a user). */
export async function checkedOutBranches(repo: UserRepo): Promise<Set<string>> {
  const out = (await git(["worktree", "list", "--porcelain", "-z"], run(repo))).stdout;
  const branches = new Set<string>();
  for (const field of splitZ(out)) {
    if (field.startsWith("branch refs/heads/")) branches.add(field.slice("branch refs/heads/".length));
  }
  return branches;
}

/** The user's current branch (`refs/heads/…` stripped); a detached HEAD is refused. */
export async function currentBranch(repo: UserRepo): Promise<string> {
  const res = await git(["symbolic-ref", "-q", "HEAD"], { ...run(repo), okCodes: [1] });
  const ref = res.stdout.trim();
  if (res.code !== 0 || !ref.startsWith("refs/heads/")) {
    throw new InvalidInputError(`${repo.top} has a detached HEAD: there is no branch to merge into`, {
      hint: "check out the branch to merge into (git switch main), then retry",
    });
  }
  return ref.slice("refs/heads/".length);
}

/** The commit HEAD points at, or undefined on an unborn branch. */
export async function headCommit(repo: UserRepo): Promise<string | undefined> {
  const res = await git(["rev-parse", "--verify", "--quiet", "HEAD"], { ...run(repo), okCodes: [1] });
  return res.code === 0 ? res.stdout.trim() : undefined;
}

export async function isAncestor(repo: UserRepo, a: string, b: string): Promise<boolean> {
  const res = await git(["merge-base", "--is-ancestor", a, b], { ...run(repo), okCodes: [1] });
  return res.code === 0;
}

export async function treeOf(repo: UserRepo, commit: string): Promise<string> {
  return gitOut(["rev-parse", `${commit}^{tree}`], run(repo));
}

/** Moves `ref` from `from` to `to` only if it still points at `from` (or creates it when `from` is null). */
export async function casRef(repo: UserRepo, ref: string, to: string, from: string | null): Promise<void> {
  const old = from ?? "0".repeat(to.length);
  try {
    await git(["update-ref", "-m", "hal9000", ref, to, old], run(repo));
  } catch (err) {
    throw new ConflictError(`${ref} in ${repo.top} moved while hal9000 was updating it`, {
      hint: "someone else changed it at the same time; look at it (git log) and retry",
      cause: err,
    });
  }
}

/** The object directories git reads for this repository: its own, then its alternates, recursively. */
export async function objectDirs(commonDir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, depth: number) => {
    const resolved = path.resolve(dir);
    if (out.includes(resolved) || depth > 5) return;
    out.push(resolved);
    const text = await readFile(path.join(resolved, "info", "alternates"), "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      const alt = line.trim();
      if (alt === "" || alt.startsWith("#")) continue;
      await visit(path.resolve(resolved, alt), depth + 1);
    }
  };
  await visit(path.join(commonDir, "objects"), 0);
  return out;
}

/** NotFoundError for a worker without a branch. */
export function noBranch(name: string): NotFoundError {
  return new NotFoundError(`worker "${name}" has no branch`, {
    hint: "only workers spawned with --branch have one; see them with `hal9000 list`",
  });
}
