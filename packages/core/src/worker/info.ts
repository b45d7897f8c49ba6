import type { ContainerDetails, ContainerSummary } from "../engine/engine.js";
import {
  LABEL_BRANCH,
  LABEL_DETACHED,
  LABEL_PARENT,
  LABEL_PROJECT,
  LABEL_REMOVE_ON_EXIT,
  labelFlag,
} from "../vocabulary/labels.js";
import type { AgentState } from "./agent-state-types.js";

/** A worker as hal9000 reports it: from its container and labels. */
export interface WorkerInfo {
  name: string;
  id: string;
  image: string;
  state: string;
  status: string;
  parent: string;
  project: string | null;
  created: string;
  startedAt: string | null;
  detached: boolean;
  removeOnExit: boolean;
  /** Its own branch, for a worker spawned with --branch (its project is then its checkout). */
  branch?: string;
  /** What Claude in it is doing (from its hooks); in list and status. */
  agent?: AgentState;
}

/** States in which a worker counts as active (as `docker ps` shows it). */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(["running", "paused", "restarting"]);

const validDate = (d: string | undefined): string | null => (d && !d.startsWith("0001-") ? d : null);

function describeState(state: ContainerDetails["State"]): string {
  if (state.Status === "running") return state.Paused ? "paused" : `running since ${state.StartedAt}`;
  if (state.Status === "exited") return `exited (${state.ExitCode})`;
  return state.Status;
}

export function workerInfoFromInspect(info: ContainerDetails, status?: string): WorkerInfo {
  const labels = info.Config.Labels ?? {};
  return {
    name: info.name,
    id: info.Id,
    image: info.Config.Image,
    state: info.State.Status,
    status: status ?? describeState(info.State),
    parent: labels[LABEL_PARENT] ?? "",
    project: labels[LABEL_PROJECT] ?? null,
    created: info.Created,
    startedAt: validDate(info.State.StartedAt),
    detached: labelFlag(labels, LABEL_DETACHED, true),
    removeOnExit: labelFlag(labels, LABEL_REMOVE_ON_EXIT, false),
    ...(labels[LABEL_BRANCH] ? { branch: labels[LABEL_BRANCH] } : {}),
  };
}

export function workerInfoFromList(c: ContainerSummary, startedAt: string | null): WorkerInfo {
  const labels = c.Labels ?? {};
  return {
    name: c.name,
    id: c.Id,
    image: c.Image,
    state: c.State,
    status: c.Status,
    parent: labels[LABEL_PARENT] ?? "",
    project: labels[LABEL_PROJECT] ?? null,
    created: new Date(c.Created * 1000).toISOString(),
    startedAt: validDate(startedAt ?? undefined),
    detached: labelFlag(labels, LABEL_DETACHED, true),
    removeOnExit: labelFlag(labels, LABEL_REMOVE_ON_EXIT, false),
    ...(labels[LABEL_BRANCH] ? { branch: labels[LABEL_BRANCH] } : {}),
  };
}
