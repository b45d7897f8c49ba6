/**
 * Ownership is by labels, never by name: a container without these labels is never
 * listed, stopped or removed by hal9000, whatever its name.
 */
export const LABEL_ROLE = "hal9000.role";
export const LABEL_PARENT = "hal9000.parent";
export const LABEL_PROJECT = "hal9000.project";
export const LABEL_VERSION = "hal9000.version";

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
