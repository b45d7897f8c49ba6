import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { warnCorruptRecords } from "../corrupt-records.js";
import { renderWorkers } from "../render.js";
import { branchOverview, renderOverview } from "./branch-overview.js";

export function listCommand(ctx: Context): Command {
  return {
    command: "list",
    describe: "List active workers",
    handler: async () => {
      const hal = await ctx.open();
      const workers = await hal.list();
      await warnCorruptRecords(ctx.out, hal.layout);
      const branches = await branchOverview(hal, workers);
      ctx.out.result({ parent: hal.config.parentName, workers, ...(branches ? { branches } : {}) }, () => [
        ...renderWorkers(ctx.out.style, workers),
        ...renderOverview(ctx.out.style, branches),
      ]);
    },
  };
}
