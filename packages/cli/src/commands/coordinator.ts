import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";

/** The parent container's main process: watches the fleet until SIGTERM or SIGINT. */
export function coordinatorCommand(ctx: Context): Command {
  return {
    command: "coordinator",
    describe: false,
    handler: async () => {
      rejectJson(ctx, "coordinator", "it runs until stopped");
      const hal = await ctx.open();
      await hal.runCoordinator({ signal: ctx.services.shutdownSignal() });
    },
  };
}
