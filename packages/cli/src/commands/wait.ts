import { WAIT_UNTIL, type WaitUntil } from "../api.js";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { parseTimeout } from "./run.js";
import { agentLine } from "./watch.js";

export interface WaitArgs {
  names?: string[];
  all?: boolean;
  until?: WaitUntil;
  timeout?: string;
}

/** Blocks until the workers' agents reach a state; a --timeout that runs out exits 124. */
export async function wait(args: WaitArgs, ctx: Context): Promise<void> {
  const names = args.names ?? [];
  if (names.length === 0 && !args.all) {
    throw new UsageError(
      "name the workers to wait for, or give --all",
      "e.g. hal9000 wait my-worker --until idle",
    );
  }
  if (names.length > 0 && args.all) throw new UsageError("give worker names or --all, not both");
  const timeoutMs = args.timeout === undefined ? undefined : parseTimeout(args.timeout);
  const hal = await ctx.open();
  const states = await hal.waitFor({ names: args.all ? undefined : names, until: args.until, timeoutMs });
  ctx.out.result({ workers: states }, () => states.map((s) => agentLine(ctx.out.style, s)));
}

export const waitCommand = defineCommand<WaitArgs>({
  name: "wait",
  summary: "Wait until workers' agents reach a state (default: settled — not starting or working)",
  args: {
    names: { positional: "rest", complete: "workers", describe: "worker names" },
    all: { describe: "every worker of this parent" },
    until: { value: "STATE", choices: WAIT_UNTIL, describe: "the state to wait for (default: settled)" },
    timeout: { value: "DURATION", describe: 'give up after this long (exit 124), e.g. "90s", "10m"' },
  },
  examples: [
    ["hal9000 wait reviewer --until idle", "until that worker's Claude is idle"],
    ["hal9000 wait --all --timeout 30m", "until every worker has settled, at most 30 minutes"],
    ["hal9000 wait --all --until done --json", "each worker's state as one JSON document"],
  ],
  run: wait,
});
