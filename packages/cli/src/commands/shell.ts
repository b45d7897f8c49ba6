import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";

/** `shell <name>`: a shell in a running worker (the seed's `coordinator.sh attach`). */
export function shellCommand(ctx: Context): Command<{ name: string }> {
  return {
    command: "shell <name>",
    describe: "Open a shell in a worker (exit leaves the worker running)",
    builder: (y) => y.positional("name", { type: "string", demandOption: true, describe: "worker name" }),
    handler: async (args) => {
      rejectJson(ctx, "shell", "it opens a shell");
      const hal = await ctx.open();
      const { stdin, stdout } = ctx.services;
      ctx.exitCode = await hal.shell(args.name, { stdin, stdout });
    },
  };
}
