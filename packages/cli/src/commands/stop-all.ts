import { defineCommand } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";
import { keptLines } from "./kept-work.js";

export interface StopAllArgs {
  yes?: boolean;
}

export async function stopAll(args: StopAllArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  if (args.yes !== true && ctx.interactive) {
    const n = await hal.count();
    if (n === 0) {
      ctx.out.result({ stopped: [] }, () => "no workers to stop");
      return;
    }
    await confirm(ctx, {
      yes: false,
      question: `Stop all ${plural(n, "worker")} of ${hal.config.parentName}?`,
      action: "stop-all",
    });
  } else {
    await confirm(ctx, { yes: args.yes, question: "", action: "stop-all" });
  }
  const stopped = await hal.stopAll();
  const kept = await hal.leftWork();
  ctx.out.result({ stopped, uncommitted: kept }, () => [
    stopped.length === 0
      ? "no workers to stop"
      : `stopped ${plural(stopped.length, "worker")}: ${stopped.join(", ")}`,
    ...keptLines(kept),
  ]);
}

export const stopAllCommand = defineCommand<StopAllArgs>({
  name: "stop-all",
  summary: "Stop all workers (asks first; --yes to skip)",
  args: {
    yes: { short: "y", describe: "do not ask for confirmation" },
  },
  examples: [
    ["hal9000 stop-all", "asks, then stops every worker"],
    ["hal9000 stop-all --yes", "no question (scripts, no terminal)"],
  ],
  run: stopAll,
});
