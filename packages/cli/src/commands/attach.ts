import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";

export function attachCommand(ctx: Context): Command<{ name: string }> {
  return {
    command: "attach <name>",
    describe: "Attach to a worker's shell",
    builder: (y) => y.positional("name", { type: "string", demandOption: true, describe: "worker name" }),
    handler: async (args) => {
      rejectJson(ctx, "attach", "it opens a shell");
      const hal = await ctx.open();
      const { stdin, stdout } = ctx.services;
      ctx.exitCode = await hal.attach(args.name, { stdin, stdout });
    },
  };
}
