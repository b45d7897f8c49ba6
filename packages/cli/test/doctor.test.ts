import { afterAll, describe, expect, test } from "vitest";
import type { McpRelayStatus } from "../src/api.js";
import { EXIT } from "../src/exit-codes.js";
import { cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

describe("doctor", () => {
  test("all good: exit 0", async () => {
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running", version: "0.1.0" } });
    const init = await cli(["volumes", "init"], { world });
    const r = await cli(["doctor"], { world, home: init.home });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      `✓ config  ${init.home}/config/hal9000.conf`,
      `✓ home    ${init.home}`,
      "✓ socket  /var/run/docker.sock",
      "✓ docker  Docker 20.10.24, API 1.41 (linux/amd64) at unix:///var/run/docker.sock",
      "✓ image   hal9000/parent:latest (hal9000 0.1.0, 250 MB)",
      "✓ image   hal9000/worker:latest (hal9000 0.1.0, 250 MB)",
      "✓ parent  hal9000-parent running (hal9000 0.1.0)",
      "all good",
    ]);
    expect(r.stderr).toBe("");
  });

  test("each problem with what to fix; exit 1", async () => {
    const world = newWorld({
      images: new Map([["hal9000/parent:latest", "0.0.1"]]),
      parent: { name: "hal9000-parent", state: "exited" },
    });
    const r = await cli(["doctor"], { world });
    expect(r.code).toBe(EXIT.PROBLEMS);
    expect(r.stdout).toContain(
      `✗ home    ${r.home} does not exist\n          fix: hal9000 volumes init (or hal9000 up)`,
    );
    expect(r.stdout).toContain(
      "✗ image   hal9000/worker:latest is missing\n          fix: hal9000 build worker",
    );
    expect(r.stdout).toContain(
      "✗ image   hal9000/parent:latest is from hal9000 0.0.1, this is 0.1.0\n          fix: hal9000 build parent",
    );
    expect(r.stdout).toContain("✗ parent  hal9000-parent is exited\n          fix: hal9000 parent start");
    expect(r.stdout).toContain("4 problems found");
    expect(r.stderr).toBe("hal9000: doctor found 4 problems\n");
  });

  test("Docker unreachable: socket and docker fail with hints", async () => {
    const r = await cli(["doctor", "--json"], { world: newWorld({ dockerUp: false }) });
    expect(r.code).toBe(EXIT.PROBLEMS);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    const byName = Object.fromEntries(doc.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName.socket).toMatchObject({ ok: false, detail: "/var/run/docker.sock does not exist" });
    expect(byName.socket.hint).toContain("-v /var/run/docker.sock:/var/run/docker.sock");
    expect(byName.docker).toMatchObject({ ok: false, hint: "start Docker, or set DOCKER_HOST" });
  });

  test("--json when all good", async () => {
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running", version: "0.1.0" } });
    const init = await cli(["volumes", "init"], { world });
    const doc = JSON.parse((await cli(["doctor", "--json"], { world, home: init.home })).stdout);
    expect(doc).toMatchObject({ ok: true, version: "0.1.0" });
    expect(doc.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  describe("the MCP relay", () => {
    const parent = { name: "hal9000-parent", state: "running" as const, version: "0.1.0" };
    const relay = (over: Partial<McpRelayStatus>): McpRelayStatus => ({
      state: "running",
      configured: ["memory", "thinking"],
      socket: "/h/run/mcp-relay.sock",
      ...over,
    });

    test("serving the configured servers: a passing check naming them", async () => {
      const world = newWorld({ parent, mcp: relay({ pid: 4242 }) });
      const init = await cli(["volumes", "init"], { world });
      const r = await cli(["doctor"], { world, home: init.home });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("✓ mcp     relay running (pid 4242): memory, thinking\n");
    });

    test("configured but stopped: a problem saying why and how to start it", async () => {
      const mcp = relay({
        state: "stopped",
        why: "the relay is not running on the host",
        hint: "start it on the host: hal9000 mcp relay -d (log: /h/logs/mcp-relay.log)",
      });
      const world = newWorld({ parent, mcp });
      const init = await cli(["volumes", "init"], { world });
      const r = await cli(["doctor"], { world, home: init.home });
      expect(r.code).toBe(EXIT.PROBLEMS);
      expect(r.stdout).toContain(
        "✗ mcp     relay stopped: the relay is not running on the host\n          fix: start it on the host: hal9000 mcp relay -d (log: /h/logs/mcp-relay.log)",
      );
    });

    test("no server configured: no mcp check at all", async () => {
      const world = newWorld({ parent });
      const init = await cli(["volumes", "init"], { world });
      const doc = JSON.parse((await cli(["doctor", "--json"], { world, home: init.home })).stdout);
      expect(doc.checks.map((c: { name: string }) => c.name)).not.toContain("mcp");
    });
  });
});
