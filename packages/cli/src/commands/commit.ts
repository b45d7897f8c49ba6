import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { plural } from "../format.js";

export interface CommitArgs {
  name: string;
  message?: string;
}

/** `hal9000 commit <name> [-m MSG]`: the worker's uncommitted changes become a commit on its branch. */
export async function commit(args: CommitArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const res = await hal.commit(args.name, args.message === undefined ? {} : { message: args.message });
  ctx.out.result(res, () =>
    res.commit === null
      ? `${res.worker}: nothing to commit (its branch ${res.branch} has all of its work)`
      : `committed ${plural(res.files.length, "file")} of ${ctx.out.style.bold(res.worker)} to ${res.branch} as ${res.commit.slice(0, 12)}`,
  );
}

export const commitCommand = defineCommand<CommitArgs>({
  name: "commit",
  summary: "Commit a worker's uncommitted changes to its branch (as you, with a trailer naming the worker)",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    message: {
      short: "m",
      value: "MSG",
      describe: 'commit message (default: "Work of hal9000 worker <name>")',
    },
  },
  examples: [
    ["hal9000 commit hal9000-worker-3a775d9fe4b1", "commit what it left uncommitted"],
    ['hal9000 commit hal9000-worker-3a775d9fe4b1 -m "add the parser"', "with your message"],
  ],
  run: commit,
});
