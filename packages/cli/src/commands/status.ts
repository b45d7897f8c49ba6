import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { renderFleet } from "../render.js";

export function statusCommand(ctx: Context): Command {
  return {
    command: "status",
    describe: "Show status summary: parent, workers and their live stats",
    handler: async () => {
      const hal = await ctx.open();
      const status = await hal.status();
      ctx.out.result(status, () => renderFleet(ctx.out.style, status, hal.config.workerMaxCount));
    },
  };
}
