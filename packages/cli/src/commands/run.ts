import type { TaskEvent, TaskOptions, TaskResult } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import type { Style } from "../style.js";
import { branchArgs, parseEnv } from "./spawn.js";

/** Exit codes of `hal9000 run`: the task's outcome (timeout as timeout(1) says it, abort as after Ctrl-C). */
export const RUN_EXIT = {
  succeeded: EXIT.OK,
  failed: EXIT.PROBLEMS,
  "timed-out": EXIT.TIMED_OUT,
  aborted: EXIT.CANCELLED,
} as const;

export interface RunArgs {
  project_dir?: string;
  prompt?: string;
  name?: string;
  image?: string;
  env?: string[];
  model?: string;
  allowedTools?: string[];
  permissionMode?: (typeof PERMISSION_MODES)[number];
  timeout?: string;
  keep?: boolean;
  branch?: string;
  base?: string;
}

const PERMISSION_MODES = ["default", "acceptEdits", "plan", "auto", "bypassPermissions"] as const;

/** `hal9000 run [project] -p "…"`: a headless Claude task in a fresh worker; exits with its outcome. */
export async function run(args: RunArgs, ctx: Context): Promise<number> {
  const opts = await taskOptions(ctx, args);
  const hal = await ctx.open();
  const handle = hal.runTask({ ...opts, signal: ctx.services.shutdownSignal() });
  const printer = ctx.out.json ? jsonLines(ctx) : humanLines(ctx, ctx.out.style);
  for await (const e of handle) printer(e);
  try {
    const result = await handle.result;
    if (!ctx.out.json && !result.ok) ctx.out.note(failedLine(result));
    return result.ok ? RUN_EXIT.succeeded : RUN_EXIT.failed;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // The error event already said what failed; its hint goes to stderr.
    const hint = (err as { hint?: string }).hint;
    if (hint) ctx.out.note(`  hint: ${hint}`);
    return code === "TASK_TIMEOUT"
      ? RUN_EXIT["timed-out"]
      : code === "TASK_ABORTED"
        ? RUN_EXIT.aborted
        : EXIT.FAILURE;
  }
}

export const runCommand = defineCommand<RunArgs>({
  name: "run",
  summary: "Run a headless Claude task in a new worker and print its events",
  description:
    "Run a headless Claude task (claude -p) in a new worker and print what it does; --json prints Claude's stream-json lines and hal9000's own events, one JSON object a line. Exit code: 0 the task succeeded, 1 it failed, 124 it timed out, 130 it was aborted, 125 hal9000 failed.",
  args: {
    project_dir: { positional: true, describe: "project directory to mount at /workspace" },
    prompt: { short: "p", value: "PROMPT", describe: 'what Claude should do; "-" reads it from stdin' },
    name: { short: "n", value: "NAME", describe: "worker name (default: auto-generated)" },
    image: { short: "i", value: "IMAGE", describe: "worker image (default: WORKER_IMAGE)" },
    env: {
      short: "e",
      value: "KEY=VAL",
      repeat: true,
      describe: "KEY=VAL in the worker (ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN become a read-only file)",
    },
    model: { value: "MODEL", describe: "Claude model" },
    allowedTools: {
      value: "TOOLS",
      repeat: true,
      describe: 'tools Claude may use without asking, e.g. "Write,Edit" (repeatable)',
    },
    permissionMode: { value: "MODE", choices: PERMISSION_MODES, describe: "Claude's permission mode" },
    timeout: { value: "DURATION", describe: 'stop the task after this long: seconds, or "90s", "10m", "1h"' },
    keep: { describe: "keep the worker container afterwards (default: removed)" },
    branch: {
      value: "NAME",
      optionalValue: true,
      describe:
        "run on a branch and checkout of its own (default name hal9000/<worker>); its work is committed there when it ends",
    },
    base: { value: "REF", describe: "where --branch starts: a branch, tag or commit (default: HEAD)" },
  },
  examples: [
    ['hal9000 run ~/src/app -p "add a README"', "a task on a project, its events as readable lines"],
    [
      'hal9000 run . -p "fix the tests" --allowed-tools Edit,Bash --timeout 10m',
      "tools it may use, a time limit",
    ],
    ["hal9000 run . -p - --json", "the prompt from stdin; Claude's stream-json lines on stdout"],
  ],
  run,
});

