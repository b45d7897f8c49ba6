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
  const samples = sides.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, side] of sides.entries()) samples[k].push(await once(side, unit));
  }
  const stats = samples.map(summarize);
  const base = stats[0];
  const cand = stats[stats.length - 1];
  const ratio = base.median > 0 ? round(cand.median / base.median) : null;
  const result = {
    name,
    title,
    unit,
    runs,
    baselines: baselines.map((b, k) => ({ label: b.label, ...stats[k] })),
    candidate: { label: candidate.label, ...cand },
    ratio,
    goal: goal ?? null,
    met: goal?.maxRatio !== undefined && ratio !== null ? ratio <= goal.maxRatio : null,
    note: note ?? null,
  };
  log(result);
  return result;
}

/** A figure without a baseline ratio (e.g. a size or a memory figure): candidate only. */
export async function figure({ name, title, unit, runs = 3, goal, fn, label, baselines = [], note }) {
  const sides = [...baselines, { label, fn }];
  const samples = sides.map(() => []);
  for (let i = 0; i < runs; i++)
    for (const [k, side] of sides.entries()) samples[k].push(await once(side, unit));
  const stats = samples.map(summarize);
  const cand = stats[stats.length - 1];
  const result = {
    name,
    title,
    unit,
    runs,
    baselines: baselines.map((b, k) => ({ label: b.label, ...stats[k] })),
    candidate: { label, ...cand },
    ratio: baselines.length && stats[0].median > 0 ? round(cand.median / stats[0].median) : null,
    goal: goal ?? null,
    met: goal?.max !== undefined ? cand.median <= goal.max : null,
    note: note ?? null,
  };
  log(result);
  return result;
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
