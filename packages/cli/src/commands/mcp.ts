/**
 * `hal9000 mcp …`: the host's stdio MCP servers in every worker (the relay, Option B) and
 * hal9000 itself as an MCP server for an agent on the host (Option C).
 *
 *   mcp add <name> [-e K=V]… [--replace] -- <command> [args…]   mcp list   mcp remove <name>
 *   mcp import [--from FILE] [--project DIR] [--replace]        mcp relay [-d] | mcp relay stop
 *   mcp server
 *
 * @hal9000/mcp (the MCP SDK) is loaded only by the commands that need it, and only on the host:
 * the parent's bundled CLI leaves it out.
 */
import { type McpRelayStatus, mcpRelayStatus } from "@hal9000/core/internal";
import { addMcpServers, readMcpConfig, removeMcpServer } from "@hal9000/volumes";
import type { Argv } from "yargs";
import type { Command } from "../command.js";
import type { Context, GlobalArgs } from "../context.js";
import { UsageError } from "../errors.js";
import { table } from "../format.js";

export const MCP_ACTIONS = ["add", "list", "remove", "import", "relay", "server"] as const;

/** The MCP package, which only the host's CLI carries. */
async function mcpPackage(): Promise<typeof import("@hal9000/mcp")> {
  try {
    return await import("@hal9000/mcp");
  } catch (err) {
    throw Object.assign(new Error(`this hal9000 has no MCP support: ${(err as Error).message}`), {
      code: "UNSUPPORTED",
      hint: "run `hal9000 mcp` on the host (npx @hal9000/cli mcp …), not inside the parent",
    });
  }
}

function parseEnv(values: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`-e ${v}: expected KEY=VALUE`, "e.g. -e MEMORY_FILE_PATH=/home/me/memory.jsonl");
    env[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return env;
}

export function describeRelay(s: McpRelayStatus): string {
  switch (s.state) {
    case "not-configured":
      return "no MCP servers configured (hal9000 mcp add)";
    case "running":
      return `running (pid ${s.pid}, ${s.health?.sessions.length ?? 0} sessions)`;
    default:
      return `${s.state}: ${s.why ?? "unknown"}`;
  }
}

async function list(ctx: Context): Promise<void> {
  const { layout } = await ctx.layoutForDiagnosis();
  const config = await readMcpConfig(layout.home);
  const relay = await mcpRelayStatus(layout);
  const servers = Object.entries(config.servers).map(([name, e]) => {
    const h = relay.health?.servers.find((s) => s.name === name);
    return {
      name,
      command: e.command,
      args: e.args,
      env: Object.keys(e.env),
      sessions: h?.sessions ?? 0,
      calls: h?.calls ?? 0,
      ...(h?.lastError ? { lastError: h.lastError } : {}),
    };
  });
  ctx.out.result({ file: config.file, servers, relay }, () => {
    const s = ctx.out.style;
    const lines = [`${s.bold("relay")}: ${describeRelay(relay)}`];
    if (relay.hint) lines.push(`  ${s.dim("hint:")} ${relay.hint}`);
    if (servers.length === 0) return [...lines, `no servers in ${config.file}`];
    lines.push(
      ...table(
        ["NAME", "COMMAND", "SESSIONS", "CALLS", "LAST ERROR"],
        servers.map((v) => [
          v.name,
          [v.command, ...v.args].join(" "),
          String(v.sessions),
          String(v.calls),
          v.lastError ?? "",
        ]),
      ),
    );
    return lines;
  });
}

