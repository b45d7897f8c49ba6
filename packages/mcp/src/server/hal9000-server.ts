/**
 * Option C: hal9000 as an MCP server over stdio, for Claude (or any MCP client) on the host,
 * which keeps the thinking on the host and sends the work to workers:
 *
 *   claude mcp add hal9000 -- npx @hal9000/cli mcp server
 *
 * Each tool calls the same Hal9000 facade the CLI calls; inputs are checked by zod schemas (the
 * SDK answers a bad input with an error naming the field), and a hal9000 failure comes back as
 * a tool error holding hal9000's message and hint, so the agent can read what to do.
 */
import type { ExecResult, Hal9000, SpawnOptions, WorkerInfo } from "@hal9000/core";
import { HAL9000_VERSION } from "@hal9000/core/version";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** The slice of the facade the tools use (a fake in unit tests, the real one otherwise). */
export type Hal9000Tools = Pick<Hal9000, "list" | "spawn" | "stop" | "logs" | "exec">;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const workerName = z.string().min(1).max(128).describe("the worker's name (see list_workers)");

/** The agent reads text; the JSON also goes along as structured content. */
function ok(value: unknown, text?: string): CallToolResult {
  return {
    content: [{ type: "text", text: text ?? JSON.stringify(value, null, 2) }],
    structuredContent: (value !== null && typeof value === "object" && !Array.isArray(value)
      ? value
      : { value }) as Record<string, unknown>,
  };
}

/** hal9000's message and hint as a tool error. */
export function toolError(err: unknown): CallToolResult {
  const e = err as { message?: string; hint?: string; code?: string };
  const lines = [`hal9000: ${e.message ?? String(err)}`];
  if (e.hint) lines.push(`hint: ${e.hint}`);
  return { content: [{ type: "text", text: lines.join("\n") }], isError: true };
}

const guarded =
  <A>(fn: (args: A, extra: Extra) => Promise<CallToolResult>) =>
  async (args: A, extra: Extra): Promise<CallToolResult> => {
    try {
      return await fn(args, extra);
    } catch (err) {
      return toolError(err);
    }
  };

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}

/** Sends progress to a client that asked for it (a progressToken in the call's _meta). */
function progressOf(extra: Extra): (message: string) => void {
  const token = extra._meta?.progressToken;
  let step = 0;
  return (message) => {
    if (token === undefined) return;
    step++;
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: step, message },
      })
      .catch(() => undefined);
  };
}

const summary = (w: WorkerInfo) => ({
  name: w.name,
  state: w.state,
  image: w.image,
  project: w.project,
  startedAt: w.startedAt,
});

const execText = (r: ExecResult) =>
  [
    `exit code ${r.exitCode}`,
    r.stdout && `--- stdout\n${r.stdout}`,
    r.stderr && `--- stderr\n${r.stderr}`,
    r.truncated && "(output truncated)",
  ]
    .filter(Boolean)
    .join("\n");

