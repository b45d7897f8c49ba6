/**
 * Option C: hal9000 as an MCP server over stdio, for Claude (or any MCP client) on the host,
 * which keeps the thinking on the host and sends the work to workers:
 *
 *   claude mcp add hal9000 -- npx @hal9000/cli mcp server
 *
 * Each tool calls the same Hal9000 facade the CLI calls (run_task is the facade's runTask, diff
 * its branch diff, spawn_worker its spawn with `branch`); inputs are checked by zod schemas (the
 * SDK answers a bad input with an error naming the field), and a hal9000 failure comes back as
 * a tool error holding hal9000's message and hint, so the agent can read what to do.
 */
import type {
  BranchDiff,
  ExecResult,
  Hal9000,
  SpawnOptions,
  TaskEvent,
  TaskOptions,
  TaskResult,
  WorkerInfo,
} from "@hal9000/core";
import { HAL9000_VERSION } from "@hal9000/core/version";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** The slice of the facade the tools use (a fake in unit tests, the real one otherwise). */
export type Hal9000Tools = Pick<Hal9000, "list" | "spawn" | "stop" | "logs" | "exec" | "runTask" | "diff">;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const workerName = z.string().min(1).max(128).describe("the worker's name (see list_workers)");
const project = z
  .string()
  .min(1)
  .optional()
  .describe("the project directory on this host (relative to where hal9000 mcp server runs)");
const branch = z
  .union([z.boolean(), z.string().min(1)])
  .optional()
  .describe("a branch and checkout of its own: true for hal9000/<worker>, or the branch's name");
const base = z
  .string()
  .min(1)
  .optional()
  .describe("where the branch starts (default HEAD); only with branch");
const env = z
  .record(z.string())
  .optional()
  .describe("extra environment for the worker (ANTHROPIC_API_KEY becomes its credential file)");

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

/** Only the options given: the facade's defaults (hal9000.conf, env) apply to the rest. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const summary = (w: WorkerInfo) => ({
  name: w.name,
  state: w.state,
  image: w.image,
  project: w.project,
  startedAt: w.startedAt,
  branch: w.branch ?? null,
  agent: w.agent?.state ?? null,
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

/** A task's step as one progress line, or undefined for the ones not worth telling. */
function taskStep(e: TaskEvent): string | undefined {
  switch (e.type) {
    case "queued":
      return e.message;
    case "worker":
      return `worker ${e.name} started`;
    case "session":
      return "claude started";
    case "tool_use":
      return `tool: ${e.name}`;
    case "text":
      return e.text.slice(0, 500);
    case "branch":
      return e.commit ? `committed ${e.files} files to ${e.branch}` : `nothing to commit on ${e.branch}`;
    default:
      return undefined;
  }
}

const taskDoc = (r: TaskResult) => ({
  worker: r.worker,
  ok: r.ok,
  result: r.text,
  exitCode: r.exitCode,
  costUsd: r.costUsd,
  turns: r.turns,
  branch: r.branch ?? null,
});

const diffText = (d: BranchDiff) =>
  d.files.length === 0
    ? `no changes on ${d.branch} since ${d.base.slice(0, 12)}`
    : [
        `${d.branch} (${d.commits.length} commits since ${d.base.slice(0, 12)}${d.uncommitted ? ", uncommitted changes" : ""})`,
        d.stat,
        d.patch,
      ].join("\n");

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
      description:
        "Start a detached worker (Claude Code in its own container) on a project of this host; with branch, on a branch and checkout of its own",
      inputSchema: {
        project,
        name: z.string().min(1).max(128).optional().describe("worker name (default: generated)"),
        image: z.string().min(1).optional().describe("worker image (default: WORKER_IMAGE)"),
        memory: z.string().optional().describe('memory limit, e.g. "2g"'),
        branch,
        base,
        env,
      },
    },
    guarded(
      async (args: {
        project?: string;
        name?: string;
        image?: string;
        memory?: string;
        branch?: boolean | string;
        base?: string;
        env?: Record<string, string>;
      }) => {
        const w = await hal.spawn(defined<SpawnOptions>({ detach: true, ...args }));
        return ok(summary(w), `spawned ${w.name} (${w.state})${w.branch ? ` on branch ${w.branch}` : ""}`);
      },
    ),
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
        "A headless task: a new worker on the project runs Claude (claude -p) on the prompt and is removed when it ends; with branch, its work is committed to that branch. Progress notifications follow its steps",
      inputSchema: {
        prompt: z.string().min(1).describe("the task"),
        project,
        branch,
        base,
        model: z.string().min(1).optional().describe("Claude's model (name or alias)"),
        allowed_tools: z
          .array(z.string().min(1))
          .optional()
          .describe('tools Claude may use without asking, e.g. ["Write", "Bash(npm test)"]'),
        image: z.string().min(1).optional().describe("worker image (default: WORKER_IMAGE)"),
        env,
        keep: z.boolean().optional().describe("keep the stopped worker container"),
        timeout_seconds: z.number().int().positive().max(7200).optional(),
      },
    },
    guarded(
      async (
        args: {
          prompt: string;
          project?: string;
          branch?: boolean | string;
          base?: string;
          model?: string;
          allowed_tools?: string[];
          image?: string;
          env?: Record<string, string>;
          keep?: boolean;
          timeout_seconds?: number;
        },
        extra,
      ) => {
        const progress = progressOf(extra);
        const { allowed_tools, timeout_seconds, ...rest } = args;
        const task = hal.runTask(
          defined<TaskOptions>({
            ...rest,
            allowedTools: allowed_tools,
            timeoutMs: timeout_seconds === undefined ? undefined : timeout_seconds * 1000,
            // The client cancelling the call stops the task's worker.
            signal: extra.signal,
          }),
        );
        for await (const e of task) {
          const step = taskStep(e);
          if (step) progress(step);
        }
        const doc = taskDoc(await task.result);
        const lines = [doc.result || `task ended (exit ${doc.exitCode})`];
        if (doc.branch)
          lines.push(
            `branch ${doc.branch.name}: ${doc.branch.commit ? `commit ${doc.branch.commit}` : "nothing to commit"}`,
          );
        return { ...ok(doc, lines.join("\n")), isError: !doc.ok };
      },
    ),
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
      description:
        "What a worker spawned with branch changed against its base: commits, uncommitted edits, stat and patch (also after it stopped)",
      inputSchema: { worker: workerName },
    },
    guarded(async (args: { worker: string }) => {
      const d = await hal.diff(args.worker);
      return ok(d, diffText(d));
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
