// Spawning: the CLI's `spawn -d` against `docker run -d`, the API's spawn() against dockerode
// create + start, and 20 of each at once. Baselines use the options of a worker hal9000 made
// in this run (network, user, capabilities, limits, mounts), read back from its inspect.
import { BENCH_LABEL } from "../lib/env.mjs";
import { createBodyLike, dockerRunArgsLike } from "../lib/same-options.mjs";

/** One worker spawned through the API, inspected, removed: the template for baselines. */
async function template(bench) {
  const hal = await bench.parent();
  const w = await hal.spawn({ detach: true, project: bench.project });
  const inspect = await hal.docker.getContainer(w.name).inspect();
  await bench.removeContainers();
  return inspect;
}

const labels = (bench) => ({ [BENCH_LABEL]: bench.parentName });

export const spawnCli = {
  name: "spawn-cli",
  title: "`hal9000 spawn -d` → exit",
  goal: { maxRatio: 2, text: "≤ 2× docker run -d" },
  run: async (bench, { compare, runs }) => {
    const inspect = await template(bench);
    const cleanup = () => bench.removeContainers();
    return compare({
      name: "spawn-cli",
      title: spawnCli.title,
      goal: spawnCli.goal,
      runs: runs ?? 5,
      baselines: [
        {
          label: "docker run -d (same options)",
          fn: () => bench.docker(dockerRunArgsLike(inspect, bench.nextName("run"), labels(bench))),
          after: cleanup,
        },
      ],
      candidate: {
        label: "hal9000 spawn -d",
        fn: () => bench.cli(["spawn", "-d", bench.project]),
        after: cleanup,
      },
    });
  },
};

export const spawnApi = {
  name: "spawn-api",
  title: "API `spawn()` → running",
  goal: { maxRatio: 1.1, text: "≤ 1.10× create + start" },
  run: async (bench, { compare, runs }) => {
    const inspect = await template(bench);
    const hal = await bench.api();
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
      candidate: {
        label: "Hal9000.spawn()",
        fn: () => hal.spawn({ detach: true, project: bench.project }),
        after: cleanup,
      },
    });
  },
};

export const spawnConcurrent = {
  name: "spawn-20",
  title: "20 spawns at once, API",
  goal: { maxRatio: 1.15, text: "≤ 1.15× 20 × create + start" },
  run: async (bench, { compare, runs }) => {
    const inspect = await template(bench);
    const hal = await bench.api();
    const cleanup = () => bench.removeContainers();
    const twenty = (fn) => Promise.all(Array.from({ length: 20 }, fn));
    return compare({
      name: "spawn-20",
      title: spawnConcurrent.title,
      goal: spawnConcurrent.goal,
      runs: runs ?? 3,
      warmup: 0,
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
      candidate: {
        label: "20 × Hal9000.spawn()",
        fn: () => twenty(() => hal.spawn({ detach: true, project: bench.project })),
        after: cleanup,
      },
    });
  },
};
