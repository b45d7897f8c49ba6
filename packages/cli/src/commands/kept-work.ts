import type { LeftWork } from "@hal9000/core";

/** What stop and stop-all say about workers whose checkouts still hold uncommitted work (kept, never removed). */
export function keptLines(kept: LeftWork[]): string[] {
  return kept.flatMap((k) => [
    `${k.worker} left uncommitted work in its checkout ${k.checkout} (kept)`,
    `  review: hal9000 diff ${k.worker}   keep: hal9000 commit ${k.worker}   drop: hal9000 discard ${k.worker}`,
  ]);
}
