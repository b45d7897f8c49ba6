import { describe, expect, it } from "vitest";
import { planSpawn, type SpawnFacts } from "../../src/spawn/plan.js";

const config = {
  workerImage: "hal9000/worker:latest",
  workerRemoveOnExit: false,
  workerMemory: "4g",
  workerCpus: 2,
  workerPidsLimit: 512,
};
const facts: SpawnFacts = {
  parentName: "hal9000-parent",
  project: undefined,
  security: { user: { uid: 1000, gid: 1000 }, dockerSockets: ["/var/run/docker.sock"] },
};

describe("planSpawn: a spawn's plan from its options, the config and what the checks found", () => {
  it("a plain spawn: detached, the config's image and limits, Claude's session awaited until ready", () => {
    const plan = planSpawn({}, config, facts);
    expect(plan).toMatchObject({
      name: undefined,
      image: "hal9000/worker:latest",
      parentName: "hal9000-parent",
      detach: true,
      removeOnExit: false,
      command: undefined,
      settleMs: 0,
      waitReady: true,
      limits: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9, pidsLimit: 512 },
      extras: {},
    });
    expect(plan.env).toEqual({ HOME: "/home/worker" });
    expect(plan.security).toBe(facts.security);
  });

  it("options win over the config; a command is not awaited for readiness", () => {
    const plan = planSpawn(
      {
        name: "w1",
        image: "my/worker:1",
        removeOnExit: true,
        command: ["sleep", "9"],
        settleMs: 1500,
        memory: "1g",
        cpus: 1,
        pidsLimit: 64,
        env: { FOO: "bar" },
      },
      config,
      facts,
    );
    expect(plan).toMatchObject({
      name: "w1",
      image: "my/worker:1",
      removeOnExit: true,
      command: ["sleep", "9"],
      settleMs: 1500,
      waitReady: false,
      limits: { memoryBytes: 1024 ** 3, nanoCpus: 1e9, pidsLimit: 64 },
    });
    expect(plan.env).toEqual({ HOME: "/home/worker", FOO: "bar" });
  });

  it("an interactive spawn is neither settled nor awaited; ready: false skips the wait", () => {
    expect(planSpawn({ detach: false, settleMs: 1500 }, config, facts)).toMatchObject({
      detach: false,
      settleMs: 0,
      waitReady: false,
    });
    expect(planSpawn({ ready: false }, config, facts).waitReady).toBe(false);
  });

  it("carries a branch spawn's extras and credentials never reach the environment", () => {
    const plan = planSpawn({ env: { ANTHROPIC_API_KEY: "sk-test", KEEP: "1" } }, config, facts, {
      branch: "hal/w1",
      readOnlyMounts: ["/repo/.git/objects"],
    });
    expect(plan.extras).toEqual({ branch: "hal/w1", readOnlyMounts: ["/repo/.git/objects"] });
    expect(plan.env).toEqual({ HOME: "/home/worker", KEEP: "1" });
  });
});
