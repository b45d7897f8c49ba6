/**
 * What `status`, `doctor` and the dashboard say about the MCP relay (Option B): which servers
 * mcp.json configures, whether the host relay runs, and each server's sessions and last error,
 * asked of the relay itself over its unix socket. Runs on the host and in the parent alike
 * (node:http only): a relay that is down is a state with its cause, never a hang.
 */
import { request } from "node:http";
import { type HomeLayout, mcpRelayFiles, readMcpConfig, readTextIfExists } from "@hal9000/volumes";

/** A relayed server as the relay reports it. */
export interface RelayServerHealth {
  name: string;
  command: string;
  sessions: number;
  calls: number;
  lastError?: string;
}

/** A worker's session with a server, as the relay reports it. */
export interface RelaySessionHealth {
  id: string | undefined;
  worker: string;
  server: string;
  pid: number | null;
  startedAt: string;
  calls: number;
  restarts: number;
  lastError?: string;
}

/** The relay's answer to GET /health. */
export interface RelayHealth {
  pid: number;
  version: string;
  socket: string;
  startedAt: string;
  servers: RelayServerHealth[];
  sessions: RelaySessionHealth[];
  configError?: string;
}

export type McpRelayState = "not-configured" | "running" | "stopped" | "not-answering";

export interface McpRelayStatus {
  state: McpRelayState;
  /** Server names in mcp.json. */
  configured: string[];
  socket: string;
  pid?: number;
  /** Why the relay is not serving, and what to do. */
  why?: string;
  hint?: string;
  configError?: string;
  health?: RelayHealth;
}

const HEALTH_TIMEOUT_MS = 2000;

/** GET /health on the relay's socket; rejects when nothing answers within the timeout. */
export function relayHealth(socket: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<RelayHealth> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: "/health", method: "GET", timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as RelayHealth);
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** The pid in the relay's pid file, when there is one and that process lives. */
export async function relayPid(layout: HomeLayout): Promise<number | undefined> {
  const text = await readTextIfExists(mcpRelayFiles(layout).pidFile).catch(() => undefined);
  const pid = Number.parseInt(text ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}

export async function mcpRelayStatus(layout: HomeLayout): Promise<McpRelayStatus> {
  const socket = mcpRelayFiles(layout).socket;
  let configured: string[] = [];
  let configError: string | undefined;
  try {
    configured = Object.keys((await readMcpConfig(layout.home)).servers);
  } catch (err) {
    configError = (err as Error).message;
  }
  const status: McpRelayStatus = { state: "stopped", configured, socket };
  if (configError) status.configError = configError;
  try {
    status.health = await relayHealth(socket);
    status.state = "running";
    status.pid = status.health.pid;
    return status;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const pid = await relayPid(layout);
    if (pid !== undefined) status.pid = pid;
    if (configured.length === 0 && !configError && pid === undefined) {
      status.state = "not-configured";
      return status;
    }
    if (code === "ENOENT" || code === "ECONNREFUSED") {
      status.state = "stopped";
      status.why =
        pid === undefined
          ? "the relay is not running on the host"
          : `process ${pid} holds the pid file but the relay socket ${code === "ENOENT" ? "is missing" : "refuses connections"}`;
    } else {
      status.state = "not-answering";
      status.why = `the relay did not answer on ${socket}: ${(err as Error).message}`;
    }
    status.hint = `start it on the host: hal9000 mcp relay -d (log: ${mcpRelayFiles(layout).logFile})`;
    return status;
  }
}
