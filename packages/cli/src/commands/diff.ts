import type { Command } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

/** `hal9000 diff <name> [--stat]`: a worker's changes against its base (commits, uncommitted edits, new files). */
export function diffCommand(ctx: Context): Command<{ name: string; stat?: boolean }> {
  return {
    command: "diff <name>",
    describe: "Show what a worker changed on its branch (patch; --stat; --json with files and line counts)",
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .option("stat", { type: "boolean", describe: "a diffstat instead of the patch" }),
    handler: async (args) => {
      const hal = await ctx.open();
      const diff = await hal.diff(args.name);
      if (ctx.out.json) {
        ctx.out.result(diff, () => "");
        return;
      }
      const s = ctx.out.style;
      ctx.out.note(
        `${s.bold(diff.worker)} on ${diff.branch}: ${plural(diff.commits.length, "commit")}${
          diff.uncommitted ? " + uncommitted changes" : ""
        }, ${plural(diff.files.length, "file")} changed since ${diff.base.slice(0, 12)}`,
      );
      ctx.out.raw(args.stat ? diff.stat : diff.patch);
    },
  };
}
