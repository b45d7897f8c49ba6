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
import type { HomeLayout } from "@hal9000/volumes";
import type { McpRelayStatus } from "../api.js";
import { defineCommand, defineGroup } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { table } from "../format.js";
import { renderRelay } from "../render.js";

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

/**
 * Starts the relay detached (this CLI running `mcp relay` in the foreground, its output in the
 * relay's log) and waits until it answers; a relay that already runs is left alone.
 */
export async function startRelay(
  ctx: Context,
  layout: HomeLayout,
): Promise<McpRelayStatus & { started: boolean }> {
  const m = await mcpPackage();
  const argv = [
    process.execPath,
    ...process.execArgv,
    process.argv[1] ?? "",
    "mcp",
    "relay",
    "--home",
    layout.home,
  ];
  if (ctx.out.options.verbose) argv.push("--verbose");
  return m.startRelayDetached(layout, argv, { env: ctx.services.env });
}

export interface McpAddArgs {
  name: string;
  command?: string[];
  env?: string[];
  replace?: boolean;
}

export async function mcpAdd(args: McpAddArgs, ctx: Context): Promise<void> {
  const [command, ...rest] = args.command ?? [];
  if (!command) {
    throw new UsageError(
      "missing the server's command",
      "usage: hal9000 mcp add <name> [-e K=V] -- <command> [args…]",
    );
  }
  const env = parseEnv(args.env);
  const server = { command, args: rest, ...(Object.keys(env).length > 0 ? { env } : {}) };
  const hal = await ctx.open();
  await hal.addMcpServer(args.name, server, { replace: args.replace === true });
  ctx.out.result({ added: args.name, server }, () => [
    `added MCP server ${ctx.out.style.bold(args.name)}: ${[command, ...rest].join(" ")}`,
    "  workers spawned from now on get it (start the relay: hal9000 mcp relay -d)",
  ]);
}

