/**
 * The relayed MCP servers in a worker's ~/.claude.json (user scope, "mcpServers"), each an HTTP
 * server at the relay's address carrying the worker's own relay credential. The entries hal9000
 * adds sit beside the user's (a name the user already uses keeps the user's entry); the ones it
 * added before (their URL starts with the relay's) but that are no longer configured go. Which
 * servers, the relay's address and the credential are core's decisions.
 */
import path from "node:path";
import { type FileOwner, readSettings, writeOwnedFile } from "./owned-files.js";

export interface RelayedServers {
  /** The server names to relay (mcp.json's). */
  servers: readonly string[];
  /** Every relayed server's URL is this prefix and its name: how hal9000 knows its own entries. */
  urlPrefix: string;
  /** The worker's relay credential, sent as a bearer token. */
  token: string;
}

export interface RelayedServersResult {
  /** Servers the worker's Claude config now lists through the relay. */
  relayed: string[];
  /** Configured servers left out because the user's config has its own entry of that name. */
  shadowed: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Pure: ~/.claude.json with the relayed servers merged into its mcpServers. */
export function withRelayedServers(
  existing: unknown,
  relay: RelayedServers,
): { config: Record<string, unknown> } & RelayedServersResult {
  const isRelayEntry = (v: unknown) =>
    isObject(v) && typeof v.url === "string" && v.url.startsWith(relay.urlPrefix);
  const config: Record<string, unknown> = isObject(existing) ? { ...existing } : {};
  const current = isObject(config.mcpServers) ? config.mcpServers : {};
  const next: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(current)) if (!isRelayEntry(entry)) next[name] = entry;
  const relayed: string[] = [];
  const shadowed: string[] = [];
  for (const name of relay.servers) {
    if (Object.hasOwn(next, name)) {
      shadowed.push(name);
      continue;
    }
    next[name] = {
      type: "http",
      url: `${relay.urlPrefix}${name}`,
      headers: { Authorization: `Bearer ${relay.token}` },
    };
    relayed.push(name);
  }
  if (Object.keys(next).length > 0 || config.mcpServers !== undefined) config.mcpServers = next;
  return { config, relayed, shadowed };
}

/**
 * Writes the relayed servers into the worker's ~/.claude.json (`home`: the worker's home as this
 * process sees it), owned by the worker and private to it: the credential is in it. The file is
 * left untouched when nothing changes, and not made when nothing is relayed.
 */
export async function writeRelayedServers(
  home: string,
  relay: RelayedServers,
  user: FileOwner,
): Promise<RelayedServersResult> {
  const file = path.join(home, ".claude.json");
  const existing = await readSettings(file);
  if (relay.servers.length === 0 && !(isObject(existing) && isObject(existing.mcpServers))) {
    return { relayed: [], shadowed: [] };
  }
  const merged = withRelayedServers(existing, relay);
  if (JSON.stringify(merged.config) !== JSON.stringify(existing ?? {}))
    await writeOwnedFile(file, `${JSON.stringify(merged.config, null, 2)}\n`, user);
  return { relayed: merged.relayed, shadowed: merged.shadowed };
}
