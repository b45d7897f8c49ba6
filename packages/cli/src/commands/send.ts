import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { parseTimeout } from "./run.js";
import { agentLine } from "./watch.js";

export interface SendArgs {
  name: string;
  prompt: string;
  wait?: boolean;
  timeout?: string;
}

/** A prompt for a running worker's Claude session, without attaching; `-` reads it from stdin. */
export async function send(args: SendArgs, ctx: Context): Promise<void> {
  const timeoutMs = args.timeout === undefined ? undefined : parseTimeout(args.timeout);
  if (timeoutMs !== undefined && !args.wait) throw new UsageError("--timeout needs --wait", "add --wait");
  let prompt = args.prompt;
  if (prompt === "-") {
    prompt = "";
    for await (const chunk of ctx.services.stdin) prompt += chunk.toString();
  }
  if (prompt.trim() === "")
    throw new UsageError("the prompt is empty", `e.g. hal9000 send ${args.name} "run the tests"`);
  const hal = await ctx.open();
  const state = await hal.send(args.name, prompt, { wait: args.wait === true, timeoutMs });
  ctx.out.result(state ? state : { name: args.name, sent: true }, () =>
    state ? agentLine(ctx.out.style, state) : `sent to ${args.name}`,
  );
}

export const sendCommand = defineCommand<SendArgs>({
  name: "send",
  summary: 'Give a running worker\'s Claude a prompt ("-" reads it from stdin)',
  description:
    "Type a prompt into a running worker's Claude session without attaching. With --wait: return once Claude is no longer working (idle, waiting, done), with its state; a --timeout that runs out exits 124.",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    prompt: { positional: true, required: true, describe: 'the prompt, or "-" for stdin' },
    wait: { describe: "return once Claude is no longer working (idle, waiting, done), with its state" },
    timeout: { value: "DURATION", describe: 'with --wait: give up after this long, e.g. "90s", "10m"' },
  },
  examples: [
    ['hal9000 send reviewer "review the last commit"', "a prompt for that worker's Claude"],
    ['hal9000 send reviewer "run the tests" --wait --timeout 10m', "and wait until it is done"],
    ["git diff | hal9000 send reviewer -", "the prompt from stdin"],
  ],
  run: send,
});
