/**
 * HAL9000_HOME/config/mcp.json: the host's stdio MCP servers the relay offers to workers, in
 * Claude Code's own `.mcp.json` format (`{"mcpServers": {"name": {"command", "args", "env"}}}`).
 * Every problem is a ConfigError naming the file, the line and the key; add and remove check the
 * whole file first and change nothing when it is bad. Keys hal9000 does not read are kept.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { CONFIG_DIR_NAME } from "./config.js";
import { ConfigError } from "./errors.js";
import { JsonSyntaxError, parseJsonWithLines } from "./json-lines.js";
import { readTextIfExists } from "./read-text.js";

export const MCP_CONFIG_FILE_NAME = "mcp.json";
/** Larger than any hand-written server list. */
export const MAX_MCP_CONFIG_BYTES = 256 * 1024;
/** Claude Code's rule for server names (`claude mcp add` refuses others); tools become mcp__<name>__<tool>. */
export const MCP_SERVER_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface McpServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface McpConfig {
  file: string;
  /** Whether the file exists (a missing file is an empty config). */
  exists: boolean;
  servers: Record<string, McpServerEntry>;
  /** The parsed document, to write back with unknown keys kept. */
  document: Record<string, unknown>;
}

export function mcpConfigPath(home: string): string {
  return join(home, CONFIG_DIR_NAME, MCP_CONFIG_FILE_NAME);
}

/** Why `name` cannot name a relayed server, or undefined when it can. */
export function mcpServerNameProblem(name: string): string | undefined {
  if (MCP_SERVER_NAME_RE.test(name)) return undefined;
  return `"${name}" is not a server name Claude Code accepts (1-64 letters, digits, "-" or "_")`;
}

const NAME_HINT = 'rename it, e.g. "memory" or "sequential-thinking"';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks one entry; `where(key)` places an error in the file. Returns the normalised entry. */
export function checkMcpServerEntry(
  name: string,
  raw: unknown,
  where: (key?: string) => { file?: string; line?: number },
): McpServerEntry {
  const at = (key?: string) => {
    const w = where(key);
    return w.file === undefined ? "" : `${w.file}${w.line === undefined ? "" : `:${w.line}`}: `;
  };
  const error = (msg: string, key: string | undefined, hint: string) =>
    new ConfigError(`${at(key)}${msg}`, { ...where(key), key: key ? `${name}.${key}` : name, hint });
  const nameProblem = mcpServerNameProblem(name);
  if (nameProblem) throw error(nameProblem, undefined, NAME_HINT);
  if (!isObject(raw))
    throw error(`server "${name}" must be an object`, undefined, '{"command": "npx", "args": [...]}');
  const type = raw.type;
  if (type !== undefined && type !== "stdio") {
    throw error(
      `server "${name}" is a "${String(type)}" server; only stdio servers are relayed`,
      "type",
      "workers can reach HTTP servers themselves: add it to the worker's Claude config instead",
    );
  }
  if (typeof raw.command !== "string" || raw.command.trim() === "") {
    throw error(
      `server "${name}" has no command`,
      raw.command === undefined ? undefined : "command",
      'give the program that starts it, e.g. "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]',
    );
  }
  const args = raw.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw error(
      `server "${name}": "args" must be a list of strings`,
      "args",
      '"args": ["-y", "some-package"]',
    );
  }
  const env = raw.env ?? {};
  if (!isObject(env) || !Object.values(env).every((v) => typeof v === "string")) {
    throw error(`server "${name}": "env" must map names to strings`, "env", '"env": {"NAME": "value"}');
  }
  return { command: raw.command, args: [...args] as string[], env: { ...(env as Record<string, string>) } };
}

