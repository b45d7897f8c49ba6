import { defineCommand } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context } from "../context.js";

export interface DiscardArgs {
  name: string;
  yes?: boolean;
}

/** `hal9000 discard <name>`: removes a stopped worker's checkout and branch (asks first; --yes to skip). */
export async function discard(args: DiscardArgs, ctx: Context): Promise<void> {
  await confirm(ctx, {
    yes: args.yes,
    question: `Remove the checkout and branch of ${args.name}, with any work not merged?`,
    action: "discard",
  });
  const hal = await ctx.open();
  const res = await hal.discard(args.name);
  ctx.out.result(res, () =>
    res.branchDeleted
      ? `discarded ${ctx.out.style.bold(res.worker)}: checkout ${res.checkout} and branch ${res.branch} removed`
      : `discarded ${ctx.out.style.bold(res.worker)}: checkout ${res.checkout} removed; branch ${res.branch} kept (checked out or already gone)`,
  );
}

export const discardCommand = defineCommand<DiscardArgs>({
  name: "discard",
  summary: "Remove a stopped worker's checkout and branch (asks first; --yes to skip)",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    yes: { short: "y", describe: "do not ask for confirmation" },
  },
  examples: [
    ["hal9000 discard hal9000-worker-3a775d9fe4b1", "asks, then removes its checkout and branch"],
    ["hal9000 discard --yes hal9000-worker-3a775d9fe4b1", "no question (scripts, no terminal)"],
  ],
  run: discard,
});
