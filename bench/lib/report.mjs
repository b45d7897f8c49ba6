// results.json (every sample, machine-readable) and RESULTS.md (the short table).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

export function machine() {
  const c = cpus();
  return {
    cpu: `${c.length} × ${c[0]?.model ?? "unknown"}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
  };
}

/** Merges this run's results into results.json by figure name (a figure run alone updates only itself). */
export function writeResults(dir, results, { command, docker }) {
  const file = join(dir, "results.json");
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { results: [] };
  const date = new Date().toISOString();
  const run = { date, command, machine: machine(), docker };
  const byName = new Map(previous.results.map((r) => [r.name, r]));
  for (const r of results) byName.set(r.name, { ...r, run });
  const all = [...byName.values()];
  writeFileSync(file, `${JSON.stringify({ updated: date, results: all }, null, 2)}\n`);
  writeFileSync(join(dir, "RESULTS.md"), markdown(all));
  return all;
}

const fmt = (x, unit) =>
  x === null || x === undefined ? "–" : unit === "ms" ? `${Math.round(x)} ms` : `${x} ${unit}`;
const spread = (s, unit) => `${fmt(s.median, unit)} (${fmt(s.min, unit)}–${fmt(s.max, unit)})`;

function markdown(results) {
  const lines = [
    "# hal9000 benchmark results",
    "",
    "Written by `pnpm bench` (bench/run.mjs); every sample is in [results.json](results.json).",
    "Each figure's baseline ran in the **same run**, interleaved with hal9000, so machine load hits",
    "both alike: ratios are hal9000's median over the first baseline's median of that run. Cells show",
    "median (min–max) over the runs.",
    "",
    "| figure | baseline (same run) | hal9000 | ratio | goal | met |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const base = r.baselines.map((b) => `${b.label}: ${spread(b, r.unit)}`).join("<br>") || "–";
    const met = r.met === null ? "report" : r.met ? "yes" : "**no**";
    const ratio = r.ratio === null ? "–" : `${r.ratio}×`;
    lines.push(
      `| ${r.title} | ${base} | ${r.candidate.label}: ${spread(r.candidate, r.unit)} | ${ratio} | ${r.goal?.text ?? "–"} | ${met} |`,
    );
  }
  const runs = new Map();
  for (const r of results) runs.set(r.run.date, r.run);
  lines.push("", "## Runs", "");
  for (const run of [...runs.values()].sort((a, b) => a.date.localeCompare(b.date))) {
    const figs = results
      .filter((r) => r.run.date === run.date)
      .map((r) => r.name)
      .join(", ");
    lines.push(
      `- ${run.date}: \`${run.command}\` on ${run.machine.cpu}, ${run.machine.memoryGb} GB, Node ${run.machine.node}, ` +
        `Docker ${run.docker ?? "?"}, load average ${run.machine.loadAverage.join(" / ")} at the end: ${figs}`,
    );
  }
  const notes = results.filter((r) => r.note);
  if (notes.length) {
    lines.push("", "## Notes", "");
    for (const r of notes) lines.push(`- ${r.name}: ${r.note}`);
  }
  return `${lines.join("\n")}\n`;
}
