import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import { warnCorruptRecords } from "../corrupt-records.js";
import { renderWorkers } from "../render.js";
import { branchOverview, renderOverview } from "./branch-overview.js";

export async function list(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const workers = await hal.list();
  await warnCorruptRecords(ctx.out, hal.layout);
  const branches = await branchOverview(hal, workers);
  ctx.out.result({ parent: hal.config.parentName, workers, ...(branches ? { branches } : {}) }, () => [
    ...renderWorkers(ctx.out.style, workers),
    ...renderOverview(ctx.out.style, branches),
  ]);
}

export const listCommand = defineCommand<object>({
  name: "list",
  summary: "List active workers",
  args: {},
  examples: [
    ["hal9000 list", "name, state, age, image and project of each worker"],
    ["hal9000 list --json", "the same as one JSON document"],
  ],
  run: list,
});