export async function mcpList(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const list = await hal.mcpServers();
  const { servers, relay } = list;
  ctx.out.result(list, () => {
    const lines = renderRelay(ctx.out.style, relay);
    if (servers.length === 0) return [...lines, `no servers in ${list.file}: add one with hal9000 mcp add`];
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

export async function mcpRemove(args: { name: string }, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  await hal.removeMcpServer(args.name);
  ctx.out.result({ removed: args.name }, () => `removed MCP server ${ctx.out.style.bold(args.name)}`);
}

export interface McpImportArgs {
  from?: string;
  project?: string;
  replace?: boolean;
}

export async function mcpImport(args: McpImportArgs, ctx: Context): Promise<void> {
  const { layout } = await ctx.layoutForDiagnosis();
  const { importClaudeServers } = await mcpPackage();
  const report = await importClaudeServers({
    home: layout.home,
    env: ctx.services.env,
    ...(args.from ? { from: args.from } : {}),
    ...(args.project ? { project: args.project } : {}),
    replace: args.replace === true,
  });
  ctx.out.result(report, () => [
    `imported ${report.imported.length} from ${report.from}${report.imported.length ? ":" : ""} ${report.imported.map((i) => i.name).join(", ")}`,
    ...report.skipped.map((s) => `  skipped ${s.name} (${s.scope}): ${s.reason}`),
  ]);
}

export interface McpRelayArgs {
  action: "start" | "stop";
  detach?: boolean;
}

export async function mcpRelay(args: McpRelayArgs, ctx: Context): Promise<void> {
  const { layout } = await ctx.layoutForDiagnosis();
  const m = await mcpPackage();
  const verbose = ctx.out.options.verbose;
  if (args.action === "stop") {
    const pid = await m.stopRelay(layout);
    ctx.out.result({ stopped: pid ?? null }, () =>
      pid === undefined ? "the MCP relay was not running" : `stopped the MCP relay (pid ${pid})`,
    );
    return;
  }
  if (args.detach) {
    const status = await startRelay(ctx, layout);
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
    debug: verbose,
  });
  ctx.out.result({ stopped: true }, () => []);
}

export async function mcpServer(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const m = await mcpPackage();
  await m.serveHal9000(hal, { signal: ctx.services.shutdownSignal() });
}

export const mcpCommand = defineGroup({
  name: "mcp",
  summary: "MCP: relay the host's stdio servers to workers; hal9000 as an MCP server",
  commands: [
    defineCommand<McpAddArgs>({
      name: "add",
      summary: "Add a stdio server: hal9000 mcp add memory -- npx -y @modelcontextprotocol/server-memory",
      args: {
        name: { positional: true, required: true, describe: "the server's name" },
        command: {
          positional: "rest",
          syntax: "-- <command> [args…]",
          describe: "the server's command and its arguments, after --",
        },
        env: { short: "e", value: "KEY=VALUE", repeat: true, describe: "KEY=VALUE for the server" },
        replace: { describe: "replace a server of the same name" },
      },
      examples: [
        ["hal9000 mcp add memory -- npx -y @modelcontextprotocol/server-memory", "a server for every worker"],
        [
          "hal9000 mcp add memory -e MEMORY_FILE_PATH=/home/me/memory.jsonl -- npx -y @modelcontextprotocol/server-memory",
          "with an environment variable",
        ],
      ],
      run: mcpAdd,
    }),
    defineCommand<object>({
      name: "list",
      summary: "List the relayed servers, the relay's state and each server's sessions",
      args: {},
      examples: [
        ["hal9000 mcp list", "servers, sessions, calls, last errors"],
        ["hal9000 mcp list --json", "the same as one JSON document"],
      ],
      run: mcpList,
    }),
    defineCommand<{ name: string }>({
      name: "remove",
      summary: "Remove a relayed server",
      args: { name: { positional: true, required: true, describe: "the server's name" } },
      examples: [
        ["hal9000 mcp remove memory", "workers spawned from now on no longer get it"],
        ["hal9000 mcp list", "the names to remove"],
      ],
      run: mcpRemove,
    }),
    defineCommand<McpImportArgs>({
      name: "import",
      summary: "Copy the stdio servers of the host's Claude config (~/.claude.json)",
      args: {
        from: { value: "FILE", describe: "the Claude config file to read" },
        project: { value: "DIR", describe: "only this project's local servers" },
        replace: { describe: "replace servers of the same name" },
      },
      examples: [
        ["hal9000 mcp import", "the user-scope stdio servers of ~/.claude.json"],
        ["hal9000 mcp import --project ~/src/app", "that project's local servers"],
      ],
      run: mcpImport,
    }),
    defineCommand<McpRelayArgs>({
      name: "relay",
      summary: "Run the relay on the host (foreground; -d detached); `relay stop` stops it",
      args: {
        action: { positional: true, choices: ["start", "stop"], default: "start", describe: "start or stop" },
        detach: { short: "d", describe: "run in the background (pid file, log)" },
      },
      examples: [
        ["hal9000 mcp relay -d", "start it in the background"],
        ["hal9000 mcp relay stop", "stop it"],
        ["hal9000 mcp relay --verbose", "in the foreground, with every call on stderr"],
      ],
      run: mcpRelay,
    }),
    defineCommand<object>({
      name: "server",
      summary: "hal9000 as an MCP server over stdio (claude mcp add hal9000 -- npx @hal9000/cli mcp server)",
      description:
        "Speak MCP on stdin and stdout, offering hal9000's operations as tools to an agent on the host: claude mcp add hal9000 -- npx @hal9000/cli mcp server",
      args: {},
      examples: [
        [
          "hal9000 mcp server",
          "what an MCP client starts (claude mcp add hal9000 -- npx @hal9000/cli mcp server)",
        ],
        ["hal9000 --home /srv/hal9000 mcp server", "for another HAL9000_HOME"],
      ],
      run: mcpServer,
    }),
  ],
  examples: [
    ["hal9000 mcp add memory -- npx -y @modelcontextprotocol/server-memory", "relay a server to workers"],
    ["hal9000 mcp relay -d", "start the relay"],
    ["hal9000 mcp list", "what is relayed, and how it is used"],
  ],
});
