import Docker from "dockerode";
import { DockerUnavailableError } from "./errors.js";
import { log } from "./log.js";

export type { default as Dockerode } from "dockerode";

/** Oldest Engine API hal9000 speaks (Docker 20.10). */
export const MIN_API_VERSION = "1.41";
export const DEFAULT_SOCKET = "/var/run/docker.sock";

export interface DockerConnectOptions {
  /** Like DOCKER_HOST: `unix:///path`, `tcp://host:port`. Default: env DOCKER_HOST, then the default socket. */
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/** A dockerode client for DOCKER_HOST or the default socket. Does not contact the daemon. */
export function connectDocker(options: DockerConnectOptions = {}): Docker {
  const host = options.host ?? options.env?.DOCKER_HOST ?? process.env.DOCKER_HOST;
  if (!host) return new Docker({ socketPath: DEFAULT_SOCKET });
  if (host.startsWith("unix://")) return new Docker({ socketPath: host.slice("unix://".length) });
  if (host.startsWith("/")) return new Docker({ socketPath: host });
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: "http" });
}

export function describeDockerHost(docker: Docker): string {
  const opts = docker.modem as unknown as { socketPath?: string; host?: string; port?: number };
  return opts.socketPath ? `unix://${opts.socketPath}` : `tcp://${opts.host}:${opts.port}`;
}

export interface DockerInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

/**
 * Pings the daemon and checks its API version. Every failure becomes a
 * DockerUnavailableError whose hint matches the seed's troubleshooting cases.
 */
export async function pingDocker(docker: Docker): Promise<DockerInfo> {
  const where = describeDockerHost(docker);
  let v: Docker.DockerVersion;
  try {
    v = await docker.version();
  } catch (err) {
    throw explainDockerError(err, where);
  }
  log("docker %s: engine %s, API %s", where, v.Version, v.ApiVersion);
  if (compareApiVersions(v.ApiVersion, MIN_API_VERSION) < 0) {
    throw new DockerUnavailableError(
      `Docker at ${where} speaks API ${v.ApiVersion}; hal9000 needs ${MIN_API_VERSION} or newer (client version too old)`,
      { hint: "upgrade the Docker engine to 20.10 or newer" },
    );
  }
  return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
}

/** Maps a connection error to the seed's troubleshooting cases. */
export function explainDockerError(err: unknown, where: string): DockerUnavailableError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "ENOENT") {
    return new DockerUnavailableError(`Cannot connect to Docker daemon: no socket at ${where}`, {
      hint:
        "start Docker, or set DOCKER_HOST; inside a container, mount the socket: " +
        "docker run -v /var/run/docker.sock:/var/run/docker.sock …",
      cause: err,
    });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new DockerUnavailableError(`Cannot connect to Docker daemon: permission denied on ${where}`, {
      hint: "add your user to the docker group (then log in again), or run as root",
      cause: err,
    });
  }
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "EHOSTUNREACH") {
    return new DockerUnavailableError(`Cannot connect to Docker daemon at ${where}: daemon is not running`, {
      hint: "start the Docker daemon (e.g. `sudo systemctl start docker` or `./scripts/ensure-docker.sh`)",
      cause: err,
    });
  }
  if (/client version .* too old|minimum supported API version/i.test(message)) {
    return new DockerUnavailableError(`Docker at ${where} rejected the API version: ${message}`, {
      hint: "upgrade the Docker engine, or set DOCKER_API_VERSION to a version it supports",
      cause: err,
    });
  }
  return new DockerUnavailableError(`Cannot connect to Docker daemon at ${where}: ${message}`, {
    hint: "check that Docker is running and DOCKER_HOST is right",
    cause: err,
  });
}

export function compareApiVersions(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split(".").map(Number);
  const [bmaj = 0, bmin = 0] = b.split(".").map(Number);
  return amaj - bmaj || amin - bmin;
}
