import type { ConflictReport } from "@hal9000/core";
import { defineCommand } from "../command.js";
import type { Context } from "../context.js";
import type { Style } from "../style.js";

/** `hal9000 conflicts`: files several workers touched, and branches that would conflict, before anyone merges. */
export async function conflicts(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const report = await hal.conflicts();
  ctx.out.result(report, () => renderConflicts(ctx.out.style, report));
}

export const conflictsCommand = defineCommand<object>({
  name: "conflicts",
  summary:
    "Show files touched by more than one worker and branches that would conflict (touches no working tree)",
  args: {},
  examples: [
    ["hal9000 conflicts", "overlaps between the workers' branches, before you merge"],
    ["hal9000 conflicts --json", "the same as one JSON document"],
  ],
  run: conflicts,
});

export function renderConflicts(s: Style, r: ConflictReport): string[] {
  if (r.workers.length === 0) return ["no worker branches with work to merge"];
  const lines: string[] = [];
  for (const w of r.workers) {
    const state = w.error
      ? s.red(`unreadable: ${w.error}`)
      : `${w.files.length} file(s)${w.uncommitted ? ", uncommitted changes" : ""}`;
    lines.push(`${s.bold(w.worker)} (${w.branch}): ${state}`);
    if (w.conflictsWithYours.length > 0)
      lines.push(`  ${s.red("conflicts with your branch")}: ${w.conflictsWithYours.join(", ")}`);
  }
  for (const o of r.overlaps) lines.push(`touched by ${o.workers.join(", ")}: ${o.path}`);
  for (const p of r.pairs)
    lines.push(`${s.red("would conflict")}: ${p.workers.join(" and ")} in ${p.files.join(", ")}`);
  if (r.overlaps.length === 0 && r.pairs.length === 0) lines.push("no overlaps between workers");
  return lines;
}
