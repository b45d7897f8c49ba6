// Spawning: the CLI's `spawn -d` against `docker run -d`, the API's spawn() against dockerode
// create + start, and 20 of each at once. Baselines use the options of a worker hal9000 made
// in this run (network, user, capabilities, limits, mounts), read back from its inspect. Every
// worker's Claude talks to the Messages API stub on the parent's loopback (bench.workerEnv).
import { setTimeout as sleep } from "node:timers/promises";
import { clearHookState, readHookState } from "@hal9000/volumes";
import { BENCH_LABEL } from "../lib/env.mjs";
import { createBodyLike, dockerRunArgsLike } from "../lib/same-options.mjs";

/** One worker spawned through the API, inspected, removed: the template for baselines. */
async function template(bench) {
  const hal = await bench.parent();
  const { env } = await bench.workerEnv();
  const w = await hal.spawn({ detach: true, project: bench.project, env });
  const inspect = await hal.docker.getContainer(w.name).inspect();
  await bench.removeContainers();
  return { inspect, name: w.name };
}

const labels = (bench) => ({ [BENCH_LABEL]: bench.parentName });

/**
 * Resolves once the template worker's home says Claude's session started (its SessionStart hook
 * wrote `ready`): the signal `spawn -d` waits for. A baseline run with the same mounts shares
 * that home, so it reports there too.
 */
async function claudeReady(hal, name) {
  for (let i = 0; i < 600; i++) {
    if ((await readHookState(hal.layout, name))?.state === "ready") return;
    await sleep(50);
  }
  throw new Error(`Claude's session did not start in the baseline container (no "ready" in ${name}'s home)`);
}

export const spawnCli = {
  name: "spawn-cli",
  title: "`hal9000 spawn -d` → exit",
  goal: { maxRatio: 2, text: "≤ 2× docker run -d" },
  note: "spawn -d returns once Claude's session has started (issue 10's readiness), which docker run -d does not wait for; the second baseline waits for the same signal.",
  run: async (bench, { compare, runs }) => {
    const hal = await bench.parent();
    const { flags } = await bench.workerEnv();
    const { inspect, name } = await template(bench);
    const cleanup = () => bench.removeContainers();
    return compare({
      name: "spawn-cli",
      title: spawnCli.title,
      goal: spawnCli.goal,
      note: spawnCli.note,
      runs: runs ?? 5,
      baselines: [
        {
          label: "docker run -d (same options)",
          fn: () => bench.docker(dockerRunArgsLike(inspect, bench.nextName("run"), labels(bench))),
          after: cleanup,
        },
        {
          label: "docker run -d, then Claude's session started",
          before: () => clearHookState(hal.layout, name),
          fn: async () => {
            await bench.docker(dockerRunArgsLike(inspect, bench.nextName("runready"), labels(bench)));
            await claudeReady(hal, name);
          },
          after: cleanup,
        },
      ],
      candidate: {
        label: "hal9000 spawn -d",
        fn: () => bench.cli(["spawn", "-d", ...flags, bench.project]),
        after: cleanup,
      },
    });
  },
};

/** The API's own cost to "running": spawn() without waiting for Claude (`ready: false`). */
const spawnRunning = async (bench) => {
  const hal = await bench.api();
  const { env } = await bench.workerEnv();
  return () => hal.spawn({ detach: true, ready: false, project: bench.project, env });
};

export const spawnApi = {
  name: "spawn-api",
  title: "API `spawn({ ready: false })` → running",
  goal: { maxRatio: 1.1, text: "≤ 1.10× create + start" },
  note: "besides create + start, a spawn makes 2 engine calls beside its reservation (the parent and image inspects) and 1 under the spawn lock (the list of workers), and writes the worker's files at once; a Claude worker is reported from what create and start said, with no inspect after the start. Before (checks, then reservation, then files one by one, then an inspect): 1.24× at 17:25.",
  run: async (bench, { compare, runs }) => {
    const { inspect } = await template(bench);
    const hal = await bench.api();
    const spawn = await spawnRunning(bench);
    const cleanup = () => bench.removeContainers();
    return compare({
      name: "spawn-api",
      title: spawnApi.title,
      goal: spawnApi.goal,
      runs: runs ?? 8,
      baselines: [
        {
          label: "dockerode create + start",
          fn: async () => {
            const c = await hal.docker.createContainer(
              createBodyLike(inspect, bench.nextName("api"), labels(bench)),
            );
            await c.start();
          },
          after: cleanup,
        },
      ],
      candidate: { label: "Hal9000.spawn()", fn: spawn, after: cleanup },
      note: spawnApi.note,
    });
  },
};

export const spawnConcurrent = {
  name: "spawn-20",
  title: "20 spawns at once, API, → running",
  goal: { maxRatio: 1.15, text: "≤ 1.15× 20 × create + start" },
  note: "the spawn lock is held only for the reservation (count, name, a per-spawn intent naming its writer's pid, host, pid namespace and start time); create and start run outside it and overlap in the daemon as bare create + start do, and the reservations of one process share one lock hold and one list of the workers; spawns asking at once share one parent inspect and one image inspect, a granted reservation goes on before the lock hold ends, and one process prunes old credential copies once a minute, not once per spawn. Before (lock held across create + start): 4.74× here at 14:14, 7.3× at 15:01 under load 45.",
  run: async (bench, { compare, runs }) => {
    const { inspect } = await template(bench);
    const hal = await bench.api();
    const spawn = await spawnRunning(bench);
    const cleanup = () => bench.removeContainers();
    const twenty = (fn) => Promise.all(Array.from({ length: 20 }, fn));
    return compare({
      name: "spawn-20",
      title: spawnConcurrent.title,
      goal: spawnConcurrent.goal,
      runs: runs ?? 3,
      warmup: 0,
      note: spawnConcurrent.note,
      baselines: [
        {
          label: "20 × dockerode create + start",
          fn: () =>
            twenty(async () => {
              const c = await hal.docker.createContainer(
                createBodyLike(inspect, bench.nextName("api20"), labels(bench)),
              );
              await c.start();
            }),
          after: cleanup,
        },
      ],
      candidate: { label: "20 × Hal9000.spawn()", fn: () => twenty(spawn), after: cleanup },
    });
  },
};
