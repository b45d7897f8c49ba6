/**
 * The one rule no option may break: a worker never reaches the Docker daemon. Whoever holds
 * the socket is root on the host, and an agent runs arbitrary commands. Only the parent
 * gets the socket; this guard checks every worker's create request before it is sent.
 */
import path from "node:path";
import type { ContainerCreateOptions } from "../engine/engine.js";
import { InvalidInputError } from "../vocabulary/errors.js";

/** Where Docker's socket usually is (/var/run is a symlink to /run on current systems). */
export const DOCKER_SOCKET_PATHS: readonly string[] = ["/var/run/docker.sock", "/run/docker.sock"];
/** Environment variables that point a Docker client at a daemon. */
export const DOCKER_ENV_NAMES: readonly string[] = ["DOCKER_HOST"];

const HINT =
  "hal9000 never gives a worker the Docker socket (it is root on the host): mount a project directory that does not contain it";

const clean = (p: string) => path.posix.normalize(p).replace(/(.)\/+$/, "$1");

/** `inner` is `outer` or lies below it. */
function within(inner: string, outer: string): boolean {
  const rel = path.posix.relative(clean(outer), clean(inner));
  return rel === "" || (!rel.startsWith("..") && !path.posix.isAbsolute(rel));
}

/** Both spellings of a socket under /var/run or /run. */
function spellings(socket: string): string[] {
  const s = clean(socket);
  if (s.startsWith("/var/run/")) return [s, s.replace(/^\/var\/run\//, "/run/")];
  if (s.startsWith("/run/")) return [s, s.replace(/^\/run\//, "/var/run/")];
  return [s];
}

/** Why mounting host path `source` would hand the Docker socket over, or undefined when it would not. */
export function dockerSocketProblem(source: string, sockets: readonly string[] = []): string | undefined {
  if (/(^|\/)docker\.sock$/.test(clean(source))) return `${source} is a Docker socket`;
  const all = [...DOCKER_SOCKET_PATHS, ...sockets].flatMap(spellings);
  const inside = all.find((s) => within(s, source));
  return inside ? `${source} contains the Docker socket ${inside}` : undefined;
}

/** Throws InvalidInputError when mounting `source` (named `what` for the message) would expose the socket. */
export function assertNotDockerSocket(what: string, source: string, sockets: readonly string[] = []): void {
  const problem = dockerSocketProblem(source, sockets);
  if (problem) throw new InvalidInputError(`refusing to mount the ${what}: ${problem}`, { hint: HINT });
}

/**
 * Checks a worker's create request: no bind or mount whose source or target is (or holds)
 * a Docker socket, no DOCKER_HOST in its environment, not privileged, no capability added.
 * `sockets` are extra host paths of the daemon's socket (e.g. the one this process uses).
 */
export function assertWorkerIsolation(
  options: ContainerCreateOptions,
  sockets: readonly string[] = [],
): void {
  const host = options.HostConfig ?? {};
  const mounts: { source: string; target: string }[] = [
    ...(host.Mounts ?? []).map((m) => ({ source: m.Source ?? "", target: m.Target })),
    ...(host.Binds ?? []).map((b) => {
      const [source = "", target = ""] = b.split(":");
      return { source, target };
    }),
  ];
  for (const m of mounts) {
    if (m.source !== "") assertNotDockerSocket(`directory ${m.source}`, m.source, sockets);
    if (/(^|\/)docker\.sock$/.test(clean(m.target)) || DOCKER_SOCKET_PATHS.some((s) => within(s, m.target))) {
      throw new InvalidInputError(
        `refusing to mount anything at ${m.target} in a worker (the Docker socket's place)`,
        {
          hint: HINT,
        },
      );
    }
  }
  for (const entry of options.Env ?? []) {
    const name = entry.split("=", 1)[0] ?? "";
    if (DOCKER_ENV_NAMES.includes(name)) {
      throw new InvalidInputError(`refusing to pass ${name} to a worker`, {
        hint: "workers never talk to the Docker daemon; remove it from the worker's environment (-e)",
      });
    }
  }
  if (host.Privileged) {
    throw new InvalidInputError("refusing to create a privileged worker", { hint: HINT });
  }
  if ((host.CapAdd ?? []).length > 0) {
    throw new InvalidInputError(`refusing to add capabilities to a worker: ${host.CapAdd?.join(", ")}`, {
      hint: "workers run with every capability dropped",
    });
  }
}
