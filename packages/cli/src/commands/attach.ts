import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";

/** `attach <name>`: the agent's own session (the Claude TUI); `--shell`: a shell, as `hal9000 shell`. */
export function attachCommand(ctx: Context): Command<{ name: string; shell?: boolean }> {
  return {
    command: "attach <name>",
    describe: "Attach to a worker's Claude session (detach with Ctrl-P Ctrl-Q; it keeps running)",
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .option("shell", { type: "boolean", describe: "a shell in the worker instead (as `hal9000 shell`)" }),
    handler: async (args) => {
      rejectJson(ctx, "attach", "it hands over the terminal");
      const hal = await ctx.open();
      const { stdin, stdout } = ctx.services;
      if (args.shell) {
        ctx.exitCode = await hal.shell(args.name, { stdin, stdout });
        return;
      }
      if (ctx.services.isTTY.stderr) ctx.out.note(`attached to ${args.name}: detach with Ctrl-P Ctrl-Q`);
      ctx.exitCode = await hal.attach(args.name, { stdin, stdout });
    },
  };
}
