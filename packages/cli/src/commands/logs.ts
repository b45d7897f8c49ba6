import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";

export interface LogsArgs {
  name: string;
  follow?: boolean;
  tail?: number;
}

export async function logs(args: LogsArgs, ctx: Context): Promise<void> {
  if (args.tail !== undefined && (!Number.isInteger(args.tail) || args.tail < 0)) {
    throw new UsageError(`--tail must be a whole number of lines, got "${args.tail}"`, "e.g. --tail 100");
  }
  if (ctx.out.json && args.follow) {
    throw new UsageError("--json and --follow do not go together: one document cannot keep growing");
  }
  const hal = await ctx.open();
  const stream = await hal.logs(args.name, { follow: args.follow === true, tail: args.tail });
  if (!ctx.out.json) {
    let bytes = 0;
    for await (const chunk of stream) {
      bytes += (chunk as string | Uint8Array).length;
      ctx.out.raw(chunk as string | Uint8Array);
    }
    if (bytes === 0 && !args.follow) ctx.out.note(noOutputNote(args.name));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as string | Uint8Array));
  const lines = Buffer.concat(chunks).toString("utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  ctx.out.result({ name: args.name, lines }, () => []);
}

/**
 * Docker's log keeps a TTY's output line by line (a partial line waits for its end, or for 16 KB):
 * Claude's full-screen TUI ends hardly a line, so a worker that only drew its screen has no log
 * yet. Said instead of printing nothing.
 */
export function noOutputNote(name: string): string {
  return `hal9000: no output from ${name} yet: Docker logs a terminal's output only once a line ends, and Claude's screen ends few lines; see it live with \`hal9000 attach ${name}\` (detach: Ctrl-P Ctrl-Q)`;
}

export const logsCommand = defineCommand<LogsArgs>({
  name: "logs",
  summary: "View worker logs",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    follow: { short: "f", describe: "keep printing new output" },
    tail: { value: "N", type: "number", describe: "only the last N lines" },
  },
  examples: [
    ["hal9000 logs -f hal9000-worker-3a775d9fe4b1", "follow a worker's output"],
    ["hal9000 logs --tail 50 hal9000-worker-3a775d9fe4b1", "its last 50 lines"],
    ["hal9000 logs --json hal9000-worker-3a775d9fe4b1", '{ "name": …, "lines": [...] }'],
  ],
  run: logs,
});
