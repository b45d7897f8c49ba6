import { readFileSync } from "node:fs";
import { Agent, type AgentOptions } from "node:http";
import { userInfo } from "node:os";
import path from "node:path";
import type { Duplex } from "node:stream";
import type { ClientChannel } from "ssh2";
import { DockerUnavailableError } from "../vocabulary/errors.js";
import { describeEndpoint, type SshEndpoint } from "./endpoint.js";
import { knownHostKeys } from "./known-hosts.js";

/** The identity files ssh tries when none is configured, in its order. */
const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

type Callback = (err: Error | null, socket?: Duplex) => void;

/**
 * An http.Agent whose every connection is `docker system dial-stdio` run over ssh on the
 * engine's host, as the `docker` CLI does for ssh:// hosts. Auth: the ssh agent
 * (SSH_AUTH_SOCK), then ~/.ssh/id_ed25519, id_ecdsa, id_rsa; the host key must be in
 * ~/.ssh/known_hosts. ssh2 is loaded on the first connection only, so clients for other
 * endpoints never load it.
 */
export function sshAgent(endpoint: SshEndpoint, env: NodeJS.ProcessEnv): Agent {
  const agent = new Agent({ keepAlive: false } satisfies AgentOptions);
  agent.createConnection = (_options: unknown, callback: Callback) => {
    dialStdio(endpoint, env).then(
      (stream) => callback(null, stream),
      (err: Error) => callback(err),
    );
    return undefined;
  };
  return agent;
}

async function dialStdio(endpoint: SshEndpoint, env: NodeJS.ProcessEnv): Promise<ClientChannel> {
  const where = describeEndpoint(endpoint);
  const fail = (message: string, hint: string, cause?: unknown) =>
    new DockerUnavailableError(`Cannot connect to Docker daemon at ${where}: ${message}`, { hint, cause });
  const { Client, utils } = await loadSsh2();
  const username = endpoint.user ?? env.USER ?? env.LOGNAME ?? userInfo().username;
  const sshDir = env.HOME ? path.join(env.HOME, ".ssh") : undefined;
  const hostKeys = sshDir
    ? knownHostKeys(path.join(sshDir, "known_hosts"), endpoint.host, endpoint.port)
    : [];
  const sshCommand = `ssh${endpoint.port === 22 ? "" : ` -p ${endpoint.port}`} ${username}@${endpoint.host}`;
  if (hostKeys.length === 0) {
    throw fail(
      "its ssh host key is not in ~/.ssh/known_hosts",
      `connect once with \`${sshCommand}\` to check and accept the host key`,
    );
  }
  const auth = authMethods(username, env, sshDir, (key) => utils.parseKey(key));
  if (auth.length === 0) {
    throw fail(
      "no ssh credentials: SSH_AUTH_SOCK is not set and ~/.ssh has no id_ed25519, id_ecdsa or id_rsa",
      "start an ssh agent and add your key (`ssh-add`), or create a key with `ssh-keygen`",
    );
  }
  const remote = endpoint.socketPath
    ? `docker --host 'unix://${endpoint.socketPath.replaceAll("'", "'\\''")}' system dial-stdio`
    : "docker system dial-stdio";
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn
      .on("ready", () => {
        conn.exec(remote, (err, stream) => {
          if (err) {
            conn.end();
            reject(
              fail(`cannot run \`${remote}\`: ${err.message}`, "check that the user may run commands", err),
            );
            return;
          }
          let stderr = "";
          stream.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
          });
          stream.on("exit", (code: number | null) => {
            if (code === 0 || code === null) return;
            const said = stderr.trim() || `exit code ${code}`;
            (stream as Duplex).destroy(
              fail(
                `\`${remote}\` failed on ${endpoint.host}: ${said}`,
                "install the docker CLI on the engine's host",
              ),
            );
          });
          stream.on("close", () => conn.end());
          resolve(stream);
        });
      })
      .on("error", (err) => {
        const level = (err as { level?: string }).level;
        if (level === "client-authentication") {
          reject(
            fail(
              `ssh refused every key for ${username}: ${err.message}`,
              `add your public key to ~${username}/.ssh/authorized_keys on ${endpoint.host}, or load it into your ssh agent`,
              err,
            ),
          );
        } else if (err.message.includes("host key")) {
          reject(
            fail(
              "the ssh host key does not match ~/.ssh/known_hosts",
              `if the host was rebuilt, check its key and update known_hosts (\`ssh-keygen -R ${endpoint.host}\`)`,
              err,
            ),
          );
        } else {
          reject(err); // a network error keeps its code, so explainDockerError names the case
        }
      })
      .connect({
        host: endpoint.host,
        port: endpoint.port,
        username,
        authHandler: auth,
        hostVerifier: (key: Buffer) => hostKeys.includes(key.toString("base64")),
        readyTimeout: 30_000,
      });
  });
}

type AuthMethod =
  | { type: "agent"; username: string; agent: string }
  | { type: "publickey"; username: string; key: Buffer };

function authMethods(
  username: string,
  env: NodeJS.ProcessEnv,
  sshDir: string | undefined,
  parseKey: (key: Buffer) => unknown,
): AuthMethod[] {
  const methods: AuthMethod[] = [];
  if (env.SSH_AUTH_SOCK) methods.push({ type: "agent", username, agent: env.SSH_AUTH_SOCK });
  for (const name of sshDir ? DEFAULT_IDENTITIES : []) {
    let key: Buffer;
    try {
      key = readFileSync(path.join(sshDir as string, name));
    } catch {
      continue;
    }
    // A key with a passphrase can only be used through the agent.
    if (!(parseKey(key) instanceof Error)) methods.push({ type: "publickey", username, key });
  }
  return methods;
}

async function loadSsh2(): Promise<typeof import("ssh2")> {
  const mod = (await import("ssh2")) as typeof import("ssh2") & { default?: typeof import("ssh2") };
  return mod.default ?? mod;
}
