/**
 * The relayed servers as `hal9000 mcp list` and a Node caller see them: each server of mcp.json
 * with how the relay is using it (sessions, calls, last error), and the relay's own state.
 * Environment variables are listed by name only: their values are often secrets.
 */
import {
  addMcpServers,
  type HomeLayout,
  type McpServerEntry,
  readMcpConfig,
  removeMcpServer as removeFromMcpConfig,
} from "@hal9000/volumes";
import { type McpRelayStatus, mcpRelayStatus } from "./relay-status.js";

/** One relayed server. */
export interface McpServerInfo {
  name: string;
  command: string;
  args: string[];
  /** The names of the variables it is given (never their values). */
  env: string[];
  sessions: number;
  calls: number;
  lastError?: string;
}

export interface McpServerList {
  /** HAL9000_HOME/config/mcp.json. */
  file: string;
  servers: McpServerInfo[];
  relay: McpRelayStatus;
}

/** What `addMcpServer` takes: the server's command, its arguments and its environment. */
export interface McpServerInput {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * mcp.json's servers joined with the relay's report. A bad mcp.json is a ConfigError before the
 * relay is asked; `relayStatus` is for callers that already know the relay's state.
 */
export async function listMcpServers(
  layout: HomeLayout,
  relayStatus: (layout: HomeLayout) => Promise<McpRelayStatus> = mcpRelayStatus,
): Promise<McpServerList> {
  const config = await readMcpConfig(layout.home);
  const relay = await relayStatus(layout);
  const servers = Object.entries(config.servers).map(([name, entry]: [string, McpServerEntry]) => {
    const health = relay.health?.servers.find((s) => s.name === name);
    return {
      name,
      command: entry.command,
      args: entry.args,
      env: Object.keys(entry.env),
      sessions: health?.sessions ?? 0,
      calls: health?.calls ?? 0,
      ...(health?.lastError ? { lastError: health.lastError } : {}),
    };
  });
  return { file: config.file, servers, relay };
}

/**
 * Adds a server to mcp.json (with `replace`, over one of the same name). The file and the entry
 * are checked first: a bad one is a ConfigError and nothing is written.
 */
export async function addMcpServer(
  layout: HomeLayout,
  name: string,
  server: McpServerInput,
  opts: { replace?: boolean } = {},
): Promise<void> {
  const entry = {
    command: server.command,
    args: server.args ?? [],
    ...(server.env && Object.keys(server.env).length > 0 ? { env: server.env } : {}),
  };
  await addMcpServers(layout.home, { [name]: entry }, { replace: opts.replace === true });
}

/** Removes a server from mcp.json; an unknown name is a ConfigError listing the configured ones. */
export function removeMcpServer(layout: HomeLayout, name: string): Promise<void> {
  return removeFromMcpConfig(layout.home, name);
}
