import type { ConflictReport } from "@hal9000/core";
import type { Hal9000Api } from "../api.js";
import type { Style } from "../style.js";

/** What `list` and `status` add when live workers have branches: overlaps and conflicts to come. */
export interface BranchOverview {
  overlaps: ConflictReport["overlaps"];
  pairs: ConflictReport["pairs"];
  /** Workers whose branch would conflict with your current branch, and in which files. */
  withYours: { worker: string; files: string[] }[];
}

/** The overview of the live workers that have branches; undefined when none has (or git is not here). */
export async function branchOverview(
  hal: Pick<Hal9000Api, "conflicts">,
  workers: { name: string; branch?: string }[],
): Promise<BranchOverview | undefined> {
  const names = workers.filter((w) => w.branch !== undefined).map((w) => w.name);
  if (names.length === 0) return undefined;
  const report = await hal.conflicts({ workers: names }).catch(() => undefined);
  if (!report) return undefined;
  return {
    overlaps: report.overlaps,
    pairs: report.pairs,
    withYours: report.workers
      .filter((w) => w.conflictsWithYours.length > 0)
      .map((w) => ({ worker: w.worker, files: w.conflictsWithYours })),
  };
}

export function renderOverview(s: Style, o: BranchOverview | undefined): string[] {
  if (!o) return [];
  return [
    ...o.overlaps.map((x) => `${s.yellow("touched by")} ${x.workers.join(", ")}: ${x.path}`),
    ...o.pairs.map((p) => `${s.red("would conflict")}: ${p.workers.join(" and ")} in ${p.files.join(", ")}`),
    ...o.withYours.map((w) => `${s.red("conflicts with your branch")}: ${w.worker} in ${w.files.join(", ")}`),
  ];
}
