import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

const withParent = () => newWorld({ parent: { name: "hal9000-parent", state: "running" } });

describe("spawn: limits and the host's Claude config", () => {
  test("--memory, --cpus, --pids-limit and --mount-claude-config reach core", async () => {
    const world = withParent();
    const r = await cli(
      [
        "spawn",
        "-d",
        "--memory",
        "2g",
        "--cpus",
        "1.5",
        "--pids-limit",
        "256",
        "--mount-claude-config",
        "/p",
      ],
      { world },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(called(world, "spawn")[0]?.[0]).toMatchObject({
      project: "/p",
      memory: "2g",
      cpus: 1.5,
      pidsLimit: 256,
      mountClaudeConfig: true,
    });
  });

  test("without them, core's defaults (the config) apply", async () => {
    const world = withParent();
    await cli(["spawn", "-d"], { world });
    const opts = called(world, "spawn")[0]?.[0] as Record<string, unknown>;
    expect(opts.memory).toBeUndefined();
    expect(opts.cpus).toBeUndefined();
    expect(opts.pidsLimit).toBeUndefined();
    expect(opts.mountClaudeConfig).toBeUndefined();
  });

  test.each([
    [["--cpus", "two"], /--cpus expects a number, got "two"/],
    [["--pids-limit", "many"], /--pids-limit expects a number, got "many"/],
    [["--memory"], /option --memory needs a value/],
  ])("%j is a usage error and spawns nothing", async (args, message) => {
    const world = withParent();
    const r = await cli(["spawn", "-d", ...args], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(message);
    expect(called(world, "spawn")).toEqual([]);
  });
});
