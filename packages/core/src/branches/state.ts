/**
 * What a worker has done, read from its checkout without trusting it. The worker controls every
 * byte there, `.git/config` and `.git/hooks` included, so hal9000 never runs a git command that
 * reads that config on the host (core.fsmonitor, hooks or filter drivers would run the worker's
 * commands as the user). It only:
 *  - fetches the checkout's HEAD into the user's repository (upload-pack, which git keeps safe
 *    to run in untrusted repositories), and
 *  - reads the checkout's files as a work tree of the user's own repository, with a temporary
 *    index (`git --git-dir=<user's> --work-tree=<checkout>`), so the user's config applies.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type BranchRecord,
  checkoutGitDirKind,
  checkoutIndexDraft,
  installCheckoutIndex,
  isVolumesError,
  readCheckoutHead,
  writeCheckoutRef,
} from "@hal9000/volumes";
import { ConflictError, InvalidInputError, NotFoundError } from "../vocabulary/errors.js";
import { git, gitOut } from "./git.js";
import {
  branchTip,
  casRef,
  checkedOutBranches,
  INCOMING_REF_PREFIX,
  isAncestor,
  run,
  treeOf,
  type UserRepo,
} from "./repo.js";

/** Options that keep the user's own repository quiet while hal9000 reads from it. */
const QUIET = ["-c", "gc.auto=0", "-c", "maintenance.auto=false", "-c", "core.fsmonitor=false"];

