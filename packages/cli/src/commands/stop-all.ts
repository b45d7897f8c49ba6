import type { Command } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";
import { keptLines } from "./kept-work.js";

export function stopAllCommand(ctx: Context): Command<{ yes?: boolean }> {
  return {
    command: "stop-all",
    describe: "Stop all workers (asks first; --yes to skip)",
    builder: (y) => y.option("yes", { alias: "y", type: "boolean", describe: "do not ask for confirmation" }),
    handler: async (args) => {
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
    },
  };
}
