// `hal9000 run` of a one-turn task against `docker run` + `claude -p` with the same options,
// both answered by the Messages API stub (test/fixtures/anthropic-stub.mjs) on the parent's
// loopback, which workers share.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BENCH_LABEL, root } from "../lib/env.mjs";
import { dockerRunArgsLike } from "../lib/same-options.mjs";

const PROMPT = "say hi";

async function startStub(bench) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  await bench.docker([
    "cp",
    join(root, "test/fixtures/anthropic-stub.mjs"),
    `${bench.parentName}:/tmp/bench-stub.mjs`,
  ]);
  const config = JSON.stringify({ port, reply: "Hello from the bench stub!" });
  await bench.docker([
    "exec",
    "-d",
    bench.parentName,
    "sh",
    "-c",
    `exec node /tmp/bench-stub.mjs '${config}' > /tmp/bench-stub.log 2>&1`,
  ]);
  for (let i = 0; i < 100; i++) {
    const { stdout } = await bench
      .docker(["exec", bench.parentName, "cat", "/tmp/bench-stub.log"])
      .catch(() => ({}));
    if (stdout?.includes("listening")) return `http://127.0.0.1:${port}`;
    await sleep(200);
  }
  throw new Error("the Anthropic stub did not start in the bench parent");
}

export const runTask = {
  name: "run",
  title: "`hal9000 run` of a one-turn task",
  goal: { maxRatio: 1.3, text: "≤ 1.3× docker run + claude -p" },
  run: async (bench, { compare, runs }) => {
    const hal = await bench.parent();
    const url = await startStub(bench);
    const stubEnv = [`ANTHROPIC_BASE_URL=${url}`, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1"];
    const w = await hal.spawn({ detach: true, project: bench.project });
    const inspect = await hal.docker.getContainer(w.name).inspect();
    await bench.removeContainers();
    const cliEnv = { ...bench.env, ANTHROPIC_API_KEY: "bench-dummy-key" };
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
                { cmd: ["claude", "-p", PROMPT], env: [...stubEnv, "ANTHROPIC_API_KEY=bench-dummy-key"] },
              ),
            ),
        },
      ],
      candidate: {
        label: "hal9000 run -p",
        fn: () =>
          bench.cli(["run", bench.project, "-p", PROMPT, ...stubEnv.flatMap((e) => ["-e", e])], {
            env: cliEnv,
          }),
      },
    });
  },
};
