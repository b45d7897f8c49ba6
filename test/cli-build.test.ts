/**
 * `hal9000 build` through the binary: the parent image is built with this CLI's bundle in it.
 * Built under a test tag (--parent-image), so the shared hal9000/parent:latest is left alone.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_BUNDLE, cliEnv, hal9000 } from "./cli-harness.js";
import { testContainer } from "./helpers/containers.js";
import { cleanupFleet, tempDir, uniqueName } from "./helpers/index.js";

const docker = new Docker();
const owner = uniqueName("hal9000-clitest");
const tag = `${owner}/parent:test`;

afterAll(async () => {
  await cleanupFleet(docker, "unused", owner);
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);
});

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("hal9000 build", () => {
  it("build parent --json: one document; the image carries this CLI's bundle", async () => {
    const home = await tempDir("hal9000-clitest-build-");
    try {
      const r = await hal9000(
        ["build", "parent", "--parent-image", tag, "--json"],
        cliEnv(home.home, "unused"),
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.built).toEqual([
        { target: "parent", tag, id: expect.stringMatching(/^sha256:/), size: expect.any(Number) },
      ]);
      expect(doc.report.images.find((i: { tag: string }) => i.tag === tag)).toMatchObject({
        target: "parent",
      });
      // Progress went to stderr, one plain line per step off a terminal.
      expect(r.stderr).toMatch(/^\[parent\] Step 1\/\d+ : FROM debian:bookworm-slim( AS \S+)?$/m);
      expect(r.stderr).toMatch(/^\[parent\] built /m);

      const info = await docker.getImage(tag).inspect();
      expect(info.Config.Labels["hal9000.version"]).toBe((await hal9000(["--version"], {})).stdout.trim());
      const container = await testContainer(tag, owner).withCommand(["sleep", "infinity"]).start();
      try {
        const archive = await container.copyArchiveFromContainer("/opt/hal9000/hal9000.cjs");
        const chunks: Buffer[] = [];
        for await (const c of archive) chunks.push(Buffer.from(c as Buffer));
        const tar = Buffer.concat(chunks);
        const size = Number.parseInt(tar.subarray(124, 136).toString().trim(), 8);
        expect(sha256(tar.subarray(512, 512 + size))).toBe(sha256(await readFile(CLI_BUNDLE)));
      } finally {
        await container.stop({ remove: true });
      }
    } finally {
      await home.remove();
    }
  });

  it("an invalid target is a usage error, nothing built", async () => {
    const r = await hal9000(["build", "everything"], cliEnv("/nonexistent-hal9000-home", "unused"));
    expect(r).toEqual({
      code: 125,
      signal: null,
      stdout: "",
      stderr:
        'hal9000: invalid build target "everything"\n  hint: choose one of: parent, worker, worker-minimal, all\n',
    });
  });
});
