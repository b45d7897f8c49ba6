// A tiny comparative harness: every figure is a ratio against a baseline measured in the same
// process, interleaved with the candidate so machine noise hits both alike.
import { performance } from "node:perf_hooks";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * Runs `baseline` and `candidate` alternately `iterations` times (after `warmup` rounds) and
 * reports the median of each and candidate/baseline.
 */
export async function compare(name, { baseline, candidate, iterations = 20, warmup = 2, unit = "ms" }) {
  for (let i = 0; i < warmup; i++) {
    await baseline.fn();
    await candidate.fn();
  }
  const a = [];
  const b = [];
  for (let i = 0; i < iterations; i++) {
    a.push(await measure(baseline.fn, unit));
    b.push(await measure(candidate.fn, unit));
  }
  const result = {
    name,
    unit,
    iterations,
    baseline: { label: baseline.label, median: round(median(a)) },
    candidate: { label: candidate.label, median: round(median(b)) },
    ratio: round(median(b) / median(a)),
  };
  report(result);
  return result;
}

async function measure(fn, unit) {
  if (unit === "ms") {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  }
  // Any other unit: fn returns the figure itself (e.g. a child's peak RSS in MB).
  return fn();
}

const round = (x) => Math.round(x * 100) / 100;

export const results = [];
function report(r) {
  results.push(r);
  process.stderr.write(
    `${r.name}: ${r.candidate.label} ${r.candidate.median} ${r.unit} vs ${r.baseline.label} ${r.baseline.median} ${r.unit} → ratio ${r.ratio}\n`,
  );
}