/** The server with every tool registered (not yet connected). */
export function createHal9000Server(hal: Hal9000Tools): McpServer {
  const server = new McpServer({ name: "hal9000", version: HAL9000_VERSION });

  server.registerTool(
    "list_workers",
    { description: "List hal9000 workers (Claude Code containers) and their state", inputSchema: {} },
    guarded(async () => {
      const workers = (await hal.list()).map(summary);
      return ok({ workers }, workers.length === 0 ? "no workers" : JSON.stringify(workers, null, 2));
    }),
  );

  server.registerTool(
    "spawn_worker",
    {
      description: "Start a detached worker on a project directory of this host",
      inputSchema: {
        project: z.string().min(1).optional().describe("absolute path of the project on this host"),
        name: z.string().min(1).max(128).optional().describe("worker name (default: generated)"),
        image: z.string().min(1).optional().describe("worker image (default: WORKER_IMAGE)"),
        memory: z.string().optional().describe('memory limit, e.g. "2g"'),
      },
    },
    guarded(async (args: { project?: string; name?: string; image?: string; memory?: string }) => {
      const opts: SpawnOptions = { detach: true };
      if (args.project !== undefined) opts.project = args.project;
      if (args.name !== undefined) opts.name = args.name;
      if (args.image !== undefined) opts.image = args.image;
      if (args.memory !== undefined) opts.memory = args.memory;
      const w = await hal.spawn(opts);
      return ok(summary(w), `spawned ${w.name} (${w.state})`);
    }),
  );

  server.registerTool(
    "exec",
    {
      description: "Run a shell command in a running worker; returns its exit code, stdout and stderr",
      inputSchema: {
        worker: workerName,
        command: z.string().min(1).describe("a bash command line, run with bash -lc in /workspace"),
        cwd: z.string().optional().describe("working directory in the worker (default /workspace)"),
        timeout_seconds: z.number().int().positive().max(3600).optional(),
      },
    },
    guarded(
      async (args: { worker: string; command: string; cwd?: string; timeout_seconds?: number }, extra) => {
        const progress = progressOf(extra);
        const r = await hal.exec(args.worker, ["bash", "-lc", args.command], {
          ...(args.cwd ? { cwd: args.cwd } : {}),
          ...(args.timeout_seconds ? { timeoutMs: args.timeout_seconds * 1000 } : {}),
          onOutput: (chunk) => progress(chunk.slice(-500)),
        });
        return ok(r, execText(r));
      },
    ),
  );

  server.registerTool(
    "run_task",
    {
      description:
        "Give a worker's Claude a task (claude -p) and wait for its answer; progress notifications follow its steps",
      inputSchema: {
        worker: workerName,
        prompt: z.string().min(1).describe("the task"),
        timeout_seconds: z.number().int().positive().max(7200).optional(),
      },
    },
    guarded(async (args: { worker: string; prompt: string; timeout_seconds?: number }, extra) => {
      const progress = progressOf(extra);
      let buffered = "";
      let result: { result?: string; is_error?: boolean; total_cost_usd?: number } | undefined;
      const onLine = (line: string) => {
        let event: {
          type?: string;
          subtype?: string;
          message?: { content?: { type?: string; name?: string; text?: string }[] };
        } & Record<string, unknown>;
        try {
          event = JSON.parse(line);
        } catch {
          return;
        }
        if (event.type === "result") result = event as typeof result;
        else if (event.type === "assistant") {
          for (const block of event.message?.content ?? []) {
            if (block.type === "tool_use") progress(`tool: ${block.name}`);
            else if (block.type === "text" && block.text) progress(block.text.slice(0, 500));
          }
        } else if (event.type === "system" && event.subtype === "init") progress("claude started");
      };
      const r = await hal.exec(
        args.worker,
        ["claude", "-p", args.prompt, "--output-format", "stream-json", "--verbose"],
        {
          ...(args.timeout_seconds ? { timeoutMs: args.timeout_seconds * 1000 } : {}),
          onOutput: (chunk, stream) => {
            if (stream !== "stdout") return;
            buffered += chunk;
            let nl = buffered.indexOf("\n");
            while (nl >= 0) {
              onLine(buffered.slice(0, nl));
              buffered = buffered.slice(nl + 1);
              nl = buffered.indexOf("\n");
            }
          },
        },
      );
      if (buffered) onLine(buffered);
      if (!result)
        return toolError({
          message: `claude in ${args.worker} gave no result (exit ${r.exitCode})`,
          hint: r.stderr.slice(-500) || undefined,
        });
      const doc = {
        worker: args.worker,
        result: result.result ?? "",
        isError: result.is_error === true,
        exitCode: r.exitCode,
        costUsd: result.total_cost_usd ?? null,
      };
      return { ...ok(doc, doc.result), isError: doc.isError };
    }),
  );

  server.registerTool(
    "logs",
    {
      description: "Read a worker's output (its terminal log)",
      inputSchema: {
        worker: workerName,
        tail: z.number().int().min(0).max(10_000).optional().describe("last N lines (default 200)"),
      },
    },
    guarded(async (args: { worker: string; tail?: number }) => {
      const text = await readAll(await hal.logs(args.worker, { follow: false, tail: args.tail ?? 200 }));
      return ok({ worker: args.worker, log: text }, text || "(no output yet)");
    }),
  );

  server.registerTool(
    "diff",
    {
      description: "Show the worker's changes to its project: git status and diff in /workspace",
      inputSchema: { worker: workerName },
    },
    guarded(async (args: { worker: string }) => {
      const r = await hal.exec(args.worker, [
        "bash",
        "-lc",
        "cd /workspace && git status --short && git --no-pager diff HEAD --stat && git --no-pager diff HEAD",
      ]);
      if (r.exitCode !== 0) {
        return toolError({
          message: `no diff from ${args.worker}: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
          hint: "diff needs a git repository mounted at /workspace and git in the worker image",
        });
      }
      return ok({ worker: args.worker, diff: r.stdout }, r.stdout || "no changes");
    }),
  );

  server.registerTool(
    "stop_worker",
    { description: "Stop a worker", inputSchema: { worker: workerName } },
    guarded(async (args: { worker: string }) => {
      await hal.stop(args.worker);
      return ok({ stopped: args.worker }, `stopped ${args.worker}`);
    }),
  );

  return server;
}

/** Serves the tools on stdin/stdout until the client goes or `signal` aborts. */
export async function serveHal9000(hal: Hal9000Tools, opts: { signal: AbortSignal }): Promise<void> {
  const server = createHal9000Server(hal);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
    opts.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close().catch(() => undefined);
}
