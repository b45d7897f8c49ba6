/**
 * `spawn --branch`: the worker gets a branch of the project's repository and a checkout of its
 * own, mounted at /workspace in place of the project. Every check runs before anything is made,
 * and a spawn that fails afterwards removes the branch and the checkout again, so bad input never
 * leaves a branch, a checkout, a container or a record behind.
 */
import { BranchStore, homeOwner } from "@hal9000/volumes";
import { planBranch, prepareBranch } from "../branches/checkout.js";
import type { CoreContext } from "../context/context.js";
import { ownerOf, resolveProject } from "../context/host-paths.js";
import { InvalidInputError, WorkerExitedError } from "../vocabulary/errors.js";
import { logFor } from "../vocabulary/log.js";
import { generateWorkerName } from "../vocabulary/names.js";
import type { WorkerInfo } from "../worker/info.js";
import { callerUser, workerUser } from "../worker/user.js";
import type { SpawnOptions, WorkerSpec } from "./options.js";

const log = logFor("spawn");

type Spawn = (
  opts: SpawnOptions,
  extras: Pick<WorkerSpec, "readOnlyMounts" | "branch">,
) => Promise<WorkerInfo>;

export async function spawnOnBranch(ctx: CoreContext, opts: SpawnOptions, spawn: Spawn): Promise<WorkerInfo> {
  if (ctx.paths.insideParent) {
    throw new InvalidInputError(
      "spawn --branch runs git on your repository, and the parent container has neither",
      {
        hint: "run `hal9000 spawn --branch …` on the host, where the repository and git are",
      },
    );
  }
  const name = opts.name ?? generateWorkerName();
  const project = await resolveProject(ctx.paths, opts.project as string);
  const plan = await planBranch(ctx.layout, ctx.env, {
    project: project.hostPath,
    worker: name,
    ...(typeof opts.branch === "string" ? { branch: opts.branch } : {}),
    ...(opts.base !== undefined ? { base: opts.base } : {}),
  });
  // The worker writes its checkout as the user it runs as (the repository's owner unless that is root).
  const owner = workerUser([await ownerOf(plan.repo.top), await homeOwner(ctx.layout), callerUser()]);
  const prepared = await prepareBranch(ctx.layout, plan, owner);
  const { record } = prepared;
  log(
    "worker %s: branch %s at %s, checkout %s",
    name,
    record.branch,
    record.base.slice(0, 12),
    record.checkout,
  );
  const { branch: _b, base: _base, ...rest } = opts;
  let info: WorkerInfo;
  try {
    info = await spawn(
      { ...rest, name, project: record.checkout },
      { readOnlyMounts: record.objects, branch: record.branch },
    );
  } catch (err) {
    // A worker that ran and stopped may have worked: its checkout stays. Anything else never ran.
    if (!(err instanceof WorkerExitedError)) await prepared.undo();
    throw err;
  }
  await new BranchStore(ctx.layout).update(name, { session: info.id }).catch(() => undefined);
  return { ...info, branch: record.branch };
}
