/**
 * The one-file CLI bundle the parent image carries: self-contained (no native addons, no
 * packages to install) and working on the parent's Debian Node 18 against the Docker socket.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { builtinModules } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_BIN, CLI_BUNDLE } from "./cli-harness.js";
import { type OneShotResult, runToCompletion, testContainer } from "./helpers/containers.js";
import { TEST_LABEL, uniqueName } from "./helpers/index.js";

const docker = new Docker();
const owner = uniqueName("hal9000-clitest-bundle");

afterAll(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${owner}`] } });
  await Promise.all(
    left.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
});

/** Runs the parent image with `cmd` (its entrypoint execs arguments) and the bundle mounted at /b. */
function inParentImage(cmd: string[]): Promise<OneShotResult> {
  return runToCompletion(
    docker,
    testContainer("hal9000/parent:latest", owner)
      .withCommand(cmd)
      .withEnvironment({ NO_COLOR: "1" })
      .withBindMounts([
        { source: path.dirname(CLI_BUNDLE), target: "/b", mode: "ro" },
        { source: "/var/run/docker.sock", target: "/var/run/docker.sock" },
      ]),
  );
}

describe("dist/bundle/hal9000.cjs", () => {
  it("is one file that requires nothing but Node builtins", async () => {
    expect(await readdir(path.dirname(CLI_BUNDLE))).toEqual(["hal9000.cjs"]);
    const text = await readFile(CLI_BUNDLE, "utf8");
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1] as string));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const foreign = [...required].filter((r) => !builtins.has(r)).sort();
    // ssh2 and its optional native addons are left out; debug's optional supports-color is inlined.
    expect(foreign).toEqual([]);
  });

  it("leaves out ssh2, grpc, protobufjs and tar-fs, never used in the parent, and stays under 0.9 MB", async () => {
    const text = await readFile(CLI_BUNDLE, "utf8");
    // esbuild heads each bundled module with its path: what is inlined can be read off them.
    const inlined = new Set(
      [...text.matchAll(/^\/\/ \S*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1] as string),
    );
    expect(inlined).toContain("dockerode"); // the check sees packages at all
    const leftOut = [
      "ssh2",
      "@grpc/grpc-js",
      "@grpc/proto-loader",
      "protobufjs",
      "tar-fs",
      "uuid",
      "readable-stream",
    ];
    expect(leftOut.filter((name) => inlined.has(name))).toEqual([]);
    // In their place a stub that fails with a clear message if the parent ever calls one.
    expect(text).toContain("is left out of the parent image's hal9000 bundle");
    // Issue 9's goal: at most 0.9 MB (763 kB once the CLI's own parser replaced yargs).
    expect((await stat(CLI_BUNDLE)).size).toBeLessThanOrEqual(900_000);
  });

  it("an ssh:// engine is refused with a clear message (the npm CLI keeps ssh2)", async () => {
    const run = promisify(execFile);
    const err = (await run(process.execPath, [CLI_BUNDLE, "status"], {
      env: { ...process.env, DOCKER_HOST: "ssh://nobody@127.0.0.1:1", NO_COLOR: "1" },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).not.toBe(0);
    expect(err.stderr).toContain("ssh2 is left out of the parent image's hal9000 bundle");
    expect(err.stderr).toContain("use the npm CLI (npx @hal9000/cli)");
  });

  it("prints the same version as the npm bin", async () => {
    const run = promisify(execFile);
    const bundle = await run(process.execPath, [CLI_BUNDLE, "--version"]);
    const bin = await run(process.execPath, [CLI_BIN, "--version"]);
    expect(bundle.stdout).toBe(bin.stdout);
    expect(bundle.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("runs on the parent image's Node 18 and talks to Docker through the socket", async () => {
    const node = await inParentImage(["node", "--version"]);
    expect(node.stdout).toMatch(/^v18\./);
    const help = await inParentImage(["node", "/b/hal9000.cjs", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("hal9000 spawn [project_dir]");
    const doctor = await inParentImage([
      "node",
      "/b/hal9000.cjs",
      "doctor",
      "--json",
      "--parent-name",
      owner,
    ]);
    const doc = JSON.parse(doctor.stdout);
    const docker = doc.checks.find((c: { name: string }) => c.name === "docker");
    expect(docker).toMatchObject({ ok: true });
    expect(docker.detail).toMatch(/^Docker \S+, API 1\.\d+/);
    // The image's own copy on PATH is a build of the same CLI.
    const own = await inParentImage(["hal9000", "--version"]);
    expect(own).toMatchObject({
      code: 0,
      stdout: (await inParentImage(["node", "/b/hal9000.cjs", "--version"])).stdout,
    });
  });
});
