export {
  type BranchPlan,
  type BranchRequest,
  type PreparedBranch,
  planBranch,
  prepareBranch,
} from "./checkout.js";
export type { BranchDiff, FileChange, FileStatus } from "./diff.js";
export { GitError } from "./git.js";
export { MergeConflictError } from "./merge.js";
export {
  type BranchContext,
  branchConflicts,
  type CommitResult,
  type ConflictReport,
  commitBranch,
  type DiscardResult,
  diffBranch,
  discardBranch,
  type LeftWork,
  leftWork,
  type MergeResult,
  mergeBranch,
  SESSION_TRAILER,
  WORKER_TRAILER,
  type WorkerChanges,
} from "./operations.js";
export { BRANCH_PREFIX } from "./repo.js";
export { WORKTREE_INCLUDE_FILE, worktreeIncludeFiles } from "./worktree-include.js";
