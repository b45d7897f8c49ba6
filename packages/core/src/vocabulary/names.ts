import { randomBytes } from "node:crypto";
import { CONTAINER_NAME_RE, MAX_CONTAINER_NAME } from "@hal9000/volumes";
import { InvalidInputError } from "./errors.js";

export const WORKER_NAME_PREFIX = "hal9000-worker-";
/** Docker's own rule for container names (defined once, in @hal9000/volumes). */
export const CONTAINER_NAME_PATTERN = CONTAINER_NAME_RE;
/** The longest name hal9000 accepts (a worker's Claude home is `workers/<name>/`). */
export const MAX_NAME_LENGTH = MAX_CONTAINER_NAME;

/** `hal9000-worker-<12 hex digits>`: 48 random bits, so concurrent spawns practically never collide (and retry when they do). */
export function generateWorkerName(): string {
  return `${WORKER_NAME_PREFIX}${randomBytes(6).toString("hex")}`;
}

/** Returns the reason a container name is invalid, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length === 1) return "Docker needs at least 2 characters";
  if (name.length > MAX_NAME_LENGTH)
    return `it is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (!CONTAINER_NAME_PATTERN.test(name)) {
    return /^[a-zA-Z0-9]/.test(name)
      ? "it may only contain letters, digits, '_', '.' and '-'"
      : "it must start with a letter or a digit";
  }
  return undefined;
}

/** Throws InvalidInputError naming the rule that `name` breaks. */
export function validateContainerName(name: string, what = "worker name"): string {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new InvalidInputError(`invalid ${what} ${JSON.stringify(name)}: ${problem}`, {
      hint: `use 2-${MAX_NAME_LENGTH} characters (letters, digits, '_', '.', '-'), starting with a letter or digit, e.g. my-worker-1`,
    });
  }
  return name;
}
