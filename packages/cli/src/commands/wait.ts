import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { UsageError } from "../errors.js";
import { parseTimeout } from "./run.js";
import { agentLine } from "./watch.js";

export const WAIT_UNTIL = ["settled", "ready", "working", "waiting", "idle", "done", "exited"] as const;

export interface WaitArgs {
  names?: string[];
  all?: boolean;
  until?: string;
  timeout?: string;
}

/** `wait <name…|--all> [--until STATE] [--timeout T]`: blocks until the workers' agents reach a state. */
export function waitCommand(ctx: Context): Command<WaitArgs> {
  return {
    command: "wait [names..]",
    describe: "Wait until workers' agents reach a state (default: settled — not starting or working)",
    builder: (y) =>
      y
        .positional("names", { type: "string", array: true, describe: "worker names" })
        .option("all", { type: "boolean", describe: "every worker of this parent" })
        .option("until", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          choices: WAIT_UNTIL,
          describe: "the state to wait for",
        })
        .option("timeout", {
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: 'give up after this long (exit 1), e.g. "90s", "10m"',
        }),
    handler: async (args) => {
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
      const states = await hal.waitFor({
        names: args.all ? undefined : names,
        until: args.until as (typeof WAIT_UNTIL)[number] | undefined,
        timeoutMs,
      });
      ctx.out.result({ workers: states }, () => states.map((s) => agentLine(ctx.out.style, s)));
    },
  };
}
