/** Worker names become file names (sessions/<name>.json, workers/<name>/): they must never escape their directory. */

import { VolumesError } from "./errors.js";
import { CONTAINER_NAME_RE, MAX_CONTAINER_NAME } from "./references.js";

/** Why `name` cannot name a worker, or undefined when it can. */
export function workerNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "a worker name is required";
  if (name.includes("/") || name.includes("\\") || name.includes("\0") || name === "." || name === "..") {
    return `worker name "${name}" would leave its directory`;
  }
  if (name.length > MAX_CONTAINER_NAME || !CONTAINER_NAME_RE.test(name)) {
    return `"${name}" is not a valid worker name`;
  }
  return undefined;
}

export function assertWorkerName(name: unknown): asserts name is string {
  const problem = workerNameProblem(name);
  if (problem) {
    throw new VolumesError("INVALID_NAME", problem, {
      hint: `use 2-${MAX_CONTAINER_NAME} characters from [a-zA-Z0-9_.-], starting with a letter or digit, e.g. "hal9000-worker-1"`,
    });
  }
}
