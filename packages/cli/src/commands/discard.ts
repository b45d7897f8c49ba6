import type { Command } from "../command.js";
import { confirm } from "../confirm.js";
import type { Context } from "../context.js";

/** `hal9000 discard <name>`: removes a stopped worker's checkout and branch (asks first; --yes to skip). */
export function discardCommand(ctx: Context): Command<{ name: string; yes?: boolean }> {
  return {
    command: "discard <name>",
    describe: "Remove a stopped worker's checkout and branch (asks first; --yes to skip)",
    builder: (y) =>
      y
        .positional("name", { type: "string", demandOption: true, describe: "worker name" })
        .option("yes", { alias: "y", type: "boolean", describe: "do not ask for confirmation" }),
    handler: async (args) => {
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
    },
  };
}
