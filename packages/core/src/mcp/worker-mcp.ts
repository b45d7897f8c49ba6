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
  ensureMcpWorkerToken,
  type HomeLayout,
  type RelayedServersResult,
  readMcpConfig,
  writeRelayedServers,
} from "@hal9000/volumes";
import { type Owner, ownerOf } from "../context/host-paths.js";
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
 * Writes the worker's relay credential and its Claude config's relayed servers (none when
 * mcp.json lists none; earlier relayed entries are then removed).
 */
export async function prepareWorkerMcp(
  layout: HomeLayout,
  name: string,
  homeLocal: string,
  user: Owner,
): Promise<WorkerMcpResult> {
  const servers = Object.keys((await readMcpConfig(layout.home)).servers);
  // The relay runs as HAL9000_HOME's owner on the host: the credential file is theirs to read.
  const token =
    servers.length > 0 ? await ensureMcpWorkerToken(layout, name, await ownerOf(layout.home)) : "";
  return writeRelayedServers(homeLocal, { servers, urlPrefix: RELAY_URL_PREFIX, token }, user);
}
