/**
 * A worker's side of the MCP relay (Option B): the relayed servers in its Claude config, each
 * an HTTP server on the parent's loopback port, carrying the worker's own relay credential.
 *
 * User-scope servers live in ~/.claude.json ("mcpServers"), in the worker's own home: the entries
 * hal9000 adds sit beside the user's (a name the user already uses keeps the user's entry), and
 * the ones hal9000 added before but that are no longer configured go. Claude then shows them in
 * `claude mcp list` and offers their tools as mcp__<name>__<tool>. The credential is in that
 * file, private to the worker's UID, in a home no other worker mounts: never in the environment.
 */
import path from "node:path";
import {
  ensureMcpWorkerToken,
  type HomeLayout,
  readMcpConfig,
  readSettings,
  writeOwnedFile,
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

export interface WorkerMcpResult {
  /** Servers the worker's Claude config now lists through the relay. */
  relayed: string[];
  /** Configured servers left out because the user's config has its own entry of that name. */
  shadowed: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const isRelayEntry = (v: unknown) =>
  isObject(v) && typeof v.url === "string" && v.url.startsWith(RELAY_URL_PREFIX);

/** Pure: ~/.claude.json with the relayed servers merged into its mcpServers. */
export function withRelayedServers(
  existing: unknown,
  servers: readonly string[],
  token: string,
): { config: Record<string, unknown> } & WorkerMcpResult {
  const config: Record<string, unknown> = isObject(existing) ? { ...existing } : {};
  const current = isObject(config.mcpServers) ? config.mcpServers : {};
  const next: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(current)) if (!isRelayEntry(entry)) next[name] = entry;
  const relayed: string[] = [];
  const shadowed: string[] = [];
  for (const name of servers) {
    if (Object.hasOwn(next, name)) {
      shadowed.push(name);
      continue;
    }
    next[name] = {
      type: "http",
      url: `${RELAY_URL_PREFIX}${name}`,
      headers: { Authorization: `Bearer ${token}` },
    };
    relayed.push(name);
  }
  if (Object.keys(next).length > 0 || config.mcpServers !== undefined) config.mcpServers = next;
  return { config, relayed, shadowed };
}

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
  const file = path.join(homeLocal, ".claude.json");
  const existing = await readSettings(file);
  if (servers.length === 0 && !(isObject(existing) && isObject(existing.mcpServers))) {
    return { relayed: [], shadowed: [] };
  }
  // The relay runs as HAL9000_HOME's owner on the host: the credential file is theirs to read.
  const token =
    servers.length > 0 ? await ensureMcpWorkerToken(layout, name, await ownerOf(layout.home)) : "";
  const merged = withRelayedServers(existing, servers, token);
  if (JSON.stringify(merged.config) !== JSON.stringify(existing ?? {}))
    await writeOwnedFile(file, `${JSON.stringify(merged.config, null, 2)}\n`, user);
  return { relayed: merged.relayed, shadowed: merged.shadowed };
}
