import { defineCommand } from "../command.js";
import type { Context } from "../context.js";

export async function count(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const n = await hal.count();
  ctx.out.result({ parent: hal.config.parentName, count: n }, () => String(n));
}

export const countCommand = defineCommand<object>({
  name: "count",
  summary: "Count active workers",
  args: {},
  examples: [
    ["hal9000 count", "the number of running workers"],
    ["hal9000 count --json", '{ "parent": …, "count": N }'],
  ],
  run: count,
});