export function mcpCommand(ctx: Context): Command {
  return {
    command: "mcp",
    describe: "MCP: relay the host's stdio servers to workers; hal9000 as an MCP server",
    builder: (y: Argv<GlobalArgs>) =>
      y
        .command({
          command: "add <name>",
          describe:
            "Add a stdio server: hal9000 mcp add memory -- npx -y @modelcontextprotocol/server-memory",
          builder: (b) =>
            b
              .positional("name", { type: "string", demandOption: true })
              .option("env", {
                alias: "e",
                type: "string",
                array: true,
                describe: "KEY=VALUE for the server",
              })
              .option("replace", { type: "boolean", describe: "replace a server of the same name" })
              .parserConfiguration({ "populate--": true }),
          handler: async (args) => {
            const a = args as unknown as {
              name: string;
              env?: string[];
              replace?: boolean;
              "--"?: unknown[];
            };
            const [command, ...rest] = (a["--"] ?? []).map(String);
            if (!command) {
              throw new UsageError(
                "missing the server's command",
                "usage: hal9000 mcp add <name> [-e K=V] -- <command> [args…]",
              );
            }
            const { layout } = await ctx.layoutForDiagnosis();
            const env = parseEnv(a.env);
            const entry = { command, args: rest, ...(Object.keys(env).length > 0 ? { env } : {}) };
            await addMcpServers(layout.home, { [a.name]: entry }, { replace: a.replace === true });
            ctx.out.result({ added: a.name, server: entry }, () => [
              `added MCP server ${ctx.out.style.bold(a.name)}: ${[command, ...rest].join(" ")}`,
              "  workers spawned from now on get it (start the relay: hal9000 mcp relay -d)",
            ]);
          },
        })
        .command({
          command: "list",
          describe: "List the relayed servers, the relay's state and each server's sessions",
          handler: () => list(ctx),
        })
        .command({
          command: "remove <name>",
          describe: "Remove a relayed server",
          builder: (b) => b.positional("name", { type: "string", demandOption: true }),
          handler: async (args) => {
            const name = (args as unknown as { name: string }).name;
            const { layout } = await ctx.layoutForDiagnosis();
            await removeMcpServer(layout.home, name);
            ctx.out.result({ removed: name }, () => `removed MCP server ${ctx.out.style.bold(name)}`);
          },
        })
        .command({
          command: "import",
          describe: "Copy the stdio servers of the host's Claude config (~/.claude.json)",
          builder: (b) =>
            b
              .option("from", {
                type: "string",
                requiresArg: true,
                describe: "the Claude config file to read",
              })
              .option("project", {
                type: "string",
                requiresArg: true,
                describe: "only this project's local servers",
              })
              .option("replace", { type: "boolean", describe: "replace servers of the same name" }),
          handler: async (args) => {
            const a = args as unknown as { from?: string; project?: string; replace?: boolean };
            const { layout } = await ctx.layoutForDiagnosis();
            const { importClaudeServers } = await mcpPackage();
            const report = await importClaudeServers({
              home: layout.home,
              env: ctx.services.env,
              ...(a.from ? { from: a.from } : {}),
              ...(a.project ? { project: a.project } : {}),
              replace: a.replace === true,
            });
            ctx.out.result(report, () => [
              `imported ${report.imported.length} from ${report.from}${report.imported.length ? ":" : ""} ${report.imported.map((i) => i.name).join(", ")}`,
              ...report.skipped.map((s) => `  skipped ${s.name} (${s.scope}): ${s.reason}`),
            ]);
          },
        })
        .command({
          command: "relay [action]",
          describe: "Run the relay on the host (foreground; -d detached); `relay stop` stops it",
          builder: (b) =>
            b
              .positional("action", { type: "string", choices: ["start", "stop"], default: "start" })
              .option("detach", {
                alias: "d",
                type: "boolean",
                describe: "run in the background (pid file, log)",
              }),
          handler: async (args) => {
            const a = args as unknown as { action: "start" | "stop"; detach?: boolean; verbose?: boolean };
            const { layout } = await ctx.layoutForDiagnosis();
            const m = await mcpPackage();
            if (a.action === "stop") {
              const pid = await m.stopRelay(layout);
              ctx.out.result({ stopped: pid ?? null }, () =>
                pid === undefined ? "the MCP relay was not running" : `stopped the MCP relay (pid ${pid})`,
              );
              return;
            }
            if (a.detach) {
              const argv = [
                process.execPath,
                ...process.execArgv,
                process.argv[1] ?? "",
                "mcp",
                "relay",
                "--home",
                layout.home,
              ];
              if (a.verbose) argv.push("--verbose");
              const status = await m.startRelayDetached(layout, argv, { env: ctx.services.env });
              ctx.out.result(status, () =>
                status.started
                  ? `MCP relay started (pid ${status.pid}, socket ${status.socket})`
                  : `MCP relay already running (pid ${status.pid})`,
              );
              return;
            }
            const signal = ctx.services.shutdownSignal();
            await m.runRelay(layout, {
              signal,
              echo: ctx.services.stderr as unknown as NodeJS.WritableStream,
              debug: a.verbose === true,
            });
            ctx.out.result({ stopped: true }, () => []);
          },
        })
        .command({
          command: "server",
          describe:
            "hal9000 as an MCP server over stdio (claude mcp add hal9000 -- npx @hal9000/cli mcp server)",
          handler: async () => {
            const hal = await ctx.open();
            const m = await mcpPackage();
            await m.serveHal9000(hal, { signal: ctx.services.shutdownSignal() });
          },
        })
        .demandCommand(1, "missing mcp action"),
    handler: () => undefined,
  };
}
