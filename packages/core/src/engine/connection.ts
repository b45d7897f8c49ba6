import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { inspect } from "node:util";
import type Docker from "dockerode";
// Defers what dockerode would load for nothing, then requires it (see dockerode-extras.ts).
import { Dockerode } from "#dockerode-extras";
import { InvalidInputError } from "../vocabulary/errors.js";
import {
  type DockerEndpoint,
  describeEndpoint,
  type EndpointFiles,
  isRemoteEndpoint,
  resolveDockerEndpoint,
  type TlsMaterial,
} from "./endpoint.js";
import { sshAgent } from "./ssh.js";

export interface DockerConnectOptions {
  /** Like DOCKER_HOST: `unix:///path`, `tcp://host:port`, `ssh://user@host`. Wins over the environment. */
  host?: string;
  /**
   * The whole environment to resolve from (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH,
   * DOCKER_CONTEXT, DOCKER_CONFIG, HOME, SSH_AUTH_SOCK); default process.env.
   */
  env?: NodeJS.ProcessEnv;
  /** @internal file reads for resolution (unit tests). */
  files?: EndpointFiles;
}

/** docker-modem takes an http(s).Agent, which dockerode's types leave out. */
type ModemOptions = Docker.DockerOptions & { agent?: HttpAgent };

const endpoints = new WeakMap<Docker, DockerEndpoint>();

/**
 * A dockerode client for the engine the `docker` CLI would talk to with the same environment.
 * Does not contact the daemon. Throws InvalidInputError for a malformed host, a missing
 * context or unreadable TLS files.
 */
export function connectDocker(options: DockerConnectOptions = {}): Docker {
  const endpoint = resolveDockerEndpoint(options);
  const env = options.env ?? process.env;
  const docker = new Dockerode(dockerodeOptions(endpoint, env));
  endpoints.set(docker, endpoint);
  return docker;
}

/** The endpoint a client made by connectDocker talks to (undefined for a client made elsewhere). */
export function dockerEndpoint(docker: Docker): DockerEndpoint | undefined {
  return endpoints.get(docker);
}

/** The client's engine as the user would write DOCKER_HOST. */
export function describeDockerHost(docker: Docker): string {
  const endpoint = endpoints.get(docker);
  if (endpoint) return describeEndpoint(endpoint);
  const opts = docker.modem as unknown as { socketPath?: string; host?: string; port?: number };
  return opts.socketPath ? `unix://${opts.socketPath}` : `tcp://${opts.host}:${opts.port}`;
}

/**
 * Every option docker-modem would otherwise default from process.env.DOCKER_HOST is set
 * explicitly (undefined when unused), so only the resolved endpoint counts.
 */
function dockerodeOptions(endpoint: DockerEndpoint, env: NodeJS.ProcessEnv): ModemOptions {
  const none = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    username: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    pathPrefix: undefined,
  };
  switch (endpoint.kind) {
    case "unix":
      return { ...none, socketPath: endpoint.socketPath, protocol: "http", agent: plainAgent() };
    case "tcp":
      if (!endpoint.tls) {
        return { ...none, host: endpoint.host, port: endpoint.port, protocol: "http", agent: plainAgent() };
      }
      return {
        ...none,
        host: endpoint.host,
        port: endpoint.port,
        protocol: "https",
        agent: briefWhenInspected(new HttpsAgent(tlsOptions(endpoint.tls, endpoint.source))),
      };
    case "ssh":
      // One `docker system dial-stdio` on the remote host per connection; the host name in
      // request URLs is never dialled.
      return {
        ...none,
        host: endpoint.host,
        port: endpoint.port,
        protocol: "http",
        agent: briefWhenInspected(sshAgent(endpoint, env)),
      };
  }
}

let plain: HttpAgent | undefined;

/**
 * Node's own global agent's settings, and no TLS server name: for each request an agent
 * derives one from the Host header unless it is given, and the first such test of an address
 * compiles Node's IPv6 pattern, 5–10 ms of a cold `hal9000 list` for a connection without TLS.
 */
function plainAgent(): HttpAgent {
  if (!plain) {
    const options = { keepAlive: true, scheduling: "lifo", timeout: 5000, servername: "" } as const;
    plain = briefWhenInspected(new HttpAgent(options));
  }
  return plain;
}

/**
 * docker-modem logs each request's options with util.inspect, whether or not its debug output
 * is on, and at full depth: otherwise all of the agent's sockets, on every request.
 */
function briefWhenInspected<T extends object>(agent: T): T {
  return Object.defineProperty(agent, inspect.custom, { value: () => "[hal9000 Docker agent]" });
}

function tlsOptions(tls: TlsMaterial, source: string) {
  const read = (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new InvalidInputError(
        `cannot read the TLS ${what} ${file} (for ${source}): ${(err as Error).message}`,
        {
          hint: "put ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH (default ~/.docker), or unset DOCKER_TLS_VERIFY",
          cause: err,
        },
      );
    }
  };
  return {
    ca: tls.verify ? read(tls.ca, "CA certificate") : undefined,
    cert: read(tls.cert, "client certificate"),
    key: read(tls.key, "client key"),
    rejectUnauthorized: tls.verify,
  };
}

/**
 * Refuses work that bind-mounts local paths into containers on an engine that runs elsewhere
 * (tcp://, ssh://): the engine resolves mount sources on its own host, so the project there
 * would be some other directory, or none.
 */
export function assertLocalEngine(docker: Docker, what: string, localPaths: string[]): void {
  const endpoint = endpoints.get(docker);
  const remote = endpoint
    ? isRemoteEndpoint(endpoint)
    : !(docker.modem as unknown as { socketPath?: unknown }).socketPath;
  if (!remote) return;
  const where = describeDockerHost(docker);
  const via = endpoint ? ` (${endpoint.source})` : "";
  throw new InvalidInputError(
    `cannot ${what} on the Docker engine at ${where}${via}: it is not a local socket, and bind mounts ` +
      `(${localPaths.join(", ")}) are resolved on the engine's host, not on this one`,
    {
      hint:
        "use the local engine (unset DOCKER_HOST and DOCKER_CONTEXT, or `docker context use default`); " +
        "shipping projects to remote engines is not supported yet",
    },
  );
}
