/**
 * `hal9000 mcp import`: the stdio servers of the host's own Claude Code configuration, which
 * keeps them in ~/.claude.json ($CLAUDE_CONFIG_DIR/.claude.json when that is set): user scope
 * under "mcpServers", local scope under "projects"["/abs/dir"]."mcpServers". HTTP and SSE
 * servers are left out (workers can reach those themselves), and so is anything hal9000 could
 * not relay; each is reported with its reason. Nothing is written when the relay's own file is bad.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { addMcpServers, checkMcpServerEntry, readMcpConfig, readTextIfExists } from "@hal9000/volumes";
import { RelayError } from "../relay/relay-process.js";

export interface ImportOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Read this file instead of ~/.claude.json. */
  from?: string;
  /** Only this project's local-scope servers (besides the user scope); default: every project's. */
  project?: string;
  /** Replace servers of the same name already in mcp.json. */
  replace?: boolean;
}

export interface ImportReport {
  from: string;
  imported: { name: string; scope: string }[];
  skipped: { name: string; scope: string; reason: string }[];
}

export function claudeConfigFile(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR
    ? join(env.CLAUDE_CONFIG_DIR, ".claude.json")
    : join(env.HOME || homedir(), ".claude.json");
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export async function importClaudeServers(opts: ImportOptions): Promise<ImportReport> {
  const from = opts.from ?? claudeConfigFile(opts.env);
  const text = await readTextIfExists(from).catch((err: Error) => {
    throw new RelayError(
      `cannot read ${from}: ${err.message}`,
      "check the file, or name another with --from",
    );
  });
  if (text === undefined) {
    throw new RelayError(
      `no Claude configuration at ${from}`,
      "run claude once on this host, or name the file with --from",
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new RelayError(
      `${from} is not valid JSON: ${(err as Error).message}`,
      "fix it, or name another file with --from",
    );
  }
  if (!isObject(doc)) throw new RelayError(`${from} holds no JSON object`, "name another file with --from");
  const candidates: { name: string; scope: string; raw: unknown }[] = [];
  const collect = (servers: unknown, scope: string) => {
    if (!isObject(servers)) return;
    for (const [name, raw] of Object.entries(servers)) candidates.push({ name, scope, raw });
  };
  collect(doc.mcpServers, "user");
  const wanted = opts.project === undefined ? undefined : resolve(opts.project);
  if (isObject(doc.projects)) {
    for (const [dir, project] of Object.entries(doc.projects)) {
      if (wanted !== undefined && resolve(dir) !== wanted) continue;
      if (isObject(project)) collect(project.mcpServers, `project ${dir}`);
    }
  }
  const existing = (await readMcpConfig(opts.home)).servers; // a bad mcp.json stops the import here
  const report: ImportReport = { from, imported: [], skipped: [] };
  const chosen: Record<string, unknown> = {};
  for (const c of candidates) {
    const type = isObject(c.raw) ? c.raw.type : undefined;
    if (
      type === "http" ||
      type === "sse" ||
      (isObject(c.raw) && c.raw.url !== undefined && c.raw.command === undefined)
    ) {
      report.skipped.push({
        name: c.name,
        scope: c.scope,
        reason: `a ${String(type ?? "remote")} server: workers reach it themselves`,
      });
      continue;
    }
    try {
      checkMcpServerEntry(c.name, c.raw, () => ({}));
    } catch (err) {
      report.skipped.push({ name: c.name, scope: c.scope, reason: (err as Error).message });
      continue;
    }
    if (Object.hasOwn(chosen, c.name)) {
      report.skipped.push({
        name: c.name,
        scope: c.scope,
        reason: "another scope already gave a server this name",
      });
      continue;
    }
    if (Object.hasOwn(existing, c.name) && !opts.replace) {
      report.skipped.push({
        name: c.name,
        scope: c.scope,
        reason: "already configured (use --replace to overwrite)",
      });
      continue;
    }
    const { command, args, env } = c.raw as {
      command: string;
      args?: string[];
      env?: Record<string, string>;
    };
    chosen[c.name] = { command, ...(args ? { args } : {}), ...(env ? { env } : {}) };
    report.imported.push({ name: c.name, scope: c.scope });
  }
  if (report.imported.length > 0) await addMcpServers(opts.home, chosen, { replace: opts.replace === true });
  return report;
}
