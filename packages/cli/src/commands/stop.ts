import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { keptLines } from "./kept-work.js";

export interface StopArgs {
  name: string;
}

export async function stop(args: StopArgs, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  await hal.stop(args.name);
  const kept = await hal.leftWork([args.name]);
  ctx.out.result({ stopped: [args.name], uncommitted: kept }, () => [
    `stopped ${ctx.out.style.bold(args.name)}`,
    ...keptLines(kept),
  ]);
}

export const stopCommand = defineCommand<StopArgs>({
  name: "stop",
  summary: "Stop a specific worker",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
  },
  examples: [
    ["hal9000 stop hal9000-worker-3a775d9fe4b1", "stop that worker"],
    ["hal9000 stop-all --yes", "stop every worker instead"],
  ],
  run: stop,
});
