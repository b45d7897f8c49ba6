/**
 * Ownership is by labels, never by name: a container without these labels is never
 * listed, stopped or removed by hal9000, whatever its name.
 */
export const LABEL_ROLE = "hal9000.role";
export const LABEL_PARENT = "hal9000.parent";
export const LABEL_PROJECT = "hal9000.project";
export const LABEL_VERSION = "hal9000.version";
/** Worker labels that, with the container's image and command, are enough to recreate it. */
export const LABEL_DETACHED = "hal9000.detached";
export const LABEL_REMOVE_ON_EXIT = "hal9000.remove-on-exit";
/** Host path of the worker's Claude home (mounted as its HOME). */
export const LABEL_WORKER_HOME = "hal9000.worker-home";
/** The worker's own branch (spawn --branch); its checkout is the hal9000.project. */
export const LABEL_BRANCH = "hal9000.branch";
/** Host path of HAL9000_HOME mounted into the parent. */
export const LABEL_HOST_HOME = "hal9000.host-home";

export type Role = "parent" | "worker";

/** Docker API `filters` selecting hal9000 containers of one role (and, for workers, one parent). */
export function roleFilter(role: Role, parent?: string): { label: string[] } {
  const label = [`${LABEL_ROLE}=${role}`];
  if (parent !== undefined) label.push(`${LABEL_PARENT}=${parent}`);
  return { label };
}

export function isOwned(labels: Record<string, string> | undefined, role?: Role): boolean {
  const value = labels?.[LABEL_ROLE];
  if (value !== "parent" && value !== "worker") return false;
  return role === undefined || value === role;
}

/** A worker belongs to a parent only when both labels say so. */
export function isWorkerOf(labels: Record<string, string> | undefined, parent: string): boolean {
  return isOwned(labels, "worker") && labels?.[LABEL_PARENT] === parent;
}

export function labelFlag(
  labels: Record<string, string> | undefined,
  key: string,
  fallback: boolean,
): boolean {
  const v = labels?.[key];
  return v === undefined ? fallback : v === "true";
}
