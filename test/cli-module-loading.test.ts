/**
 * A command loads only what it needs: on a unix-socket engine, `hal9000 list` never loads
 * dockerode's BuildKit session (grpc, protobufjs), ssh2 or tar-fs, nor Node's crypto, TLS,
 * zlib or child_process, and those deferred modules still work once something uses them. The
 * npm bin runs the CLI's one-file bundle through V8's code cache, kept in the user's cache
 * folder. (How long a cold `list` takes is a figure for bench/, not an assertion here.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_BIN, cliEnv } from "./cli-harness.js";
import { uniqueName } from "./helpers/index.js";

const run = promisify(execFile);
const REPORT = fileURLToPath(new URL("./fixtures/report-loaded-modules.mjs", import.meta.url));
const CORE = fileURLToPath(new URL("../packages/core/dist/index.js", import.meta.url));
// What those load (the deferred modules themselves sit in the cache as small stand-ins).
const HEAVY = /[\\/]node_modules[\\/](@grpc[\\/]|protobufjs[\\/]|ssh2[\\/]|tar-stream[\\/]|uuid[\\/])/;
// Node's own modules the bundle loads on first use (packages/cli/build/bundle-plugins.ts, LAZY_BUILTINS).
const LAZY_BUILTINS = /^(crypto|https|tls|zlib|child_process|dgram)$/;
const home = mkdtempSync(path.join(tmpdir(), "hal9000-modules-"));

afterAll(() => rmSync(home, { recursive: true, force: true }));

const builtins = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("builtin:"))
    .map((l) => l.slice("builtin:".length));

const loaded = (stderr: string) =>
  stderr
    .split("\n")
    .filter((l) => l.startsWith("loaded:"))
    .map((l) => l.slice("loaded:".length));

describe("module loading", () => {
  it("hal9000 list on the local socket loads the bundle alone: no grpc, protobufjs, ssh2, tar-fs, crypto, TLS, zlib", async () => {
    const env = cliEnv(home, uniqueName("hal9000-modules"), { XDG_CACHE_HOME: path.join(home, "cache") });
    const { stdout, stderr } = await run(process.execPath, ["--import", REPORT, CLI_BIN, "list", "--json"], {
      env,
    });
    expect(JSON.parse(stdout).workers).toEqual([]);
    const files = loaded(stderr);
    expect(files.filter((f) => /node_modules/.test(f))).toEqual([]);
    expect(files.some((f) => f.endsWith(`${path.sep}dist${path.sep}cli.cjs`))).toBe(true);
    expect(files.filter((f) => HEAVY.test(f))).toEqual([]);
    expect(builtins(stderr).filter((m) => LAZY_BUILTINS.test(m))).toEqual([]);
  });

  it("the compile cache is written on the first run, in the user's cache folder, and the next run gives the same answer", async () => {
    const cache = path.join(home, "cache-2");
    const env = cliEnv(home, uniqueName("hal9000-modules"), { XDG_CACHE_HOME: cache });
    const first = await run(process.execPath, [CLI_BIN, "count", "--json"], { env });
    const folder = path.join(cache, "hal9000", "compile-cache");
    const written = readdirSync(folder);
    expect(written).toEqual([expect.stringMatching(/^cli\.cjs-v\d+\.\d+\.\d+-/)]);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const second = await run(process.execPath, [CLI_BIN, "count", "--json"], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe("");
    expect(readdirSync(folder)).toEqual(written);
  });

  it("the deferred modules load on first use and work", async () => {
    // tar-fs (dockerode's build-from-folder) and the BuildKit session, reached as dockerode reaches them.
    const script = `
      import { createRequire } from "node:module";
      await import(${JSON.stringify(CORE)});
      const fromCore = createRequire(${JSON.stringify(CORE)});
      const dockerode = fromCore.resolve("dockerode");
      const fromDockerode = createRequire(dockerode);
      const before = Object.keys(fromCore.cache).filter((f) => /tar-stream|@grpc/.test(f)).length;
      const pack = fromDockerode("tar-fs").pack(${JSON.stringify(path.dirname(CORE))}, { entries: ["version.js"] });
      let bytes = 0;
      for await (const chunk of pack) bytes += chunk.length;
      const session = fromDockerode("./session.js");
      console.log(JSON.stringify({ before, bytes, session: typeof session, grpc: Object.keys(fromCore.cache).some((f) => f.includes("@grpc")) }));
      session.length; // reading a property loads it
      console.log(JSON.stringify({ grpc: Object.keys(fromCore.cache).some((f) => f.includes("@grpc")) }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script]);
    const [first, second] = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first).toEqual({ before: 0, bytes: expect.any(Number), session: "function", grpc: false });
    expect(first.bytes).toBeGreaterThan(512); // a tar with one file: header + content
    expect(second).toEqual({ grpc: true });
  });
});
