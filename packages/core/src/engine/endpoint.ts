import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InvalidInputError } from "../vocabulary/errors.js";

/**
 * Which Docker engine to talk to, resolved from an environment exactly as the `docker` CLI
 * resolves it (cli/command/cli.go, cli/flags, cli/context/docker): an explicit host, then
 * DOCKER_HOST, then DOCKER_CONTEXT, then the config's `currentContext`, then the default
 * socket. Pure but for reading the Docker config directory, which goes through `files`.
 */
export type DockerEndpoint = UnixEndpoint | TcpEndpoint | SshEndpoint;

interface EndpointBase {
  /** Where the choice came from, for messages: `DOCKER_HOST`, `context "remote"`, `default`. */
  source: string;
}

export interface UnixEndpoint extends EndpointBase {
  kind: "unix";
  socketPath: string;
}

export interface TcpEndpoint extends EndpointBase {
  kind: "tcp";
  host: string;
  port: number;
  /** Absent: plain HTTP. */
  tls?: TlsMaterial;
}

/** PEM file paths; `verify: false` is the CLI's --tls without --tlsverify (or a context's SkipTLSVerify). */
export interface TlsMaterial {
  verify: boolean;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface SshEndpoint extends EndpointBase {
  kind: "ssh";
  /** Absent: the local user name, as ssh does. */
  user?: string;
  host: string;
  port: number;
  /** The remote engine's socket (`ssh://host/run/docker.sock`); absent: the remote CLI's default. */
  socketPath?: string;
}

/** The file reads resolution needs; unit tests pass an in-memory map. */
export interface EndpointFiles {
  /** The file's text, or undefined when it does not exist. */
  read(file: string): string | undefined;
  exists(file: string): boolean;
}

export const DEFAULT_SOCKET = "/var/run/docker.sock";
const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_PORT = 2376;
const DEFAULT_CONTEXT = "default";

const diskFiles: EndpointFiles = {
  read(file) {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  },
  exists(file) {
    try {
      statSync(file);
      return true;
    } catch {
      return false;
    }
  },
};

export interface ResolveEndpointOptions {
  /** Like DOCKER_HOST; wins over the environment (the CLI's --host). */
  host?: string;
  /** The whole environment to read (DOCKER_*, HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
  files?: EndpointFiles;
}

export function resolveDockerEndpoint(options: ResolveEndpointOptions = {}): DockerEndpoint {
  const env = options.env ?? process.env;
  const files = options.files ?? diskFiles;
  if (options.host) return parseDockerHost(options.host, tlsFromEnv(env, files), "the host option");
  if (env.DOCKER_HOST) return parseDockerHost(env.DOCKER_HOST, tlsFromEnv(env, files), "DOCKER_HOST");
  const configDir = dockerConfigDir(env);
  const name = env.DOCKER_CONTEXT || (configDir ? currentContext(configDir, files) : undefined);
  if (!name || name === DEFAULT_CONTEXT) {
    return { kind: "unix", socketPath: DEFAULT_SOCKET, source: "default" };
  }
  if (!configDir) {
    throw new InvalidInputError(
      `Docker context "${name}" cannot be read: neither DOCKER_CONFIG nor HOME is set`,
      {
        hint: "set HOME (or DOCKER_CONFIG), or unset DOCKER_CONTEXT",
      },
    );
  }
  return contextEndpoint(configDir, name, files, env.DOCKER_CONTEXT ? "DOCKER_CONTEXT" : "config.json");
}

/** DOCKER_CONFIG, else ~/.docker (HOME from the given environment only). */
export function dockerConfigDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return env.HOME ? path.join(env.HOME, ".docker") : undefined;
}

/** The directory name the CLI stores a context under: the hex SHA-256 of its name. */
export function contextId(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

function currentContext(configDir: string, files: EndpointFiles): string | undefined {
  const file = path.join(configDir, "config.json");
  const text = files.read(file);
  if (text === undefined) return undefined;
  const config = parseJson(text, file, "fix or remove it");
  const current = (config as { currentContext?: unknown }).currentContext;
  return typeof current === "string" && current !== "" ? current : undefined;
}

function contextEndpoint(configDir: string, name: string, files: EndpointFiles, via: string): DockerEndpoint {
  const id = contextId(name);
  const metaFile = path.join(configDir, "contexts", "meta", id, "meta.json");
  const text = files.read(metaFile);
  const source = `context "${name}" (from ${via})`;
  if (text === undefined) {
    throw new InvalidInputError(`Docker context "${name}" (from ${via}) does not exist: no ${metaFile}`, {
      hint: "list contexts with `docker context ls`; switch with `docker context use <name>` or unset DOCKER_CONTEXT",
    });
  }
  const meta = parseJson(text, metaFile, `recreate the context with \`docker context create ${name}\``) as {
    Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
  };
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== "string" || docker.Host === "") {
    throw new InvalidInputError(`Docker context "${name}" has no docker endpoint host in ${metaFile}`, {
      hint: `set one with \`docker context update ${name} --docker host=…\``,
    });
  }
  const tlsDir = path.join(configDir, "contexts", "tls", id, "docker");
  const pem = (f: string) => {
    const p = path.join(tlsDir, f);
    return files.exists(p) ? p : undefined;
  };
  const material = { ca: pem("ca.pem"), cert: pem("cert.pem"), key: pem("key.pem") };
  const skip = docker.SkipTLSVerify === true;
  // As the CLI: TLS when the context stores TLS data or skips verification; else plain.
  const hasData = material.ca !== undefined || material.cert !== undefined || material.key !== undefined;
  const tls = hasData || skip ? dropUndefined({ verify: !skip, ...material }) : undefined;
  return parseDockerHost(docker.Host, tls, source);
}

/** --tls/--tlsverify from DOCKER_TLS / DOCKER_TLS_VERIFY (any non-empty value), certs from DOCKER_CERT_PATH. */
function tlsFromEnv(env: NodeJS.ProcessEnv, files: EndpointFiles): TlsMaterial | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const certPath = env.DOCKER_CERT_PATH || dockerConfigDir(env);
  const at = (f: string) => (certPath ? path.join(certPath, f) : undefined);
  const ifExists = (p: string | undefined) => (p !== undefined && files.exists(p) ? p : undefined);
  // The CA is read only to verify (and must then exist); cert and key are dropped when absent.
  return dropUndefined({
    verify,
    ca: verify ? at("ca.pem") : undefined,
    cert: ifExists(at("cert.pem")),
    key: ifExists(at("key.pem")),
  });
}

