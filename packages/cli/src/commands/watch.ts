import type { AgentStateChange } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import type { Style } from "../style.js";

/** One line for a worker's agent state: `name  waiting: Claude needs your permission  since …`. */
export function agentLine(s: Style, c: AgentStateChange): string {
  const detail =
    c.state === "waiting" && c.message
      ? `: ${c.message}`
      : c.state === "working" && c.lastTool
        ? ` (${c.lastTool})`
        : c.state === "exited" && c.exitCode !== null
          ? ` (exit code ${c.exitCode})`
          : "";
  const state = c.state === "waiting" ? s.yellow(c.state) : c.state === "exited" ? s.red(c.state) : c.state;
  return `${s.bold(c.name)}  ${state}${detail}${c.since ? s.dim(`  since ${c.since}`) : ""}`;
}

export interface WatchArgs {
  names?: string[];
}

/** Prints agent state changes as they happen (JSON lines with --json) until Ctrl-C, which ends it with 0. */
export async function watch(args: WatchArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const signal = ctx.services.shutdownSignal();
  const names = args.names && args.names.length > 0 ? args.names : undefined;
  for await (const change of hal.watch({ names, signal, notify: true })) {
    if (ctx.out.json) ctx.out.raw(`${JSON.stringify(change)}\n`);
    else ctx.out.say(agentLine(ctx.out.style, change));
  }
}

export const watchCommand = defineCommand<WatchArgs>({
  name: "watch",
  summary: "Print workers' agent state changes as they happen (--json: one JSON object a line)",
  args: {
    names: { positional: "rest", complete: "workers", describe: "worker names (default: all)" },
  },
  examples: [
    ["hal9000 watch", "every worker's state changes, until Ctrl-C"],
    ["hal9000 watch reviewer tester", "only those two"],
    ["hal9000 watch --json | jq -c 'select(.state == \"waiting\")'", "the ones that need you"],
  ],
  run: watch,
});
