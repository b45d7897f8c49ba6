import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

export interface MergeArgs {
  name: string;
  squash?: boolean;
}

/** `hal9000 merge <name> [--squash]`: into your current branch, only when it is clean to do so. */
export async function merge(args: MergeArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const res = await hal.merge(args.name, { squash: args.squash === true });
  const how = res.squash ? "squashed" : res.fastForward ? "fast-forwarded" : "merged";
  ctx.out.result(res, () => [
    `${how} ${res.branch} into ${ctx.out.style.bold(res.into)} (${res.commit.slice(0, 12)}, ${plural(res.files.length, "file")})`,
    `  done with it: hal9000 discard ${res.worker}`,
  ]);
}

export const mergeCommand = defineCommand<MergeArgs>({
  name: "merge",
  summary: "Merge a worker's branch into your current branch (changes nothing on a conflict)",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    squash: { describe: "one commit with the worker's changes instead of a merge" },
  },
  examples: [
    ["hal9000 merge hal9000-worker-3a775d9fe4b1", "its branch into yours, if it merges cleanly"],
    ["hal9000 merge --squash hal9000-worker-3a775d9fe4b1", "as one commit"],
  ],
  run: merge,
});
