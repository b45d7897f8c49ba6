import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

/** `hal9000 merge <name> [--squash]`: into your current branch, only when it is clean to do so. */
export function mergeCommand(ctx: Context): Command<{ name: string; squash?: boolean }> {
  return {
    command: "merge <name>",
    describe: "Merge a worker's branch into your current branch (changes nothing on a conflict)",
    builder: (y) =>
      y.positional("name", { type: "string", demandOption: true, describe: "worker name" }).option("squash", {
        type: "boolean",
        describe: "one commit with the worker's changes instead of a merge",
      }),
    handler: async (args) => {
      const hal = await ctx.open();
      const res = await hal.merge(args.name, { squash: args.squash === true });
      const how = res.squash ? "squashed" : res.fastForward ? "fast-forwarded" : "merged";
      ctx.out.result(res, () => [
        `${how} ${res.branch} into ${ctx.out.style.bold(res.into)} (${res.commit.slice(0, 12)}, ${plural(res.files.length, "file")})`,
        `  done with it: hal9000 discard ${res.worker}`,
      ]);
    },
  };
}