async function taskOptions(ctx: Context, args: RunArgs): Promise<TaskOptions> {
  if (args.prompt === undefined) {
    throw new UsageError(
      "missing -p PROMPT",
      'e.g. hal9000 run . -p "add a README"; -p - reads it from stdin',
    );
  }
  const prompt = args.prompt === "-" ? await readStdin(ctx) : args.prompt;
  if (prompt.trim() === "") {
    throw new UsageError("the prompt is empty", 'give Claude something to do, e.g. -p "add a README"');
  }
  const tools = args.allowedTools;
  return {
    prompt,
    ...branchArgs(args),
    name: args.name,
    image: args.image,
    env: parseEnv(args.env),
    model: args.model,
    allowedTools: tools
      ?.flatMap((t) => t.split(","))
      .map((t) => t.trim())
      .filter((t) => t !== ""),
    permissionMode: args.permissionMode,
    timeoutMs: args.timeout === undefined ? undefined : parseTimeout(args.timeout),
    keep: args.keep === true,
  };
}

async function readStdin(ctx: Context): Promise<string> {
  if (ctx.services.isTTY.stdin) ctx.out.note("reading the prompt from stdin (end with Ctrl-D)");
  let text = "";
  for await (const chunk of ctx.services.stdin) text += chunk.toString();
  return text;
}

/** "90", "90s", "10m", "1h" → ms. */
export function parseTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const n = m ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"] ?? 1000) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `--timeout expects a duration, got "${text}"`,
      "e.g. --timeout 600 or --timeout 10m",
    );
  }
  return Math.round(n);
}

/** --json: Claude's own lines exactly as it printed them, and hal9000's events as {"type":"hal9000",…}. */
function jsonLines(ctx: Context): (e: TaskEvent) => void {
  let lastSeq = 0;
  return (e) => {
    if ("line" in e) {
      if (e.seq === lastSeq) return; // one line, several events (content blocks)
      lastSeq = e.seq;
      ctx.out.raw(`${e.line}\n`);
      return;
    }
    const { type, ...rest } = e;
    ctx.out.raw(`${JSON.stringify({ type: "hal9000", event: type, ...rest })}\n`);
  };
}

const oneLine = (text: string, max = 160) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function toolSummary(input: unknown): string {
  if (typeof input !== "object" || input === null) return "";
  const i = input as Record<string, unknown>;
  const main = i.file_path ?? i.command ?? i.pattern ?? i.url ?? i.path ?? i.description;
  return typeof main === "string" ? ` ${oneLine(main, 100)}` : "";
}

/** Readable lines: what Claude says on stdout, the rest of the story on stderr-free stdout too. */
function humanLines(ctx: Context, s: Style): (e: TaskEvent) => void {
  return (e) => {
    switch (e.type) {
      case "queued":
        ctx.out.note(`waiting for a worker slot: ${e.message}`);
        return;
      case "worker":
        ctx.out.say(s.dim(`worker ${e.name} (${e.image})`));
        return;
      case "session":
        ctx.out.say(
          s.dim(`session ${e.sessionId} (${e.model ?? "model ?"}, ${e.permissionMode ?? "?"} permissions)`),
        );
        return;
      case "text":
        ctx.out.say(e.text);
        return;
      case "tool_use":
        ctx.out.say(`${s.bold(`→ ${e.name}`)}${toolSummary(e.input)}`);
        return;
      case "tool_result":
        ctx.out.say(`  ${e.isError ? s.red("✗") : s.green("✓")} ${s.dim(oneLine(e.content))}`);
        return;
      case "permission_denied":
        ctx.out.say(`  ${s.yellow("denied:")} ${oneLine(e.message)}`);
        return;
      case "result": {
        const r = e.result;
        const figures = [
          r.durationMs === null ? undefined : `${(r.durationMs / 1000).toFixed(1)} s`,
          r.turns === null ? undefined : `${r.turns} turn${r.turns === 1 ? "" : "s"}`,
          r.costUsd === null ? undefined : `$${r.costUsd.toFixed(4)}`,
        ].filter(Boolean);
        const head = r.isError ? s.red(`✗ ${r.subtype}`) : s.green("✓ done");
        ctx.out.say(`${head} (${figures.join(", ")}; session ${r.sessionId ?? "?"})`);
        return;
      }
      case "output":
        ctx.out.say(s.dim(e.text));
        return;
      case "branch":
        ctx.out.say(
          e.commit === null
            ? s.dim(`branch ${e.branch}: nothing changed`)
            : `branch ${e.branch}: ${e.files} file(s) committed as ${e.commit.slice(0, 12)} (hal9000 diff / merge)`,
        );
        return;
      case "error":
        ctx.out.note(`${s.red("hal9000:")} ${e.message}`);
        return;
      default:
        return;
    }
  };
}

function failedLine(r: TaskResult): string {
  return `hal9000: the task failed (${r.subtype}${r.exitCode === 0 ? "" : `, exit code ${r.exitCode}`})`;
}
