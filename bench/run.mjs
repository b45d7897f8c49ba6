// hal9000 benchmarks: each figure of issue 13 next to its baseline, measured in the same run.
//   pnpm bench                      every figure
//   pnpm bench -- spawn-cli list    only these (results.json keeps the others' last figures)
//   pnpm bench -- --runs 3 version  fewer runs while iterating
// Needs the built packages (pnpm build), a Docker engine and the hal9000 images. Writes
// bench/results.json and bench/RESULTS.md. Not part of `pnpm test`: timings vary with the machine.

import { spawnBranch } from "./figures/branches.mjs";
import { dashboard, parentRss, status, workerMemory } from "./figures/fleet.mjs";
import { ultramin } from "./figures/images.mjs";
import { mcpRelay } from "./figures/mcp.mjs";
import { runTask } from "./figures/run.mjs";
import { spawnApi, spawnCli, spawnConcurrent } from "./figures/spawn.mjs";
import { list, listNoCache, version } from "./figures/startup.mjs";
import { createBenchEnv } from "./lib/env.mjs";
import { compare, figure } from "./lib/harness.mjs";
import { writeResults } from "./lib/report.mjs";

const FIGURES = [
  version,
  list,
  listNoCache,
  spawnCli,
  spawnApi,
  spawnConcurrent,
  spawnBranch,
  status,
  runTask,
  parentRss,
  dashboard,
  workerMemory,
  ultramin,
  mcpRelay,
];

const argv = process.argv.slice(2).filter((a) => a !== "--");
let runs;
const names = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--runs") runs = Number(argv[++i]);
  else names.push(argv[i]);
}
const unknown = names.filter((n) => !FIGURES.some((f) => f.name === n));
if (unknown.length) {
  console.error(`unknown figure ${unknown.join(", ")}; figures: ${FIGURES.map((f) => f.name).join(", ")}`);
  process.exit(2);
}
const chosen = names.length ? FIGURES.filter((f) => names.includes(f.name)) : FIGURES;

const bench = createBenchEnv();
const results = [];
let failed = false;
const stop = async () => {
  await bench.cleanup();
  process.exit(130);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
try {
  const hal = await bench.api();
  const docker = (await hal.ping()).version;
  for (const f of chosen) {
    try {
      const r = await f.run(bench, { compare, figure, runs });
      results.push(...[r].flat());
    } catch (err) {
      failed = true;
      console.error(`${f.name}: failed: ${err.stack ?? err}`);
    } finally {
      await bench.removeContainers().catch(() => {});
    }
  }
  const command = `pnpm bench${process.argv.length > 2 ? ` -- ${argv.join(" ")}` : ""}`;
  writeResults(import.meta.dirname, results, { command, docker });
  for (const r of results) {
    console.log(
      `${r.name}\t${r.candidate.median} ${r.unit}\t${r.ratio === null ? "" : `×${r.ratio}`}\t${r.met ?? ""}`,
    );
  }
} finally {
  await bench.cleanup();
}
process.exit(failed ? 1 : 0);
