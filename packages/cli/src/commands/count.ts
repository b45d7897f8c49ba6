import type { Command } from "../command.js";
import type { Context } from "../context.js";

export function countCommand(ctx: Context): Command {
  return {
    command: "count",
    describe: "Count active workers",
    handler: async () => {
      const hal = await ctx.open();
      const count = await hal.count();
      ctx.out.result({ parent: hal.config.parentName, count }, () => String(count));
    },
  };
}
