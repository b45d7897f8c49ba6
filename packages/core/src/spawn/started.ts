/**
 * What a spawn reports about the worker it started, from what it already knows: the spec it
 * created the container from, the id create returned, and when create and start returned. An
 * inspect after the start would say the same of a running worker one round trip later.
 */
import type { WorkerInfo } from "../worker/info.js";
import type { WorkerSpec } from "./options.js";

type SpecFields = Pick<
  WorkerSpec,
  "name" | "image" | "parentName" | "project" | "detach" | "removeOnExit" | "branch"
>;

/** A worker as its spec and id describe it, in the state given. Pure. */
export function specWorkerInfo(
  spec: SpecFields,
  id: string,
  state: Pick<WorkerInfo, "state" | "status" | "created" | "startedAt">,
): WorkerInfo {
  return {
    name: spec.name,
    id,
    image: spec.image,
    state: state.state,
    status: state.status,
    parent: spec.parentName,
    project: spec.project,
    created: state.created,
    startedAt: state.startedAt,
    detached: spec.detach,
    removeOnExit: spec.removeOnExit,
    ...(spec.branch !== undefined ? { branch: spec.branch } : {}),
  };
}

/** A started worker as an inspect right after its start shows it (state running). Pure. */
export function startedWorkerInfo(
  spec: SpecFields,
  id: string,
  times: { created: string; startedAt: string },
): WorkerInfo {
  return specWorkerInfo(spec, id, { state: "running", status: `running since ${times.startedAt}`, ...times });
}
