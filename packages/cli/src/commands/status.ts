import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { warnCorruptRecords } from "../corrupt-records.js";
import { renderFleet } from "../render.js";
import { branchOverview, renderOverview } from "./branch-overview.js";

export function statusCommand(ctx: Context): Command {
  return {
    command: "status",
    describe: "Show status summary: parent, workers and their live stats",
    handler: async () => {
      const hal = await ctx.open();
      const status = await hal.status();
      if (status.corruptRecords > 0) await warnCorruptRecords(ctx.out, hal.layout);
      const branches = await branchOverview(hal, status.workers);
      ctx.out.result(branches ? { ...status, branches } : status, () => [
        ...renderFleet(ctx.out.style, status, hal.config.workerMaxCount),
        ...renderOverview(ctx.out.style, branches),
      ]);
    },
  };
}