/** Parses mcp.json text; every problem is a ConfigError with file, line and key. */
export function parseMcpConfig(text: string, file: string): McpConfig {
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const dup = err.duplicate;
    if (dup?.path === "mcpServers") {
      throw new ConfigError(`${file}:${err.line}: server "${dup.key}" is defined twice`, {
        file,
        line: err.line,
        key: dup.key,
        hint: "keep one of the two entries (JSON would silently use the last)",
      });
    }
    throw new ConfigError(`${file}:${err.line}: not valid JSON: ${err.message}`, {
      file,
      line: err.line,
      hint: `fix the JSON, or remove the file (rm ${file}) and add the servers again with \`hal9000 mcp add\``,
    });
  }
  const { value, lines } = parsed;
  if (!isObject(value)) {
    throw new ConfigError(`${file}:1: must be a JSON object with "mcpServers"`, {
      file,
      line: 1,
      hint: '{"mcpServers": {"memory": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}}}',
    });
  }
  const list = value.mcpServers ?? {};
  if (!isObject(list)) {
    throw new ConfigError(`${file}:${lines.get("mcpServers") ?? 1}: "mcpServers" must be an object`, {
      file,
      line: lines.get("mcpServers"),
      key: "mcpServers",
      hint: '"mcpServers": {"name": {"command": "...", "args": []}}',
    });
  }
  const servers: Record<string, McpServerEntry> = {};
  for (const [name, raw] of Object.entries(list)) {
    const where = (key?: string) => ({
      file,
      line: lines.get(`mcpServers/${name}${key ? `/${key}` : ""}`) ?? lines.get(`mcpServers/${name}`),
    });
    servers[name] = checkMcpServerEntry(name, raw, where);
  }
  return { file, exists: true, servers, document: value };
}

/** Reads mcp.json: missing → no servers; unreadable or bad → ConfigError. */
export async function readMcpConfig(home: string): Promise<McpConfig> {
  const file = mcpConfigPath(home);
  let text: string | undefined;
  try {
    text = await readTextIfExists(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot be read (${code ?? (err as Error).message})`, {
      file,
      hint:
        code === "EACCES"
          ? `give yourself read access (chmod u+r ${file}) or run as its owner`
          : code === "EISDIR"
            ? `move the directory aside (mv ${file} ${file}.bak)`
            : "check the file",
      cause: err,
    });
  }
  if (text === undefined) return { file, exists: false, servers: {}, document: {} };
  if (Buffer.byteLength(text) > MAX_MCP_CONFIG_BYTES) {
    throw new ConfigError(`${file}: larger than ${MAX_MCP_CONFIG_BYTES / 1024} KiB; not an MCP server list`, {
      file,
      hint: "keep only mcpServers entries in it",
    });
  }
  if (text.trim() === "") return { file, exists: true, servers: {}, document: {} };
  return parseMcpConfig(text, file);
}

async function writeMcpConfig(config: McpConfig, servers: Record<string, unknown>): Promise<void> {
  const document = { ...config.document, mcpServers: servers };
  await mkdir(dirname(config.file), { recursive: true });
  await writeFileAtomic(config.file, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
}

const rawServers = (config: McpConfig): Record<string, unknown> =>
  isObject(config.document.mcpServers) ? { ...config.document.mcpServers } : {};

/**
 * Adds (or with `replace`, replaces) servers. The file is checked first, then every new entry:
 * a bad file or a bad entry throws and nothing is written. Returns the names added.
 */
export async function addMcpServers(
  home: string,
  entries: Record<string, unknown>,
  opts: { replace?: boolean } = {},
): Promise<string[]> {
  const config = await readMcpConfig(home);
  const servers = rawServers(config);
  const added: string[] = [];
  for (const [name, raw] of Object.entries(entries)) {
    checkMcpServerEntry(name, raw, () => ({}));
    if (Object.hasOwn(servers, name) && !opts.replace) {
      throw new ConfigError(`a server named "${name}" is already in ${config.file}`, {
        file: config.file,
        key: name,
        hint: `remove it first (\`hal9000 mcp remove ${name}\`), or add it with --replace`,
      });
    }
    servers[name] = raw;
    added.push(name);
  }
  await writeMcpConfig(config, servers);
  return added;
}

/** Removes a server; an unknown name is an error that lists the configured ones. */
export async function removeMcpServer(home: string, name: string): Promise<void> {
  const config = await readMcpConfig(home);
  const servers = rawServers(config);
  if (!Object.hasOwn(servers, name)) {
    const known = Object.keys(config.servers);
    throw new ConfigError(`no MCP server named "${name}" in ${config.file}`, {
      file: config.file,
      key: name,
      hint: known.length > 0 ? `configured: ${known.join(", ")}` : "none is configured (`hal9000 mcp add`)",
    });
  }
  delete servers[name];
  await writeMcpConfig(config, servers);
}
