/**
 * A worker's side of the MCP relay (Option B): the relayed servers in its Claude config, each
 * an HTTP server on the parent's loopback port, carrying the worker's own relay credential.
 *
 * Decided here: which servers (mcp.json's), where the relay answers, and the credential (owned
 * by HAL9000_HOME's owner, whom the relay runs as). @hal9000/volumes writes them into the
 * worker's ~/.claude.json beside the user's own servers (worker-home/relayed-servers.ts); Claude
 * then shows them in `claude mcp list` and offers their tools as mcp__<name>__<tool>. The
 * credential is in that file, private to the worker's UID, in a home no other worker mounts:
 * never in the environment.
 */
import {
  type HomeLayout,
  homeOwner,
  type RelayedServersResult,
  readMcpConfig,
  type WorkerHomePlan,
} from "@hal9000/volumes";
import { MCP_RELAY_HOST, MCP_RELAY_PORT } from "./forwarder.js";

/** Every relayed server's URL starts with this: how hal9000 knows its own entries. */
export const RELAY_URL_PREFIX = `http://${MCP_RELAY_HOST}:${MCP_RELAY_PORT}/mcp/`;

/**
 * The environment of a worker with relayed servers. Claude (2.1.x) starts its first turn
 * without the MCP servers that are not connected within a few seconds, and a relayed server's
 * process starts on the host only when a worker first connects: wait for them (a minute at most).
 * The spawn's own env wins over these.
 */
export const RELAY_WORKER_ENV: Readonly<Record<string, string>> = {
  MCP_CONNECTION_NONBLOCKING: "false",
  CLAUDE_CODE_MCP_STARTUP_WAIT_MS: "60000",
};

export type WorkerMcpResult = RelayedServersResult;

/**
 * Which servers the worker gets through the relay (mcp.json's; none: earlier relayed entries
 * are removed), at the relay's address; volumes writes them and the worker's relay credential
 * (prepareWorkerHome).
 */
export async function workerRelayPlan(layout: HomeLayout): Promise<NonNullable<WorkerHomePlan["relay"]>> {
  const servers = Object.keys((await readMcpConfig(layout.home)).servers);
  if (servers.length === 0) return { servers, urlPrefix: RELAY_URL_PREFIX };
  // The relay runs as HAL9000_HOME's owner on the host: the credential file is theirs to read.
  return { servers, urlPrefix: RELAY_URL_PREFIX, tokenOwner: await homeOwner(layout) };
}
