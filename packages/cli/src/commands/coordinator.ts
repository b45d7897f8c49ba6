import { defineCommand } from "../command.js";
import type { Context } from "../context.js";

/** The parent container's main process: watches the fleet until SIGTERM or SIGINT. */
export async function coordinator(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  await hal.runCoordinator({ signal: ctx.services.shutdownSignal() });
}

export const coordinatorCommand = defineCommand<object>({
  name: "coordinator",
  summary: "The parent's main process (runs until stopped)",
  hidden: true,
  session: "the coordinator",
  args: {},
  examples: [],
  run: coordinator,
});
