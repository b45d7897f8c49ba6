import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { warnCorruptRecords } from "../corrupt-records.js";
import { renderFleet } from "../render.js";
import { branchOverview, renderOverview } from "./branch-overview.js";

export async function status(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const fleet = await hal.status();
  if (fleet.corruptRecords > 0) await warnCorruptRecords(ctx.out, hal.layout);
  const branches = await branchOverview(hal, fleet.workers);
  ctx.out.result(branches ? { ...fleet, branches } : fleet, () => [
    ...renderFleet(ctx.out.style, fleet, hal.config.workerMaxCount),
    ...renderOverview(ctx.out.style, branches),
  ]);
}

export const statusCommand = defineCommand<object>({
  name: "status",
  summary: "Show status summary: parent, workers and their live stats",
  args: {},
  examples: [
    ["hal9000 status", "the parent, each worker's CPU, memory and limits"],
    ["hal9000 status --json", "the same as one JSON document"],
  ],
  run: status,
});
