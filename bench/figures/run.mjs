// `hal9000 run` of a one-turn task against `docker run` + `claude -p` with the same options,
// both answered by the Messages API stub (test/fixtures/anthropic-stub.mjs) on the parent's
// loopback, which workers share.
import { BENCH_LABEL } from "../lib/env.mjs";
import { dockerRunArgsLike } from "../lib/same-options.mjs";

const PROMPT = "say hi";

export const runTask = {
  name: "run",
  title: "`hal9000 run` of a one-turn task",
  goal: { maxRatio: 1.3, text: "≤ 1.3× docker run + claude -p" },
  run: async (bench, { compare, runs }) => {
    const hal = await bench.parent();
    const { env, flags } = await bench.workerEnv();
    const stubEnv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const w = await hal.spawn({ detach: true, project: bench.project, env });
    const inspect = await hal.docker.getContainer(w.name).inspect();
    await bench.removeContainers();
    return compare({
      name: "run",
      title: runTask.title,
      goal: runTask.goal,
      runs: runs ?? 5,
      baselines: [
        {
          label: "docker run + claude -p (same options)",
          fn: () =>
            bench.docker(
              dockerRunArgsLike(
                inspect,
                bench.nextName("claude"),
                { [BENCH_LABEL]: bench.parentName },
                {
                  cmd: ["claude", "-p", PROMPT],
                  env: [...stubEnv, `ANTHROPIC_API_KEY=${bench.env.ANTHROPIC_API_KEY}`],
                },
              ),
            ),
        },
      ],
      candidate: {
        label: "hal9000 run -p",
        fn: () => bench.cli(["run", bench.project, "-p", PROMPT, ...flags]),
      },
    });
  },
};
