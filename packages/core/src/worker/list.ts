import type Docker from "dockerode";
import type { CoreContext } from "../context/context.js";
import { dockerStatus, mapDockerError } from "../engine/docker.js";
import { NotFoundError } from "../vocabulary/errors.js";
import { isWorkerOf, roleFilter } from "../vocabulary/labels.js";
import { validateContainerName } from "../vocabulary/names.js";
import { agentStateOf } from "./agent-state.js";
import { ACTIVE_STATES, type WorkerInfo, workerInfoFromList } from "./info.js";

/** This parent's worker containers, by label only (a look-alike name is never enough). */
export async function listWorkerContainers(ctx: CoreContext): Promise<Docker.ContainerInfo[]> {
  const parent = ctx.config.parentName;
  let containers: Docker.ContainerInfo[];
  try {
    containers = await ctx.docker.listContainers({ all: true, filters: roleFilter("worker", parent) });
  } catch (err) {
    throw mapDockerError(err, ctx.docker, "listing workers");
  }
  // The daemon filtered already; check again so ownership never rests on one filter.
  return containers.filter((c) => isWorkerOf(c.Labels, parent));
}

/** All of this parent's workers (running, and kept ones that exited), oldest first. */
export async function listWorkers(ctx: CoreContext): Promise<WorkerInfo[]> {
  const containers = await listWorkerContainers(ctx);
  const infos = await Promise.all(
    containers.map(async (c): Promise<WorkerInfo | undefined> => {
      try {
        const info = await ctx.docker.getContainer(c.Id).inspect();
        const worker = workerInfoFromList(c, info.State.StartedAt);
        return {
          ...worker,
          agent: await agentStateOf(ctx, worker.name, { state: c.State, status: c.Status }),
        };
      } catch (err) {
        if (dockerStatus(err) === 404) return undefined; // removed meanwhile (--rm)
        throw mapDockerError(err, ctx.docker, `inspecting worker ${c.Id.slice(0, 12)}`);
      }
    }),
  );
  return infos
    .filter((w): w is WorkerInfo => w !== undefined)
    .sort((a, b) => a.created.localeCompare(b.created));
}

/** Active workers: running, paused or restarting. */
export async function countWorkers(ctx: CoreContext): Promise<number> {
  const containers = await listWorkerContainers(ctx);
  return containers.filter((c) => ACTIVE_STATES.has(c.State)).length;
}

/** The worker container called `name`, or NotFoundError saying how to see the workers. */
export async function findWorker(ctx: CoreContext, name: string): Promise<Docker.ContainerInfo> {
  validateContainerName(name);
  const found = (await listWorkerContainers(ctx)).find((c) => c.Names.includes(`/${name}`));
  if (!found) {
    throw new NotFoundError(`no worker named "${name}" (parent "${ctx.config.parentName}")`, {
      hint: "see the workers with `hal9000 list`",
    });
  }
  return found;
}
