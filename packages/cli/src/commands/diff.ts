import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

export interface DiffArgs {
  name: string;
  stat?: boolean;
}

/** `hal9000 diff <name> [--stat]`: a worker's changes against its base (commits, uncommitted edits, new files). */
export async function diff(args: DiffArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const d = await hal.diff(args.name);
  if (ctx.out.json) {
    ctx.out.result(d, () => "");
    return;
  }
  const s = ctx.out.style;
  ctx.out.note(
    `${s.bold(d.worker)} on ${d.branch}: ${plural(d.commits.length, "commit")}${
      d.uncommitted ? " + uncommitted changes" : ""
    }, ${plural(d.files.length, "file")} changed since ${d.base.slice(0, 12)}`,
  );
  ctx.out.raw(args.stat ? d.stat : d.patch);
}

export const diffCommand = defineCommand<DiffArgs>({
  name: "diff",
  summary: "Show what a worker changed on its branch (patch; --stat; --json with files and line counts)",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    stat: { describe: "a diffstat instead of the patch" },
  },
  examples: [
    ["hal9000 diff hal9000-worker-3a775d9fe4b1", "its patch against where its branch started"],
    ["hal9000 diff --stat hal9000-worker-3a775d9fe4b1", "files and lines changed"],
  ],
  run: diff,
});
