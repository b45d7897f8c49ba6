// The comparative harness: a figure's candidate and its baselines run alternately in the same
// process, so machine noise (2 shared cores here) hits all of them alike. Ratios are always
// candidate median / first baseline median of the same run.
import { performance } from "node:perf_hooks";
import { round, summarize } from "./stats.mjs";

/**
 * Runs each side `runs` times, interleaved (after `warmup` untimed rounds). A side's `fn`
 * either is timed (unit "ms") or returns its own figure (any other unit). `before`/`after`
 * run around every timed call, untimed (e.g. removing what a spawn made).
 */
export async function compare({
  name,
  title,
  unit = "ms",
  runs = 10,
  warmup = 1,
  goal,
  baselines,
  candidate,
  note,
}) {
  const sides = [...baselines, candidate];
  for (let i = 0; i < warmup; i++) for (const side of sides) await once(side, unit);
  const r = await measure({ name, title, unit, runs, goal, sides, note });
  r.met = goal?.maxRatio !== undefined && r.ratio !== null ? r.ratio <= goal.maxRatio : null;
  log(r);
  return r;
}

/** A figure without a baseline ratio (e.g. a size or a memory figure): candidate only. */
export async function figure({ name, title, unit, runs = 3, goal, fn, label, baselines = [], note }) {
  const r = await measure({ name, title, unit, runs, goal, sides: [...baselines, { label, fn }], note });
  r.met = goal?.max !== undefined ? r.candidate.median <= goal.max : null;
  log(r);
  return r;
}

/** Runs every side `runs` times, interleaved; the last side is the candidate. */
async function measure({ name, title, unit, runs, goal, sides, note }) {
  const samples = sides.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, side] of sides.entries()) samples[k].push(await once(side, unit));
  }
  const stats = samples.map(summarize);
  const cand = stats[stats.length - 1];
  const baselines = sides.slice(0, -1);
  return {
    name,
    title,
    unit,
    runs,
    baselines: baselines.map((b, k) => ({ label: b.label, ...stats[k] })),
    candidate: { label: sides[sides.length - 1].label, ...cand },
    ratio: baselines.length && stats[0].median > 0 ? round(cand.median / stats[0].median) : null,
    goal: goal ?? null,
    met: null,
    note: note ?? null,
  };
}

async function once(side, unit) {
  await side.before?.();
  try {
    if (unit !== "ms") return await side.fn();
    const t0 = performance.now();
    await side.fn();
    return performance.now() - t0;
  } finally {
    await side.after?.();
  }
}

function log(r) {
  const base = r.baselines.map((b) => `${b.label} ${b.median}`).join(", ");
  const cand = `${r.candidate.label} ${r.candidate.median} ${r.unit} [${r.candidate.min}–${r.candidate.max}]`;
  const ratio = r.ratio === null ? "" : ` → ×${r.ratio}`;
  const met = r.met === null ? "" : r.met ? " (goal met)" : " (goal NOT met)";
  process.stderr.write(`${r.name}: ${cand}${base ? ` vs ${base}` : ""}${ratio}${met}\n`);
}
