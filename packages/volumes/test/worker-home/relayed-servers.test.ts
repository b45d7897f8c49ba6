import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withRelayedServers, writeRelayedServers } from "../../src/index.js";
import { tempDir } from "../temp-dir.js";

/** Core's relay address (core/mcp/worker-mcp.ts decides it; here it is only a prefix). */
const RELAY_URL_PREFIX = "http://127.0.0.1:39090/mcp/";
const relay = (servers: string[], token: string) => ({ servers, token, urlPrefix: RELAY_URL_PREFIX });
const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

describe("withRelayedServers", () => {
  it("adds the relayed servers beside the user's own, keeping every other key", () => {
    const mine = { command: "my-tool" };
    const { config, relayed, shadowed } = withRelayedServers(
      { hasCompletedOnboarding: true, mcpServers: { mine } },
      relay(["memory"], "w.t"),
    );
    expect(relayed).toEqual(["memory"]);
    expect(shadowed).toEqual([]);
    expect(config).toEqual({
      hasCompletedOnboarding: true,
      mcpServers: {
        mine,
        memory: { type: "http", url: `${RELAY_URL_PREFIX}memory`, headers: { Authorization: "Bearer w.t" } },
      },
    });
  });

  it("never replaces a user's server of the same name, and drops relayed ones no longer configured", () => {
    const users = { command: "their-memory" };
    const old = { type: "http", url: `${RELAY_URL_PREFIX}gone`, headers: {} };
    const { config, relayed, shadowed } = withRelayedServers(
      { mcpServers: { memory: users, gone: old } },
      relay(["memory", "thinking"], "w.t"),
    );
    expect(shadowed).toEqual(["memory"]);
    expect(relayed).toEqual(["thinking"]);
    expect(Object.keys(config.mcpServers as object).sort()).toEqual(["memory", "thinking"]);
    expect((config.mcpServers as Record<string, unknown>).memory).toBe(users);
  });

  it("leaves a config without servers alone when nothing is relayed", () => {
    expect(withRelayedServers({ a: 1 }, relay([], "t")).config).toEqual({ a: 1 });
  });
});

describe("writeRelayedServers", () => {
  it("writes ~/.claude.json private to the worker, with the credential only there", async () => {
    const home = await tempDir();
    const r = await writeRelayedServers(home, relay(["memory"], "w.secret"), me);
    expect(r).toEqual({ relayed: ["memory"], shadowed: [] });
    const file = join(home, ".claude.json");
    expect(JSON.parse(await readFile(file, "utf8")).mcpServers.memory.headers).toEqual({
      Authorization: "Bearer w.secret",
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("makes no file when nothing is relayed, and removes earlier relayed entries when none is configured", async () => {
    const home = await tempDir();
    expect(await writeRelayedServers(home, relay([], ""), me)).toEqual({ relayed: [], shadowed: [] });
    expect(await readdir(home)).toEqual([]);
    await writeRelayedServers(home, relay(["memory"], "w.t"), me);
    await writeRelayedServers(home, relay([], ""), me);
    expect(JSON.parse(await readFile(join(home, ".claude.json"), "utf8"))).toEqual({ mcpServers: {} });
  });

  it("a ~/.claude.json that is not JSON is an error naming it, and stays as it was", async () => {
    const home = await tempDir();
    const file = join(home, ".claude.json");
    await writeFile(file, "{not json");
    await expect(writeRelayedServers(home, relay(["memory"], "w.t"), me)).rejects.toThrow(
      `${file} is not valid JSON`,
    );
    expect(await readFile(file, "utf8")).toBe("{not json");
  });
});
