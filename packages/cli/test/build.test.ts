import { BuildFailedError } from "@hal9000/core";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

describe("build", () => {
  test("default all: every image, plain progress off a terminal, then the size report", async () => {
    const world = newWorld();
    const r = await cli(["build"], { world });
    expect(r.code).toBe(0);
    expect(world.builds[0]).toMatchObject({
      targets: ["parent", "worker", "worker-minimal"],
      cliBundle: "/fake/dist/bundle/hal9000.cjs",
      noCache: false,
      claudeVersion: undefined,
    });
    expect(r.stderr.split("\n")).toEqual([
      "[parent] Step 1/2 : FROM debian:bookworm-slim",
      "[parent] built hal9000/parent:latest",
      "[worker] Step 1/2 : FROM debian:bookworm-slim",
      "[worker] built hal9000/worker:latest",
      "[worker-minimal] Step 1/2 : FROM debian:bookworm-slim",
      "[worker-minimal] built hal9000/worker-minimal:latest",
      "",
    ]);
    expect(r.stdout).toMatch(/^built 3 images in \d+s:\n {2}hal9000\/parent:latest \(250 MB\)\n/);
    expect(r.stdout).toMatch(/IMAGE\s+TAG\s+SIZE\s+ABOVE BASE\s+CLAUDE\s+HAL9000/);
    expect(r.stdout).toMatch(
      /worker\s+hal9000\/worker:latest\s+250 MB\s+170 MB\s+2\.1\.0 \(150 MB\)\s+0\.1\.0/,
    );
  });

  test("one target, --claude-version and --no-cache", async () => {
    const world = newWorld();
    const r = await cli(["build", "worker", "--claude-version", "2.0.1", "--no-cache"], { world });
    expect(r.code).toBe(0);
    expect(world.builds[0]).toMatchObject({ targets: ["worker"], claudeVersion: "2.0.1", noCache: true });
    expect(r.stdout).toMatch(/^built hal9000\/worker:latest \(250 MB\) in \d+s\n/);
    expect(world.builds[0]?.cliBundle).toBeUndefined();
  });

  test("--verbose also shows the daemon's log lines", async () => {
    const r = await cli(["build", "parent", "--verbose"]);
    expect(r.stderr).toContain("[parent] apt-get install tmux");
  });

  test("on a terminal: one line per image, rewritten in place", async () => {
    const r = await cli(["build", "worker-minimal"], { tty: true, env: { NO_COLOR: "1" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("\r\u001b[2K… worker-minimal Step 1/2");
    expect(r.stderr).toContain("\u001b[1A\r\u001b[2K✓ worker-minimal built hal9000/worker-minimal:latest\n");
  });

  test("--json: the built images and the report in one document; progress on stderr", async () => {
    const r = await cli(["build", "parent", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.built).toEqual([
      { target: "parent", tag: "hal9000/parent:latest", id: "sha256:parent", size: 250_000_000 },
    ]);
    expect(doc.report.images.map((i: { target: string }) => i.target)).toContain("parent");
    expect(r.stderr).toContain("[parent]");
  });

  test("a failed build: exit 1 with the builder's message and hint", async () => {
    const world = newWorld({
      buildFails: new BuildFailedError(
        "building hal9000/worker:latest failed at step 3: apt-get exited 100",
        {
          hint: "run with --verbose to see the build log",
        },
      ),
    });
    const r = await cli(["build", "worker"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toBe(
      "hal9000: building hal9000/worker:latest failed at step 3: apt-get exited 100\n  hint: run with --verbose to see the build log\n",
    );
  });
});
