import type { CoreContext } from "../context/context.js";
import type { ContainerDetails, ContainerSummary } from "../engine/engine.js";
import { NotFoundError } from "../vocabulary/errors.js";
import { isWorkerOf, roleFilter } from "../vocabulary/labels.js";
import { validateContainerName } from "../vocabulary/names.js";
import { agentStateOf } from "./agent-state.js";
import { ACTIVE_STATES, type WorkerInfo, workerInfoFromList } from "./info.js";

/** This parent's worker containers, by label only (a look-alike name is never enough). */
export async function listWorkerContainers(ctx: CoreContext): Promise<ContainerSummary[]> {
  const parent = ctx.config.parentName;
  const containers = await ctx.engine.containers.list(roleFilter("worker", parent), "listing workers");
  // The daemon filtered already; check again so ownership never rests on one filter.
  return containers.filter((c) => isWorkerOf(c.Labels, parent));
}

/** A worker as listed and as inspected (a list does not say when it started, nor its limits). */
export interface ListedWorker {
  info: WorkerInfo;
  details: ContainerDetails;
}

/**
 * This parent's workers with one inspect each, oldest first; ones removed meanwhile (--rm) are
 * left out. `listed`: the listing, when the caller made it already.
 */
export async function inspectWorkers(
  ctx: CoreContext,
  listed?: Promise<ContainerSummary[]>,
): Promise<ListedWorker[]> {
  const containers = await (listed ?? listWorkerContainers(ctx));
  const inspected = await Promise.all(
    containers.map(async (c): Promise<ListedWorker | undefined> => {
      const details = await ctx.engine.containers.inspect(c.Id, `inspecting worker ${c.Id.slice(0, 12)}`);
      if (!details) return undefined; // removed meanwhile (--rm)
      const worker = workerInfoFromList(c, details.State.StartedAt);
      const agent = await agentStateOf(ctx, worker.name, { state: c.State, status: c.Status });
      return { info: { ...worker, agent }, details };
    }),
  );
  return inspected
    .filter((w): w is ListedWorker => w !== undefined)
    .sort((a, b) => a.info.created.localeCompare(b.info.created));
}

/** All of this parent's workers (running, and kept ones that exited), oldest first. */
export async function listWorkers(ctx: CoreContext): Promise<WorkerInfo[]> {
  return (await inspectWorkers(ctx)).map((w) => w.info);
}

/** Active workers: running, paused or restarting. */
export async function countWorkers(ctx: CoreContext): Promise<number> {
  const containers = await listWorkerContainers(ctx);
  return containers.filter((c) => ACTIVE_STATES.has(c.State)).length;
}

/** The worker container called `name`, or NotFoundError saying how to see the workers. */
export async function findWorker(ctx: CoreContext, name: string): Promise<ContainerSummary> {
  validateContainerName(name);
  const found = (await listWorkerContainers(ctx)).find((c) => c.name === name);
  if (!found) {
    throw new NotFoundError(`no worker named "${name}" (parent "${ctx.config.parentName}")`, {
      hint: "see the workers with `hal9000 list`",
    });
  }
  return found;
}
