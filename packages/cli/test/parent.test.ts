import { afterAll, describe, expect, test } from "vitest";
import { called, cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

describe("parent start|stop|restart|status", () => {
  test("start, then start again (idempotent), status, stop, restart", async () => {
    const world = newWorld();
    const start = await cli(["parent", "start"], { world });
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      /^started: parent hal9000-parent: running \(image hal9000\/parent:latest, hal9000 0\.1\.0, up 0s, id parentid0123\)\n$/,
    );
    const again = await cli(["parent", "start"], { world });
    expect(again.stdout).toMatch(/^already running: parent hal9000-parent: running/);
    const status = await cli(["parent", "status"], { world });
    expect(status.stdout).toMatch(/^parent hal9000-parent: running/);
    const stop = await cli(["parent", "stop"], { world });
    expect(stop.stdout).toMatch(/^stopped: parent hal9000-parent: exited/);
    const restart = await cli(["parent", "restart"], { world });
    expect(restart.stdout).toMatch(/^restarted: parent hal9000-parent: running/);
    expect(called(world, "startParent")).toHaveLength(3);
  });

  test("status of a missing parent; --json; --parent-name", async () => {
    const world = newWorld();
    const r = await cli(["parent", "status", "--parent-name", "other-parent"], { world });
    expect(r).toMatchObject({ code: 0, stdout: "parent other-parent: missing\n" });
    const json = await cli(["parent", "status", "--json"], { world });
    expect(JSON.parse(json.stdout)).toEqual({ name: "hal9000-parent", state: "missing" });
  });
});
