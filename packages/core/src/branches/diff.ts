/** `hal9000 diff <name>`: what a worker changed against its base — its commits, uncommitted edits and new files. */
import type { BranchRecord } from "@hal9000/volumes";
import { git, gitOut, splitZ } from "./git.js";
import { run, type UserRepo } from "./repo.js";
import type { Snapshot } from "./state.js";

export type FileStatus = "added" | "modified" | "deleted" | "type-changed";

export interface FileChange {
  path: string;
  status: FileStatus;
  /** Lines added and deleted; null for a binary file. */
  added: number | null;
  deleted: number | null;
}

export interface BranchDiff {
  worker: string;
  branch: string;
  repo: string;
  base: string;
  /** The commit the worker's checkout is at. */
  head: string;
  /** The worker's commits since the base, oldest first. */
  commits: { sha: string; subject: string }[];
  /** True when the checkout has changes not yet committed to the branch. */
  uncommitted: boolean;
  files: FileChange[];
  /** The patch from the base to the checkout's files (`git diff` format). */
  patch: string;
  /** `git diff --stat` of the same. */
  stat: string;
}

const STATUS: Record<string, FileStatus> = { A: "added", M: "modified", D: "deleted", T: "type-changed" };

/** The changes between two tree-ish objects, with line counts. */
export async function fileChanges(repo: UserRepo, from: string, to: string): Promise<FileChange[]> {
  const names = splitZ(
    await gitOut(["diff-tree", "-r", "-z", "--no-renames", "--name-status", from, to], run(repo)),
  );
  const files = new Map<string, FileChange>();
  for (let i = 0; i + 1 < names.length; i += 2) {
    const p = names[i + 1] as string;
    files.set(p, {
      path: p,
      status: STATUS[(names[i] as string)[0] as string] ?? "modified",
      added: null,
      deleted: null,
    });
  }
  const nums = (await git(["diff-tree", "-r", "-z", "--no-renames", "--numstat", from, to], run(repo)))
    .stdout;
  for (const entry of splitZ(nums)) {
    const [a, d, p] = entry.split("\t");
    const f = p === undefined ? undefined : files.get(p);
    if (!f) continue;
    f.added = a === "-" ? null : Number(a);
    f.deleted = d === "-" ? null : Number(d);
  }
  return [...files.values()].sort((x, y) => x.path.localeCompare(y.path));
}

export async function branchDiff(repo: UserRepo, rec: BranchRecord, snap: Snapshot): Promise<BranchDiff> {
  const log = await gitOut(["log", "--reverse", "--format=%H%x09%s", `${rec.base}..${snap.tip}`], run(repo));
  const commits = log
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const tab = l.indexOf("\t");
      return { sha: l.slice(0, tab), subject: l.slice(tab + 1) };
    });
  const plumbing = ["diff-tree", "-r", "--no-renames", "--no-color", "--no-ext-diff"];
  const patch = (await git([...plumbing, "-p", "--binary", rec.base, snap.tree], run(repo))).stdout;
  const stat = (await git([...plumbing, "--stat", rec.base, snap.tree], run(repo))).stdout;
  return {
    worker: rec.worker,
    branch: rec.branch,
    repo: rec.repo,
    base: rec.base,
    head: snap.tip,
    commits,
    uncommitted: snap.dirty,
    files: await fileChanges(repo, rec.base, snap.tree),
    patch,
    stat,
  };
}
