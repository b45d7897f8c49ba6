import type Docker from "dockerode";
import {
  ConflictError,
  DockerUnavailableError,
  Hal9000Error,
  InvalidInputError,
  NotFoundError,
} from "../vocabulary/errors.js";
import { log } from "../vocabulary/log.js";
import { describeDockerHost } from "./connection.js";

export type { default as Dockerode } from "dockerode";

/** Oldest Engine API hal9000 speaks (Docker 20.10). */
export const MIN_API_VERSION = "1.41";
export {
  assertLocalEngine,
  connectDocker,
  type DockerConnectOptions,
  describeDockerHost,
  dockerEndpoint,
} from "./connection.js";
export {
  DEFAULT_SOCKET,
  type DockerEndpoint,
  describeEndpoint,
  isRemoteEndpoint,
  resolveDockerEndpoint,
} from "./endpoint.js";

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
  if (err instanceof DockerUnavailableError) return err; // already explained (e.g. by the ssh transport)
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
  if (isTlsFailure(code, message)) {
    return new DockerUnavailableError(`Cannot connect to Docker daemon at ${where}: TLS failed: ${message}`, {
      hint:
        "check the engine's CA (ca.pem) and your client certificate and key (cert.pem, key.pem) " +
        "in DOCKER_CERT_PATH (default ~/.docker) or in the context's TLS files",
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

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
]);

function isTlsFailure(code: string | undefined, message: string): boolean {
  if (code && (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")))
    return true;
  return /certificate|ssl alert|handshake/i.test(message);
}

export function compareApiVersions(a: string, b: string): number {
  const [amaj = 0, amin = 0] = a.split(".").map(Number);
  const [bmaj = 0, bmin = 0] = b.split(".").map(Number);
  return amaj - bmaj || amin - bmin;
}

const CONNECTION_CODES = new Set([
  "ENOENT",
  "EACCES",
  "EPERM",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "ENOTFOUND",
]);

/** The HTTP status of a dockerode API error, if it is one. */
export function dockerStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** The daemon's own words for an API error (dockerode wraps them in "(HTTP code …)"). */
export function dockerMessage(err: unknown): string {
  const e = err as { json?: { message?: unknown }; reason?: unknown; message?: unknown } | undefined;
  const json = e?.json?.message;
  if (typeof json === "string" && json !== "") return json.trim();
  if (typeof e?.message === "string") return e.message.trim();
  return String(err);
}

/** The daemon's own words for a failure, also when it was already mapped to a Hal9000Error. */
export function engineMessage(err: unknown): string {
  return dockerMessage(err instanceof Hal9000Error && err.cause !== undefined ? err.cause : err);
}

/** True for failures to reach the daemon at all (as opposed to the daemon saying no). */
export function isConnectionError(err: unknown): boolean {
  if (dockerStatus(err) !== undefined) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && CONNECTION_CODES.has(code);
}

/**
 * Turns any Docker failure into a Hal9000Error: connection failures through
 * explainDockerError, API statuses into the matching typed error.
 * `what` says what was being done, e.g. `stopping worker "w1"`.
 */
export function mapDockerError(err: unknown, docker: Docker, what: string): Hal9000Error {
  if (err instanceof Hal9000Error) return err;
  if (isConnectionError(err)) return explainDockerError(err, describeDockerHost(docker));
  const message = `${what}: ${dockerMessage(err)}`;
  switch (dockerStatus(err)) {
    case 404:
      return new NotFoundError(message, { cause: err });
    case 409:
      return new ConflictError(message, { cause: err });
    case 400:
      return new InvalidInputError(message, { cause: err });
    default:
      return new Hal9000Error("INTERNAL", message, {
        hint: "run with DEBUG=hal9000:* for details, and check the Docker daemon's log",
        cause: err,
      });
  }
}