async function checkoutGitDir(rec: BranchRecord): Promise<string> {
  const dir = path.join(rec.checkout, ".git");
  const kind = await checkoutGitDirKind(rec.checkout);
  if (kind === "missing") {
    throw new NotFoundError(`the checkout of worker "${rec.worker}" is gone (${rec.checkout})`, {
      hint: `remove what is left with \`hal9000 discard ${rec.worker}\``,
    });
  }
  if (kind !== "directory") {
    throw new InvalidInputError(`${dir} is not a directory: the worker replaced its repository`, {
      hint: `look at the checkout yourself; \`hal9000 discard ${rec.worker}\` removes it`,
    });
  }
  return dir;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The commit at the checkout's HEAD, copied into the user's repository. */
export async function fetchCheckoutHead(repo: UserRepo, rec: BranchRecord): Promise<string> {
  const gitDir = await checkoutGitDir(rec);
  const incoming = `${INCOMING_REF_PREFIX}${rec.worker}`;
  try {
    await git(
      [
        ...QUIET,
        "fetch",
        // git drops -c settings for the other repository's upload-pack: a checkout that belongs to
        // the worker's UID (hal9000 running as root) is trusted for this one read-only command.
        `--upload-pack=git -c safe.directory=${shellQuote(gitDir)} upload-pack`,
        "--quiet",
        "--no-tags",
        "--no-write-fetch-head",
        "--no-recurse-submodules",
        gitDir,
        `+HEAD:${incoming}`,
      ],
      run(repo),
    );
  } catch (err) {
    throw new ConflictError(`cannot read the commits of worker "${rec.worker}" from ${rec.checkout}`, {
      hint: "its HEAD may not be a commit (an orphan branch?); look at it with `git -C <checkout> log`",
      cause: err,
    });
  }
  const tip = await gitOut(["rev-parse", incoming], run(repo));
  await git(["update-ref", "-d", incoming], run(repo));
  return tip;
}

/**
 * Brings the worker's commits onto its branch in the user's repository and returns the commit
 * its checkout is at. The branch moves only forward, or from where hal9000 last left it: a
 * branch the user moved themselves is never overwritten.
 */
export async function syncBranch(repo: UserRepo, rec: BranchRecord): Promise<{ tip: string; head: string }> {
  const tip = await fetchCheckoutHead(repo, rec);
  const ref = `refs/heads/${rec.branch}`;
  const current = await branchTip(repo, rec.branch);
  if (current === tip) return { tip, head: tip };
  if (current !== undefined && (await isAncestor(repo, tip, current))) return { tip, head: current };
  if (current === undefined || current === rec.head || (await isAncestor(repo, current, tip))) {
    if (current !== undefined && (await checkedOutBranches(repo)).has(rec.branch)) {
      throw new ConflictError(
        `branch "${rec.branch}" is checked out in your repository; hal9000 will not move it under you`,
        {
          hint: "switch to another branch (git switch -), then retry",
        },
      );
    }
    await casRef(repo, ref, tip, current ?? null);
    return { tip, head: tip };
  }
  throw new ConflictError(
    `branch "${rec.branch}" in ${repo.top} and the checkout of worker "${rec.worker}" have both moved on`,
    {
      hint: `compare them (git log ${rec.branch}); hal9000 keeps your branch as it is`,
    },
  );
}

export interface Snapshot {
  /** The commit the checkout is at. */
  tip: string;
  /** The tree of the checkout's files as they are now (commits plus uncommitted edits and new files). */
  tree: string;
  /** True when the files differ from the tip's tree. */
  dirty: boolean;
}

/** Runs `fn` with a temporary index of the user's repository over the checkout's files. */
async function withWorkTree<T>(
  repo: UserRepo,
  rec: BranchRecord,
  fn: (g: (args: string[]) => Promise<string>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "hal9000-index-"));
  try {
    const g = (args: string[]) =>
      gitOut([...QUIET, `--git-dir=${repo.commonDir}`, `--work-tree=${rec.checkout}`, ...args], {
        cwd: rec.checkout,
        env: repo.env,
        extraEnv: { GIT_INDEX_FILE: path.join(dir, "index") },
      });
    return await fn(g);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The checkout's files as a tree in the user's repository (after syncBranch). */
export async function snapshot(repo: UserRepo, rec: BranchRecord, tip: string): Promise<Snapshot> {
  const tree = await withWorkTree(repo, rec, async (g) => {
    await g(["read-tree", tip]);
    await g(["add", "--all", "--", "."]);
    return g(["write-tree"]);
  });
  return { tip, tree, dirty: tree !== (await treeOf(repo, tip)) };
}

/** Refs a worker may keep its HEAD on: plain branch names, nothing that could leave `.git/refs`. */
const SAFE_REF = /^refs\/heads\/(?!.*(?:^|\/)\.)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

/**
 * After hal9000 committed the worker's edits as `commit`: the checkout's branch and index move
 * there too, so the worker (and the next diff) see a clean tree. Written as plain files
 * (@hal9000/volumes' checkout files, which follow no symlink); the worker's own git is never run.
 */
export async function advanceCheckout(
  repo: UserRepo,
  rec: BranchRecord,
  from: string,
  commit: string,
): Promise<void> {
  await checkoutGitDir(rec);
  const head = await readCheckoutHead(rec.checkout);
  if (head === undefined) throw unsafe(rec, "HEAD is not a regular file");
  let ref = "HEAD";
  if (head.startsWith("ref: ")) {
    ref = head.slice(5);
    if (!SAFE_REF.test(ref)) throw unsafe(rec, `HEAD names an unusual ref ${JSON.stringify(ref)}`);
  }
  const now = await fetchCheckoutHead(repo, rec);
  if (now !== from)
    throw new ConflictError(`worker "${rec.worker}" committed while hal9000 was committing`, {
      hint: "retry: its new commits are kept",
    });
  try {
    await writeCheckoutRef(rec.checkout, ref, commit);
  } catch (err) {
    if (isVolumesError(err) && err.code === "UNSAFE_PATH") throw unsafe(rec, err.message);
    throw err;
  }
  // The index: the user's git writes it (to a draft that then replaces it), for the checkout's files.
  const draft = await checkoutIndexDraft(rec.checkout);
  const g = (args: string[]) =>
    git([...QUIET, `--git-dir=${repo.commonDir}`, `--work-tree=${rec.checkout}`, ...args], {
      cwd: rec.checkout,
      env: repo.env,
      extraEnv: { GIT_INDEX_FILE: draft },
      okCodes: [1],
    });
  await g(["read-tree", commit]);
  await g(["update-index", "-q", "--refresh"]);
  await installCheckoutIndex(rec.checkout, draft);
}

function unsafe(rec: BranchRecord, why: string): ConflictError {
  return new ConflictError(`the checkout of worker "${rec.worker}" looks tampered with: ${why}`, {
    hint: `look at ${rec.checkout} yourself; hal9000 changed nothing`,
  });
}
