/**
 * The Claude CLI download uses the npm settings a user already has: a registry and its token
 * from .npmrc, a company CA (`cafile`), HTTPS_PROXY and NO_PROXY. Everything is on loopback: an
 * HTTPS registry stub and a CONNECT proxy that records what passed through it.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BuildFailedError } from "@hal9000/core";
import { fetchClaudeCli } from "@hal9000/images";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import { tempDir, uniqueName } from "./helpers/index.js";
import {
  type ConnectProxy,
  type NpmRegistryStub,
  startConnectProxy,
  startNpmRegistry,
} from "./helpers/npm-network.js";

const VERSION = "9.9.9-proxytest";
const TOKEN = "npm_test_token_0123456789";
let work: Awaited<ReturnType<typeof tempDir>>;
let registry: NpmRegistryStub;
let proxy: ConnectProxy;
let npmrc: string;

beforeAll(async () => {
  work = await tempDir("hal9000-npm-network-");
  registry = await startNpmRegistry(
    join(work.home, "certs"),
    VERSION,
    `#!/bin/sh\necho ${VERSION} (Claude Code)\n`,
  );
  proxy = await startConnectProxy();
  npmrc = join(work.home, "user.npmrc");
  // As a user would write it: the token from the environment, never in the file.
  await writeFile(
    npmrc,
    [
      `registry=${registry.url}`,
      `//127.0.0.1:${registry.port}/:_authToken=\${NPM_TOKEN}`,
      `cafile=${registry.caFile}`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await proxy?.close();
  await registry?.close();
  await work?.remove();
});

/** The environment of a user behind the proxy, with a fresh hal9000 cache. */
async function userEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const cache = join(work.home, uniqueName("cache"));
  await mkdir(cache);
  return {
    HOME: work.home,
    npm_config_userconfig: npmrc,
    NPM_TOKEN: TOKEN,
    HTTPS_PROXY: proxy.url,
    NO_PROXY: "",
    HAL9000_CACHE_DIR: cache,
    ...extra,
  };
}

describe("fetchClaudeCli with the user's npm settings", () => {
  it("goes through HTTPS_PROXY (CONNECT) to the .npmrc registry, with its token and CA", async () => {
    const env = await userEnv();
    proxy.passed.length = 0;
    registry.requests.length = 0;
    const got = await fetchClaudeCli({ version: VERSION, platform: "linux-x64", env, cwd: work.home });
    expect(await readFile(got.binary, "utf8")).toContain(`${VERSION} (Claude Code)`);
    // Every request went through the tunnel, and nothing else did.
    expect(new Set(proxy.passed)).toEqual(new Set([`CONNECT 127.0.0.1:${registry.port}`]));
    expect(registry.requests).toEqual([
      { url: "/@anthropic-ai%2fclaude-code-linux-x64", authorization: `Bearer ${TOKEN}` },
      { url: `/claude-${VERSION}.tgz`, authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("goes direct when NO_PROXY names the registry's host", async () => {
    const env = await userEnv({ NO_PROXY: "localhost,127.0.0.1" });
    proxy.passed.length = 0;
    registry.requests.length = 0;
    await fetchClaudeCli({ version: VERSION, platform: "linux-x64", env, cwd: work.home });
    expect(proxy.passed).toEqual([]);
    expect(registry.requests).toHaveLength(2);
  });

  it("a proxy that refuses is named in the error, with how to fix it; nothing is cached", async () => {
    const refusing = await startConnectProxy({ refuse: true });
    try {
      const env = await userEnv({ HTTPS_PROXY: refusing.url });
      const err = await fetchClaudeCli({
        version: VERSION,
        platform: "linux-x64",
        env,
        cwd: work.home,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BuildFailedError);
      expect((err as BuildFailedError).message).toBe(
        `cannot reach the npm registry at ${registry.url}: the proxy ${refusing.url} refused CONNECT 127.0.0.1:${registry.port}: 407 Proxy Authentication Required`,
      );
      expect((err as BuildFailedError).hint).toMatch(
        /^check HTTPS_PROXY \/ https-proxy, or list the registry's host in NO_PROXY/,
      );
      expect(refusing.passed).toEqual([`CONNECT 127.0.0.1:${registry.port}`]);
      await expect(readFile(join(env.HAL9000_CACHE_DIR as string, "claude-code", VERSION))).rejects.toThrow(
        /ENOENT/,
      );
    } finally {
      await refusing.close();
    }
  });

  it("without the CA from .npmrc the registry's certificate is refused (it is really checked)", async () => {
    const plain = join(work.home, "no-ca.npmrc");
    await writeFile(plain, `registry=${registry.url}\n`);
    const env = await userEnv({ npm_config_userconfig: plain });
    const err = await fetchClaudeCli({ version: VERSION, platform: "linux-x64", env, cwd: work.home }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BuildFailedError);
    expect((err as BuildFailedError).message).toMatch(/certificate/);
    expect((err as BuildFailedError).hint).toMatch(
      /^if the registry \(or a proxy\) uses a company CA, point cafile= in \.npmrc at it/,
    );
    await rm(plain);
  });
});

describe("hal9000 build behind the proxy", () => {
  const docker = new Docker();
  const tag = `${uniqueName("hal9000-clitest-npm")}/worker:test`;
  afterAll(async () => {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it("build worker downloads the Claude CLI through HTTPS_PROXY with the .npmrc registry and token", async () => {
    const home = await tempDir("hal9000-clitest-npm-home-");
    try {
      proxy.passed.length = 0;
      registry.requests.length = 0;
      const r = await hal9000(
        ["build", "worker", "--worker-image", tag, "--claude-version", VERSION, "--json"],
        cliEnv(home.home, "unused", await userEnv()),
        { cwd: work.home },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).built).toEqual([
        { target: "worker", tag, id: expect.stringMatching(/^sha256:/), size: expect.any(Number) },
      ]);
      expect(r.stderr).toContain(`through the proxy 127.0.0.1:${new URL(proxy.url).port}`);
      expect(new Set(proxy.passed)).toEqual(new Set([`CONNECT 127.0.0.1:${registry.port}`]));
      expect(registry.requests.map((q) => q.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
      const info = await docker.getImage(tag).inspect();
      expect(info.Config.Labels["hal9000.claude-version"]).toBe(VERSION);
    } finally {
      await home.remove();
    }
  });
});
