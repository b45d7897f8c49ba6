import { WaitTimeoutError } from "@hal9000/core";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld, worker } from "./harness.js";

afterAll(cleanupHomes);

const world = (over = {}) => newWorld({ workers: [worker("alpha"), worker("beta")], ...over });

describe("talking to a live agent", () => {
  test("attach reaches the agent's session; --shell and shell open a shell", async () => {
    const w = world();
    expect((await cli(["attach", "alpha"], { world: w })).code).toBe(0);
    expect(called(w, "attach").map((a) => a[0])).toEqual(["alpha"]);
    const viaFlag = await cli(["attach", "--shell", "alpha"], { world: w });
    const viaCommand = await cli(["shell", "beta"], { world: w });
    expect([viaFlag.stdout, viaCommand.stdout]).toEqual(["shell in alpha\n", "shell in beta\n"]);
    expect(called(w, "shell").map((a) => a[0])).toEqual(["alpha", "beta"]);
    expect((await cli(["shell", "beta", "--json"], { world: w })).code).toBe(EXIT.FAILURE);
  });

  test("send gives a prompt (or stdin with -); --wait prints the state it came to", async () => {
    const w = world();
    const sent = await cli(["send", "alpha", "run the tests"], { world: w });
    expect(sent).toMatchObject({ code: 0, stdout: "sent to alpha\n" });
    await cli(["send", "alpha", "-"], { world: w, stdin: "two\nlines\n" });
    expect(called(w, "send").map((a) => a[1])).toEqual(["run the tests", "two\nlines\n"]);
    const waited = await cli(["send", "beta", "go", "--wait", "--timeout", "2m", "--json"], { world: w });
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ name: "beta", state: "idle" });
    expect(called(w, "send")[2]?.[2]).toEqual({ wait: true, timeoutMs: 120_000 });
  });

  test.each([
    [["send", "alpha", "  "], /the prompt is empty/],
    [["send", "alpha", "x", "--timeout", "5"], /--timeout needs --wait/],
    [["wait"], /name the workers to wait for, or give --all/],
    [["wait", "alpha", "--all"], /not both/],
    [["wait", "alpha", "--until", "bored"], /invalid until "bored"/],
  ])("%j is a usage error", async (args, message) => {
    const r = await cli(args, { world: world() });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(message);
  });

  test("wait: each worker's state; a timeout exits 124 (as timeout(1)) saying where they were", async () => {
    const w = world();
    const r = await cli(["wait", "--all", "--until", "idle"], { world: w });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^alpha {2}idle/m);
    expect(r.stdout).toMatch(/^beta {2}idle/m);
    expect(called(w, "waitFor")[0]?.[0]).toEqual({ names: undefined, until: "idle", timeoutMs: undefined });
    const late = await cli(["wait", "alpha", "--timeout", "1s"], {
      world: world({
        waitFails: new WaitTimeoutError("timed out after 1000 ms waiting for settled (alpha: working)", []),
      }),
    });
    expect(late.code).toBe(EXIT.TIMED_OUT);
    expect(late.stderr).toContain("timed out after 1000 ms waiting for settled (alpha: working)");
  });

  test("watch --json: one JSON object a line", async () => {
    const r = await cli(["watch", "--json"], { world: world() });
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.name, l.state, l.lastTool])).toEqual([
      ["alpha", "working", "Edit"],
      ["beta", "working", "Edit"],
    ]);
  });
});
