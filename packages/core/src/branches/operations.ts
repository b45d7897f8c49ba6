/**
 * The results of a worker's branch, by worker name, whether or not its container still exists:
 * diff, commit, merge, conflicts, discard. Each runs the user's git on this machine, under the
 * repository's lock (so parallel hal9000 commands never race on git's ref and index locks).
 */
import { type BranchRecord, BranchStore, type HomeLayout, withLock } from "@hal9000/volumes";
import { ConflictError, InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { type BranchDiff, branchDiff, type FileChange, fileChanges } from "./diff.js";
import { git, gitOut } from "./git.js";
import { type MergeOutcome, mergeIntoCurrent, mergeTrees } from "./merge.js";
import {
  branchTip,
  checkedOutBranches,
  currentBranch,
  headCommit,
  isAncestor,
  noBranch,
  openRepo,
  repoLockName,
  run,
  type UserRepo,
} from "./repo.js";
import { advanceCheckout, type Snapshot, snapshot, syncBranch } from "./state.js";

export interface BranchContext {
  layout: HomeLayout;
  /** The caller's environment: HOME and PATH for git, the user's identity. */
  env: NodeJS.ProcessEnv;
  /** True inside the parent container, which has no git (and no view of the user's repositories). */
  insideParent?: boolean;
}

/** Trailer keys naming the worker and its session in commits hal9000 makes. */
export const WORKER_TRAILER = "Hal9000-Worker";
export const SESSION_TRAILER = "Hal9000-Session";

function assertOnHost(ctx: BranchContext, what: string): void {
  if (ctx.insideParent) {
    throw new InvalidInputError(`${what} runs git on your repository, and the parent container has neither`, {
      hint: "run it on the host, where your repository and git are (e.g. `npx @hal9000/cli …`)",
    });
  }
}

async function load(
  ctx: BranchContext,
  name: string,
): Promise<{ rec: BranchRecord; repo: UserRepo; store: BranchStore }> {
  const store = new BranchStore(ctx.layout);
  const rec = await store.read(name);
  if (!rec) throw noBranch(name);
  const repo = await openRepo(rec.repo, ctx.env).catch((err: unknown) => {
    throw new NotFoundError(`the repository of worker "${name}" (${rec.repo}) is gone`, {
      hint: `remove the worker's checkout with \`hal9000 discard ${name}\``,
      cause: err,
    });
  });
  return { rec, repo, store };
}

/** Runs `fn` holding the repository's lock, with the worker's branch brought up to date first. */
async function withSynced<T>(
  ctx: BranchContext,
  name: string,
  what: string,
  fn: (s: { rec: BranchRecord; repo: UserRepo; store: BranchStore; snap: Snapshot }) => Promise<T>,
): Promise<T> {
  assertOnHost(ctx, what);
  const { rec, repo, store } = await load(ctx, name);
  return withLock(ctx.layout, repoLockName(repo), async () => {
    const { tip, head } = await syncBranch(repo, rec);
    if (head !== rec.head) rec.head = (await store.update(name, { head }))?.head ?? head;
    const snap = await snapshot(repo, rec, tip);
    return fn({ rec, repo, store, snap });
  });
}

export function diffBranch(ctx: BranchContext, name: string): Promise<BranchDiff> {
  return withSynced(ctx, name, "`hal9000 diff`", ({ rec, repo, snap }) => branchDiff(repo, rec, snap));
}

export interface CommitResult {
  worker: string;
  branch: string;
  /** The new commit, or null when there was nothing to commit. */
  commit: string | null;
  files: FileChange[];
}

function trailers(rec: BranchRecord): string {
  return `${WORKER_TRAILER}: ${rec.worker}\n${SESSION_TRAILER}: ${rec.session ?? "none"}`;
}

/** A commit object; `scratch` ones (never on a ref) get a fixed identity, so they work without one. */
async function commitTree(
  repo: UserRepo,
  tree: string,
  parents: string[],
  message: string,
  scratch = false,
): Promise<string> {
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
  const who = { NAME: "hal9000", EMAIL: "hal9000@localhost" };
  const extraEnv = scratch
    ? Object.fromEntries(
        ["AUTHOR", "COMMITTER"].flatMap((r) => Object.entries(who).map(([k, v]) => [`GIT_${r}_${k}`, v])),
      )
    : undefined;
  return gitOut(args, { ...run(repo), input: `${message.trim()}\n`, ...(extraEnv ? { extraEnv } : {}) });
}

/** Records the worker's uncommitted changes as a commit on its branch (author: the user's git identity). */
export function commitBranch(ctx: BranchContext, name: string, message?: string): Promise<CommitResult> {
  return withSynced(ctx, name, "`hal9000 commit`", async ({ rec, repo, store, snap }) => {
    if (!snap.dirty) return { worker: name, branch: rec.branch, commit: null, files: [] };
    if (message !== undefined && message.trim() === "") {
      throw new InvalidInputError("the commit message is empty", {
        hint: 'give one with -m "…", or leave -m out',
      });
    }
    const current = await branchTip(repo, rec.branch);
    if (current !== snap.tip) {
      throw new ConflictError(`branch "${rec.branch}" has commits the worker's checkout does not have`, {
        hint: `look at them (git log ${rec.branch}); hal9000 keeps your branch as it is`,
      });
    }
    const subject = message ?? `Work of hal9000 worker ${name}`;
    const commit = await commitTree(repo, snap.tree, [snap.tip], `${subject}\n\n${trailers(rec)}`);
    const files = await fileChanges(repo, snap.tip, commit);
    await git(
      ["update-ref", "-m", "hal9000 commit", `refs/heads/${rec.branch}`, commit, snap.tip],
      run(repo),
    );
    await store.update(name, { head: commit });
    await advanceCheckout(repo, rec, snap.tip, commit);
    return { worker: name, branch: rec.branch, commit, files };
  });
}

export interface MergeResult extends MergeOutcome {
  worker: string;
  branch: string;
  /** The user's branch the work was merged into. */
  into: string;
  squash: boolean;
}

/**
 * Merges the worker's branch into the user's current branch: only when it merges without
 * conflict and touches no file with uncommitted edits; otherwise nothing changes.
 */
export function mergeBranch(
  ctx: BranchContext,
  name: string,
  opts: { squash?: boolean } = {},
): Promise<MergeResult> {
  return withSynced(ctx, name, "`hal9000 merge`", async ({ rec, repo, store, snap }) => {
    const squash = opts.squash ?? false;
    if (snap.dirty) {
      throw new ConflictError(`worker "${name}" has uncommitted changes in its checkout`, {
        hint: `record them first with \`hal9000 commit ${name}\` (or look at them with \`hal9000 diff ${name}\`)`,
      });
    }
    const into = await currentBranch(repo);
    if (into === rec.branch) {
      throw new InvalidInputError(`your repository has "${rec.branch}" itself checked out`, {
        hint: "switch to the branch to merge into (git switch main), then retry",
      });
    }
    const old = await headCommit(repo);
    if (old === undefined) {
      throw new InvalidInputError(`branch "${into}" has no commit yet`, { hint: "commit something first" });
    }
    if (await isAncestor(repo, snap.tip, old)) {
      throw new InvalidInputError(`"${into}" already has everything on "${rec.branch}"`, {
        hint: `nothing to merge; \`hal9000 discard ${name}\` removes the worker's checkout and branch`,
      });
    }
    const outcome = await mergeIntoCurrent(repo, into, old, snap.tip, {
      squash,
      makeCommit: (tree, parents) =>
        commitTree(
          repo,
          tree,
          parents,
          squash
            ? `Squashed work of hal9000 worker ${name} (${rec.branch})\n\n${trailers(rec)}`
            : `Merge branch '${rec.branch}' (hal9000 worker ${name})\n\n${trailers(rec)}`,
        ),
    });
    await store.update(name, { merged: { into, commit: outcome.commit, at: new Date().toISOString() } });
    return { worker: name, branch: rec.branch, into, squash, ...outcome };
  });
}

export interface DiscardResult {
  worker: string;
  branch: string;
  /** Whether the branch was deleted from the user's repository (it is kept when checked out there). */
  branchDeleted: boolean;
  checkout: string;
}

/** Removes the worker's checkout, its branch and its record. `running`: the worker's container still runs. */
export async function discardBranch(
  ctx: BranchContext,
  name: string,
  running: boolean,
): Promise<DiscardResult> {
  assertOnHost(ctx, "`hal9000 discard`");
  if (running) {
    throw new ConflictError(`worker "${name}" is still running on its checkout`, {
      hint: `stop it first (hal9000 stop ${name}), then discard`,
    });
  }
  const store = new BranchStore(ctx.layout);
  const rec = await store.read(name);
  if (!rec) throw noBranch(name);
  const repo = await openRepo(rec.repo, ctx.env).catch(() => undefined);
  let branchDeleted = false;
  if (repo) {
    await withLock(ctx.layout, repoLockName(repo), async () => {
      const tip = await branchTip(repo, rec.branch);
      if (tip === undefined) return;
      if ((await checkedOutBranches(repo)).has(rec.branch)) return;
      await git(["update-ref", "-d", `refs/heads/${rec.branch}`, tip], run(repo));
      branchDeleted = true;
    });
  }
  await store.removeCheckout(name);
  await store.remove(name);
  return { worker: name, branch: rec.branch, branchDeleted, checkout: rec.checkout };
}

export interface WorkerChanges {
  worker: string;
  branch: string;
  repo: string;
  /** Files changed against the base (commits plus uncommitted). */
  files: string[];
  uncommitted: boolean;
  /** Files that would conflict when merged into the user's current branch. */
  conflictsWithYours: string[];
  /** Set when the worker's state could not be read (e.g. its checkout is gone). */
  error?: string;
}

export interface ConflictReport {
  workers: WorkerChanges[];
  /** Files changed by more than one worker (of one repository). */
  overlaps: { repo: string; path: string; workers: string[] }[];
  /** Pairs of workers whose branches would conflict with each other. */
  pairs: { repo: string; workers: [string, string]; files: string[] }[];
}

/**
 * Conflicts before they happen, for every worker with a branch that still has something to
 * merge: which files more than one of them touched, and which branches would conflict with each
 * other or with the user's current branch. Computed in the object store; no working tree is touched.
 */
export async function branchConflicts(ctx: BranchContext, only?: readonly string[]): Promise<ConflictReport> {
  assertOnHost(ctx, "`hal9000 conflicts`");
  const store = new BranchStore(ctx.layout);
  const workers: WorkerChanges[] = [];
  const tips = new Map<string, { repo: UserRepo; tip: string }>();
  for (const rec of await store.list()) {
    if (only !== undefined && !only.includes(rec.worker)) continue;
    const entry: WorkerChanges = {
      worker: rec.worker,
      branch: rec.branch,
      repo: rec.repo,
      files: [],
      uncommitted: false,
      conflictsWithYours: [],
    };
    try {
      const repo = await openRepo(rec.repo, ctx.env);
      await withLock(ctx.layout, repoLockName(repo), async () => {
        const { tip, head } = await syncBranch(repo, rec);
        if (head !== rec.head) await store.update(rec.worker, { head });
        const snap = await snapshot(repo, rec, tip);
        // Uncommitted work counts too: as a commit that no ref holds.
        const work = snap.dirty
          ? await commitTree(repo, snap.tree, [tip], "hal9000: uncommitted work", true)
          : tip;
        const user = await headCommit(repo);
        if (user !== undefined && !snap.dirty && (await isAncestor(repo, tip, user))) return; // nothing left to merge
        entry.uncommitted = snap.dirty;
        entry.files = (await fileChanges(repo, rec.base, snap.tree)).map((f) => f.path);
        if (user !== undefined) {
          const m = await mergeTrees(repo, user, work);
          entry.conflictsWithYours = m.conflicts;
        }
        tips.set(rec.worker, { repo, tip: work });
        workers.push(entry);
      });
    } catch (err) {
      entry.error = (err as Error).message;
      workers.push(entry);
    }
  }
  const overlaps: ConflictReport["overlaps"] = [];
  const byRepo = new Map<string, WorkerChanges[]>();
  for (const w of workers.filter((w) => !w.error)) byRepo.set(w.repo, [...(byRepo.get(w.repo) ?? []), w]);
  const pairs: ConflictReport["pairs"] = [];
  for (const [repoTop, list] of byRepo) {
    const touched = new Map<string, string[]>();
    for (const w of list) for (const f of w.files) touched.set(f, [...(touched.get(f) ?? []), w.worker]);
    for (const [p, ws] of [...touched].sort(([a], [b]) => a.localeCompare(b))) {
      if (ws.length > 1) overlaps.push({ repo: repoTop, path: p, workers: ws });
    }
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = tips.get((list[i] as WorkerChanges).worker);
        const b = tips.get((list[j] as WorkerChanges).worker);
        if (!a || !b) continue;
        const m = await mergeTrees(a.repo, a.tip, b.tip);
        if (m.conflicts.length > 0) {
          pairs.push({
            repo: repoTop,
            workers: [(list[i] as WorkerChanges).worker, (list[j] as WorkerChanges).worker],
            files: m.conflicts,
          });
        }
      }
    }
  }
  return { workers, overlaps, pairs };
}

export interface LeftWork {
  worker: string;
  branch: string;
  checkout: string;
}

/** Workers (of `names`, default all with a branch) whose checkout holds work not yet committed to their branch. */
export async function leftWork(ctx: BranchContext, names?: string[]): Promise<LeftWork[]> {
  if (ctx.insideParent) return [];
  const out: LeftWork[] = [];
  for (const rec of await new BranchStore(ctx.layout).list()) {
    if (names !== undefined && !names.includes(rec.worker)) continue;
    try {
      const repo = await openRepo(rec.repo, ctx.env);
      const dirty = await withLock(ctx.layout, repoLockName(repo), async () => {
        const { tip } = await syncBranch(repo, rec);
        return (await snapshot(repo, rec, tip)).dirty;
      });
      if (dirty) out.push({ worker: rec.worker, branch: rec.branch, checkout: rec.checkout });
    } catch {
      // A checkout that cannot be read is reported by diff, not here.
    }
  }
  return out;
}
