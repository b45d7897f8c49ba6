import { describe, expect, it } from "vitest";
import {
  type SpawnOptions,
  validateSpawnOptions,
  type WorkerSpec,
  workerCreateOptions,
  workerEnv,
  workerLimits,
} from "../../src/spawn/options.js";
import { InvalidInputError } from "../../src/vocabulary/errors.js";

const base: WorkerSpec = {
  name: "w1",
  image: "hal9000/worker:latest",
  parentName: "hal9000-parent",
  detach: true,
  removeOnExit: true,
  project: "/home/u/src/app",
  workerHome: "/home/u/.hal9000/workers/w1",
  user: { uid: 1000, gid: 1001 },
  env: { HOME: "/home/worker", ANTHROPIC_API_KEY: "sk-test" }, // the builder drops the key
  limits: { memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9, pidsLimit: 512 },
  version: "1.2.3",
};

describe("workerCreateOptions", () => {
  it("mounts the project at /workspace and the Claude home at /home/worker, as bind mounts (never Binds)", () => {
    const o = workerCreateOptions(base);
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/home/u/src/app", Target: "/workspace" },
      { Type: "bind", Source: "/home/u/.hal9000/workers/w1", Target: "/home/worker" },
    ]);
    expect(o.HostConfig?.Binds).toBeUndefined();
    expect(o.WorkingDir).toBe("/workspace");
  });

  it("without a project mounts only the Claude home and keeps the image's working directory", () => {
    const o = workerCreateOptions({ ...base, project: null });
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/home/u/.hal9000/workers/w1", Target: "/home/worker" },
    ]);
    expect(o.WorkingDir).toBeUndefined();
    expect(o.Labels?.["hal9000.project"]).toBeUndefined();
  });

  it("joins the parent's network namespace", () => {
    expect(workerCreateOptions(base).HostConfig?.NetworkMode).toBe("container:hal9000-parent");
    expect(workerCreateOptions({ ...base, parentName: "p2" }).HostConfig?.NetworkMode).toBe("container:p2");
  });

  it("labels the worker with everything needed to find it and recreate it", () => {
    expect(workerCreateOptions(base).Labels).toEqual({
      "hal9000.role": "worker",
      "hal9000.parent": "hal9000-parent",
      "hal9000.project": "/home/u/src/app",
      "hal9000.version": "1.2.3",
      "hal9000.detached": "true",
      "hal9000.remove-on-exit": "true",
      "hal9000.worker-home": "/home/u/.hal9000/workers/w1",
    });
  });

  it("runs as the project owner's UID:GID, or the non-root fallback when unknown, never as root", () => {
    expect(workerCreateOptions(base).User).toBe("1000:1001");
    expect(workerCreateOptions({ ...base, user: undefined }).User).toBe("1000:1000");
    expect(() => workerCreateOptions({ ...base, user: { uid: 0, gid: 0 } })).toThrow(/as root/);
  });

  it("passes the environment as KEY=value, but never a credential variable", () => {
    expect(workerCreateOptions(base).Env).toEqual(["HOME=/home/worker"]);
    const env = { HOME: "/home/worker", FOO: "bar", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-x" };
    expect(workerCreateOptions({ ...base, env }).Env).toEqual(["HOME=/home/worker", "FOO=bar"]);
  });

  it("drops every capability, forbids new privileges, is never privileged", () => {
    const host = workerCreateOptions(base).HostConfig;
    expect(host?.CapDrop).toEqual(["ALL"]);
    expect(host?.CapAdd).toBeUndefined();
    expect(host?.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(host?.Privileged).toBeUndefined();
  });

  it("mounts the credential file and the host's Claude config read-only", () => {
    const o = workerCreateOptions({
      ...base,
      credential: { source: "/h/.hal9000/secrets/workers/w1/credential", target: "/run/hal9000/credential" },
      claudeConfig: "/home/u/.claude",
    });
    expect(o.HostConfig?.Mounts?.slice(2)).toEqual([
      {
        Type: "bind",
        Source: "/h/.hal9000/secrets/workers/w1/credential",
        Target: "/run/hal9000/credential",
        ReadOnly: true,
      },
      { Type: "bind", Source: "/home/u/.claude", Target: "/home/worker/.claude-host", ReadOnly: true },
    ]);
  });

  it.each([["/var/run"], ["/run"], ["/"], ["/var/run/docker.sock"], ["/srv/docker.sock"]])(
    "refuses a project %s that is or holds a Docker socket",
    (project) => {
      expect(() => workerCreateOptions({ ...base, project })).toThrow(InvalidInputError);
      expect(() => workerCreateOptions({ ...base, project })).toThrow(/Docker socket/);
    },
  );

  it("refuses the daemon's own socket path and any directory holding it", () => {
    const spec = { ...base, dockerSockets: ["/home/u/.docker/run/docker.sock"] };
    expect(() => workerCreateOptions({ ...spec, project: "/home/u/.docker" })).toThrow(/Docker socket/);
    expect(() => workerCreateOptions({ ...spec, claudeConfig: "/home/u" })).toThrow(/Docker socket/);
    expect(() => workerCreateOptions(spec)).not.toThrow();
  });

  it("refuses DOCKER_HOST in the environment", () => {
    const env = { HOME: "/home/worker", DOCKER_HOST: "unix:///var/run/docker.sock" };
    expect(() => workerCreateOptions({ ...base, env })).toThrow(/DOCKER_HOST/);
  });

  it("always has a TTY and open stdin; only an interactive worker attaches and closes stdin with the session", () => {
    const detached = workerCreateOptions(base);
    expect(detached).toMatchObject({ Tty: true, OpenStdin: true, StdinOnce: false, AttachStdin: false });
    const interactive = workerCreateOptions({ ...base, detach: false });
    expect(interactive).toMatchObject({
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
    });
    expect(interactive.Labels?.["hal9000.detached"]).toBe("false");
  });

  it("maps removeOnExit to AutoRemove", () => {
    expect(workerCreateOptions(base).HostConfig?.AutoRemove).toBe(true);
    const kept = workerCreateOptions({ ...base, removeOnExit: false });
    expect(kept.HostConfig?.AutoRemove).toBe(false);
    expect(kept.Labels?.["hal9000.remove-on-exit"]).toBe("false");
  });

  it("keeps the image's command unless one is given", () => {
    expect(workerCreateOptions(base).Cmd).toBeUndefined();
    expect(workerCreateOptions({ ...base, command: ["claude", "-p", "say hi"] }).Cmd).toEqual([
      "claude",
      "-p",
      "say hi",
    ]);
  });

  it("runs docker-init as PID 1 so a stop reaches claude", () => {
    expect(workerCreateOptions(base).HostConfig?.Init).toBe(true);
  });

  it("applies the resource limits", () => {
    expect(workerCreateOptions(base).HostConfig).toMatchObject({
      Memory: 4 * 1024 ** 3,
      NanoCpus: 2e9,
      PidsLimit: 512,
    });
  });
});

