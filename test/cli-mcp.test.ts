/**
 * The MCP relay as a user drives it from the shell, with the built CLI against the real engine:
 * `mcp add`, then `up` starts the relay beside the parent; `status`, `doctor` and `mcp list`
 * show it serving; stopped, they say why and how to start it again.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import { cleanupFleet, type TempHome, tempHome, uniqueName, waitFor } from "./helpers/index.js";

const require = createRequire(import.meta.url);
const MEMORY = path.join(
  path.dirname(require.resolve("@modelcontextprotocol/server-memory/package.json")),
  "dist",
  "index.js",
);

let home: TempHome;
let parentName: string;
let env: NodeJS.ProcessEnv;
const run = (...args: string[]) => hal9000(args, env);

beforeAll(async () => {
  home = await tempHome();
  parentName = uniqueName("hal9000-test");
  env = cliEnv(home.home, parentName);
});

afterAll(async () => {
  await run("mcp", "relay", "stop");
  const { connectDocker } = await import("@hal9000/core");
  await cleanupFleet(connectDocker(), parentName);
  await home?.remove();
});

describe("the MCP relay from the CLI", () => {
  it("up starts the relay when servers are configured; status, doctor and mcp list show it serving", async () => {
    const add = await run(
      "mcp",
      "add",
      "memory",
      "-e",
      `MEMORY_FILE_PATH=${home.home}/m.jsonl`,
      "--",
      process.execPath,
      MEMORY,
    );
    expect(add.code, add.stderr).toBe(0);

    const up = await run("up");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^✓ MCP relay running \(pid \d+; memory\) — started$/m);

    const status = await run("status");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^MCP relay: running \(pid \d+\) — memory \(0 sessions, 0 calls\)$/m);

    const doctor = await run("doctor", "--json");
    const mcp = JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "mcp");
    expect(mcp).toMatchObject({ ok: true });
    expect(mcp.detail).toMatch(/^relay running \(pid \d+\): memory$/);

    const list = await run("mcp", "list", "--json");
    expect(JSON.parse(list.stdout)).toMatchObject({
      relay: { state: "running" },
      servers: [{ name: "memory", command: process.execPath, args: [MEMORY] }],
    });

    // A second up leaves the running relay alone.
    const again = await run("up");
    expect(again.stdout).toMatch(/^✓ MCP relay running \(pid \d+; memory\)$/m);
  });

  it("stopped, the relay shows as stopped in status with the hint, and doctor fails with it", async () => {
    const stop = await run("mcp", "relay", "stop");
    expect(stop.stdout).toMatch(/^stopped the MCP relay \(pid \d+\)$/m);
    const status = await waitFor("status to show the relay stopped", async () => {
      const r = await run("status");
      return /MCP relay: stopped/.test(r.stdout) ? r : undefined;
    });
    expect(status.stdout).toMatch(/^MCP relay: stopped: the relay is not running on the host — memory$/m);
    expect(status.stdout).toMatch(/^ {2}hint: start it on the host: hal9000 mcp relay -d/m);

    const doctor = await run("doctor");
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain("✗ mcp     relay stopped: the relay is not running on the host");
    expect(doctor.stdout).toMatch(/fix: start it on the host: hal9000 mcp relay -d/);
  });
});