/** Parses a DOCKER_HOST value (`unix://`, `tcp://`, `ssh://`, or a bare `host:port`). */
export function parseDockerHost(value: string, tls: TlsMaterial | undefined, source: string): DockerEndpoint {
  const bad = (why: string) =>
    new InvalidInputError(`${source} "${value}" is not a Docker host: ${why}`, {
      hint: "use unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port]",
    });
  if (value.startsWith("/")) return { kind: "unix", socketPath: value, source };
  const scheme = value.includes("://") ? value.slice(0, value.indexOf("://")) : "tcp";
  const rest = value.includes("://") ? value.slice(scheme.length + 3) : value;
  if (scheme === "unix") return { kind: "unix", socketPath: rest || DEFAULT_SOCKET, source };
  if (scheme === "tcp") {
    let url: URL;
    try {
      url = new URL(`tcp://${rest}`);
    } catch {
      throw bad("cannot parse host and port");
    }
    if (url.pathname !== "" && url.pathname !== "/") throw bad("a tcp host takes no path");
    const port = url.port ? Number(url.port) : tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
    return tls ? { kind: "tcp", host, port, tls, source } : { kind: "tcp", host, port, source };
  }
  if (scheme === "ssh") {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw bad("cannot parse it as ssh://[user@]host[:port][/socket]");
    }
    if (url.password) throw bad("a plain-text password is not supported; use a key or an ssh agent");
    if (!url.hostname) throw bad("no host");
    if (url.search || url.hash) throw bad("extra query or fragment");
    const endpoint: SshEndpoint = {
      kind: "ssh",
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port ? Number(url.port) : 22,
      source,
    };
    if (url.username) endpoint.user = decodeURIComponent(url.username);
    if (url.pathname !== "" && url.pathname !== "/") endpoint.socketPath = decodeURIComponent(url.pathname);
    return endpoint;
  }
  throw bad(`unsupported scheme "${scheme}://"`);
}

/** The endpoint as the user would write it in DOCKER_HOST. */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  switch (endpoint.kind) {
    case "unix":
      return `unix://${endpoint.socketPath}`;
    case "tcp": {
      const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
      return `tcp://${host}:${endpoint.port}`;
    }
    case "ssh": {
      const user = endpoint.user ? `${endpoint.user}@` : "";
      return `ssh://${user}${endpoint.host}:${endpoint.port}${endpoint.socketPath ?? ""}`;
    }
  }
}

/** True when the engine runs on another host's file system (bind-mount sources are resolved there). */
export function isRemoteEndpoint(endpoint: DockerEndpoint): boolean {
  return endpoint.kind !== "unix";
}

function parseJson(text: string, file: string, fix: string): object {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object") return value;
  } catch {
    // reported below
  }
  throw new InvalidInputError(`${file} is not a JSON object`, { hint: fix });
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
