/**
 * A worker's checkout: a repository of its own under HAL9000_HOME (`checkouts/<name>/`, with a
 * real `.git` directory, so git works at /workspace in the container) that borrows the user's
 * objects through git's alternates. The user's object directories are mounted read-only at the
 * same absolute path in the worker, so the alternates resolve there too, and the worker can never
 * write into the user's repository. Nothing of the user's working tree, index or HEAD is touched:
 * the only change in the user's repository is the new branch ref.
 */
import {
  type BranchRecord,
  BranchStore,
  checkoutPath,
  chownCheckout,
  copyIntoCheckout,
  type HomeLayout,
  withLock,
  writeCheckoutAlternates,
} from "@hal9000/volumes";
import type { Owner } from "../context/host-paths.js";
import { ConflictError } from "../vocabulary/errors.js";
import { git } from "./git.js";
import {
  assertBranchFree,
  assertBranchName,
  BRANCH_PREFIX,
  casRef,
  objectDirs,
  openRepo,
  repoLockName,
  resolveCommit,
  type UserRepo,
} from "./repo.js";
import { worktreeIncludeFiles } from "./worktree-include.js";

export interface BranchRequest {
  /** The project directory the user gave (inside a git repository). */
  project: string;
  worker: string;
  /** The branch to create; default `hal9000/<worker>`. */
  branch?: string;
  /** Where it starts; default HEAD. */
  base?: string;
}

/** What was decided and checked before anything is made. */
export interface BranchPlan {
  repo: UserRepo;
  worker: string;
  branch: string;
  baseRef: string;
  base: string;
}

export interface PreparedBranch {
  record: BranchRecord;
  /** Files copied because .worktreeinclude asked for them. */
  included: string[];
  /** Removes the checkout, the record and the branch (only if it still points at the base). */
  undo(): Promise<void>;
}

/** Every check a branch spawn needs, all read-only: a non-git project, an unknown base or a taken branch throw here. */
export async function planBranch(
  layout: HomeLayout,
  env: NodeJS.ProcessEnv,
  req: BranchRequest,
): Promise<BranchPlan> {
  const repo = await openRepo(req.project, env);
  const branch = req.branch ?? `${BRANCH_PREFIX}${req.worker}`;
  await assertBranchName(repo, branch);
  const baseRef = req.base ?? "HEAD";
  const base = await resolveCommit(repo, baseRef);
  await assertBranchFree(repo, branch);
  const store = new BranchStore(layout);
  if (
    (await store.read(req.worker).catch(() => undefined)) !== undefined ||
    (await store.hasCheckout(req.worker))
  ) {
    throw new ConflictError(`worker "${req.worker}" still has a checkout from before`, {
      hint: `look at it with \`hal9000 diff ${req.worker}\`, then remove it with \`hal9000 discard ${req.worker}\`, or choose another name`,
    });
  }
  return { repo, worker: req.worker, branch, baseRef, base };
}

/** The user's identity, copied into the checkout so a worker's own `git commit` is the user's too. */
async function identity(repo: UserRepo): Promise<{ name?: string; email?: string }> {
  const get = async (key: string) => {
    const res = await git(["config", "--get", key], { cwd: repo.top, env: repo.env, okCodes: [1] });
    return res.code === 0 ? res.stdout.trim() : undefined;
  };
  const name = await get("user.name");
  const email = await get("user.email");
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/**
 * Reserves the branch in the user's repository (under a per-repository lock, so parallel spawns
 * never race on git's ref locks), then makes the checkout. On any failure everything made is undone.
 * `owner`: when running as root, the checkout is given to the worker's UID:GID so it can write there.
 */
export async function prepareBranch(
  layout: HomeLayout,
  plan: BranchPlan,
  owner: Owner | undefined,
): Promise<PreparedBranch> {
  const { repo, worker, branch, base } = plan;
  const store = new BranchStore(layout);
  const checkout = checkoutPath(layout, worker);
  await withLock(layout, repoLockName(repo), async () => {
    await assertBranchFree(repo, branch);
    await casRef(repo, `refs/heads/${branch}`, base, null);
  });
  const undo = async () => {
    await store.removeCheckout(worker).catch(() => undefined);
    await store.remove(worker).catch(() => undefined);
    await withLock(layout, repoLockName(repo), () =>
      git(["update-ref", "-d", `refs/heads/${branch}`, base], { cwd: repo.top, env: repo.env }),
    ).catch(() => undefined);
  };
  try {
    const objects = await objectDirs(repo.commonDir);
    const co = { cwd: checkout, env: repo.env };
    await git(["init", "-q", "--template=", checkout], { cwd: repo.top, env: repo.env });
    // objectDirs starts with the repository's own; git follows that one's alternates itself.
    await writeCheckoutAlternates(checkout, objects[0] as string);
    const who = await identity(repo);
    if (who.name) await git(["config", "user.name", who.name], co);
    if (who.email) await git(["config", "user.email", who.email], co);
    // Parallel checkout (one worker per core): most of a big checkout is writing files.
    await git(["-c", "checkout.workers=0", "checkout", "-q", "-b", branch, base], co);
    const included = await copyIntoCheckout(checkout, repo.top, await worktreeIncludeFiles(repo));
    if (owner && process.getuid?.() === 0) await chownCheckout(checkout, owner);
    const record: BranchRecord = {
      schemaVersion: 1,
      worker,
      repo: repo.top,
      branch,
      baseRef: plan.baseRef,
      base,
      head: base,
      checkout,
      objects,
      created: new Date().toISOString(),
      session: null,
      merged: null,
    };
    await store.write(record);
    return { record, included, undo };
  } catch (err) {
    await undo();
    throw err;
  }
}
