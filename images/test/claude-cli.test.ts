import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { BuildFailedError, InvalidInputError } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildEvent } from "../src/build-event.js";
import { fetchClaudeCli } from "../src/claude-cli.js";
import { makeTarball, tempDir } from "./helpers.js";

/**
 * A stand-in npm registry on loopback serving @anthropic-ai/claude-code-linux-x64:
 * 1.0.0 and 1.0.1 (latest) are sound, 6.6.6 is published with another file's integrity,
 * 7.7.7's tarball stalls half way.
 */
const PKG_PATH = "/@anthropic-ai%2fclaude-code-linux-x64";
const binaries: Record<string, Buffer> = {
  "1.0.0": Buffer.from("#!/bin/sh\necho 1.0.0 (Claude Code)\n"),
  "1.0.1": Buffer.from("#!/bin/sh\necho 1.0.1 (Claude Code)\n"),
  "6.6.6": Buffer.from("tampered"),
  "7.7.7": Buffer.alloc(300_000, 1),
};
const tarballs: Record<string, Buffer> = {};
const hits: string[] = [];
let server: Server;
let registry: string;
let onStall: () => void = () => {};

const sri = (data: Buffer) => `sha512-${createHash("sha512").update(data).digest("base64")}`;

beforeAll(async () => {
  for (const [v, bin] of Object.entries(binaries)) {
    tarballs[v] = await makeTarball([
      { name: "package/package.json", content: `{"name":"x","version":"${v}"}` },
      { name: "package/claude", content: bin, mode: 0o755 },
    ]);
  }
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === PKG_PATH) {
      const versions = Object.fromEntries(
        Object.keys(binaries).map((v) => [
          v,
          {
            name: "@anthropic-ai/claude-code-linux-x64",
            version: v,
            dist: {
              integrity: v === "6.6.6" ? sri(tarballs["1.0.0"] as Buffer) : sri(tarballs[v] as Buffer),
              tarball: `${registry}tarballs/${v}.tgz`,
            },
          },
        ]),
      );
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ "dist-tags": { latest: "1.0.1" }, versions }));
      return;
    }
    const m = /^\/tarballs\/(.+)\.tgz$/.exec(req.url ?? "");
    const body = m?.[1] ? tarballs[m[1]] : undefined;
    if (!body) {
      res.statusCode = 404;
      res.end("{}");
      return;
    }
    res.setHeader("content-length", body.length);
    if (m?.[1] === "7.7.7") {
      res.write(body.subarray(0, body.length / 2));
      onStall();
      return; // never ends
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const opts = (cacheDir: string) => ({ cacheDir, registry, platform: "linux-x64" as const, env: {} });

describe("fetchClaudeCli against a registry", () => {
  it("downloads, verifies and caches the binary; a second call does not fetch again", async () => {
    const cacheDir = await tempDir();
    const events: BuildEvent[] = [];
    const first = await fetchClaudeCli({
      ...opts(cacheDir),
      version: "1.0.0",
      onProgress: (e) => events.push(e),
    });
    const binary = join(cacheDir, "claude-code", "1.0.0", "linux-x64", "claude");
    expect(first).toEqual({
      binary,
      version: "1.0.0",
      integrity: sri(tarballs["1.0.0"] as Buffer),
      cached: false,
    });
    expect(await readFile(binary)).toEqual(binaries["1.0.0"]);
    expect((await stat(binary)).mode & 0o777).toBe(0o755);
    expect(events.every((e) => e.kind === "fetch" && e.target === "worker")).toBe(true);
    expect(events.map((e) => e.message).join("\n")).toMatch(/downloading/);

    const before = hits.length;
    const again = await fetchClaudeCli({ ...opts(cacheDir), version: "1.0.0" });
    expect(again).toEqual({ ...first, cached: true });
    expect(hits.length).toBe(before);
    // No temp files left beside the binary.
    expect(await filesUnder(cacheDir)).toEqual([binary, `${binary}.json`]);
  });

  it("resolves a dist-tag and takes the version from HAL9000_CLAUDE_VERSION", async () => {
    const cacheDir = await tempDir();
    const got = await fetchClaudeCli({ ...opts(cacheDir), env: { HAL9000_CLAUDE_VERSION: "latest" } });
    expect(got.version).toBe("1.0.1");
    expect(await readFile(got.binary, "utf8")).toContain("1.0.1 (Claude Code)");
  });

  it("refuses a tarball whose integrity does not match and leaves nothing in the cache", async () => {
    const cacheDir = await tempDir();
    const err = await fetchClaudeCli({ ...opts(cacheDir), version: "6.6.6" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as Error).message).toMatch(
      /integrity check failed for @anthropic-ai\/claude-code-linux-x64@6\.6\.6/,
    );
    expect(await filesUnder(cacheDir)).toEqual([]);
    expect(await readdir(join(cacheDir, "claude-code")).catch(() => [])).toEqual([]);
  });

  it("says which version does not exist and what the latest is", async () => {
    const cacheDir = await tempDir();
    const err = await fetchClaudeCli({ ...opts(cacheDir), version: "0.0.9" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toBe(
      'Claude CLI version "0.0.9" does not exist (@anthropic-ai/claude-code-linux-x64)',
    );
    expect((err as InvalidInputError).hint).toMatch(/latest is 1\.0\.1/);
  });

  it("an abort mid-download rejects and leaves no half file", async () => {
    const cacheDir = await tempDir();
    const controller = new AbortController();
    onStall = () => setTimeout(() => controller.abort(), 50);
    const err = await fetchClaudeCli({
      ...opts(cacheDir),
      version: "7.7.7",
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it("reports an unreachable registry with a hint", async () => {
    const cacheDir = await tempDir();
    const err = await fetchClaudeCli({
      ...opts(cacheDir),
      version: "1.0.0",
      registry: "http://127.0.0.1:1/",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as BuildFailedError).message).toMatch(
      /cannot reach the npm registry at http:\/\/127\.0\.0\.1:1\//,
    );
    expect((err as BuildFailedError).hint).toMatch(/npm_config_registry/);
  });
});
