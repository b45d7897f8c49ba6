import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { keptLines } from "./kept-work.js";

export function stopCommand(ctx: Context): Command<{ name: string }> {
  return {
    command: "stop <name>",
    describe: "Stop a specific worker",
    builder: (y) => y.positional("name", { type: "string", demandOption: true, describe: "worker name" }),
    handler: async (args) => {
      const hal = await ctx.open();
      await hal.stop(args.name);
      const kept = await hal.leftWork([args.name]);
      ctx.out.result({ stopped: [args.name], uncommitted: kept }, () => [
        `stopped ${ctx.out.style.bold(args.name)}`,
        ...keptLines(kept),
      ]);
    },
  };
}
