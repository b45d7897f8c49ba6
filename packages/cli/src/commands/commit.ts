import { type Command, lastValue } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

/** `hal9000 commit <name> [-m MSG]`: the worker's uncommitted changes become a commit on its branch. */
export function commitCommand(ctx: Context): Command<{ name: string; message?: string }> {
  return {
    command: "commit <name>",
    describe:
      "Commit a worker's uncommitted changes to its branch (as you, with a trailer naming the worker)",
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .option("message", {
          alias: "m",
          type: "string",
          requiresArg: true,
          coerce: lastValue,
          describe: 'commit message (default: "Work of hal9000 worker <name>")',
        }),
    handler: async (args) => {
      const hal = await ctx.open();
      const res = await hal.commit(args.name, args.message === undefined ? {} : { message: args.message });
      ctx.out.result(res, () =>
        res.commit === null
          ? `${res.worker}: nothing to commit (its branch ${res.branch} has all of its work)`
          : `committed ${plural(res.files.length, "file")} of ${ctx.out.style.bold(res.worker)} to ${res.branch} as ${res.commit.slice(0, 12)}`,
      );
    },
  };
}