describe("workerLimits", () => {
  const config = { workerMemory: "512m", workerCpus: 1.5, workerPidsLimit: 64 };
  it("converts docker-style sizes and fractional CPUs", () => {
    expect(workerLimits(config)).toEqual({
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 1.5e9,
      pidsLimit: 64,
    });
  });

  it("takes a spawn's own limits over the config", () => {
    expect(workerLimits(config, { memory: "1g", cpus: 0.5, pidsLimit: 100 })).toEqual({
      memoryBytes: 1024 ** 3,
      nanoCpus: 5e8,
      pidsLimit: 100,
    });
    expect(workerLimits(config, { memory: 64 * 1024 ** 2 }).memoryBytes).toBe(64 * 1024 ** 2);
    expect(workerLimits(config, { cpus: 3 })).toEqual({
      memoryBytes: 512 * 1024 ** 2,
      nanoCpus: 3e9,
      pidsLimit: 64,
    });
  });

  it("rejects a malformed memory size", () => {
    expect(() => workerLimits({ workerMemory: "lots", workerCpus: 1, workerPidsLimit: 64 })).toThrow(
      InvalidInputError,
    );
  });
});

describe("workerEnv", () => {
  it("sets HOME and the caller's extra env, but no credential variable (those travel as a file)", () => {
    expect(workerEnv()).toEqual({ HOME: "/home/worker" });
    expect(workerEnv({ FOO: "bar" })).toEqual({ HOME: "/home/worker", FOO: "bar" });
    expect(workerEnv({ ANTHROPIC_API_KEY: "dummy", CLAUDE_CODE_OAUTH_TOKEN: "t", A: "1" })).toEqual({
      HOME: "/home/worker",
      A: "1",
    });
  });
});

describe("validateSpawnOptions", () => {
  it.each<SpawnOptions>([
    {},
    {
      name: "w1",
      detach: true,
      image: "img:1",
      removeOnExit: false,
      project: ".",
      command: ["bash"],
      env: { A_1: "x" },
      memory: "256m",
      cpus: 0.5,
      pidsLimit: 64,
      mountClaudeConfig: true,
      settleMs: 1500,
    },
    { memory: 7 * 1024 ** 2 },
    { settleMs: 0 },
  ])("accepts %j", (opts) => {
    expect(() => validateSpawnOptions(opts)).not.toThrow();
  });

  it.each<[SpawnOptions, RegExp]>([
    [{ name: "bad name" }, /invalid worker name/],
    [{ image: " " }, /image is empty/],
    [{ command: [] }, /command is empty/],
    [{ command: [""] }, /command is empty/],
    [{ env: { "1BAD": "x" } }, /invalid environment variable name/],
    [{ env: { "A-B": "x" } }, /invalid environment variable name/],
    [{ env: { DOCKER_HOST: "tcp://127.0.0.1:2375" } }, /refusing to pass DOCKER_HOST/],
    [{ memory: "lots" }, /invalid memory "lots"/],
    [{ memory: "1m" }, /invalid memory "1m": 1m is out of range/],
    [{ cpus: 0 }, /invalid cpus 0/],
    [{ cpus: "2" as unknown as number }, /invalid cpus "2"/],
    [{ pidsLimit: 8 }, /invalid pidsLimit 8/],
    [{ pidsLimit: 1.5 }, /invalid pidsLimit 1.5/],
    [{ mountClaudeConfig: "yes" as unknown as boolean }, /mountClaudeConfig must be true or false/],
    [{ settleMs: -1 }, /invalid settleMs -1/],
    [{ settleMs: Number.NaN }, /invalid settleMs null/],
    [{ settleMs: "1500" as unknown as number }, /invalid settleMs "1500"/],
    [{ settleMs: 3_600_001 }, /invalid settleMs 3600001/],
  ])("rejects %j", (opts, reason) => {
    expect(() => validateSpawnOptions(opts)).toThrow(reason);
    expect(() => validateSpawnOptions(opts)).toThrow(InvalidInputError);
  });
});
