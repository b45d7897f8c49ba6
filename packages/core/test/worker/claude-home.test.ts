import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pathContext } from "../../src/context/host-paths.js";
import { prepareClaudeHome, resolveHostClaudeConfig } from "../../src/worker/claude-home.js";

let dir: string;
let home: string;
let host: string;
const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const settings = async () => JSON.parse(await readFile(path.join(home, ".claude", "settings.json"), "utf8"));
const linkOf = (entry: string) => readlink(path.join(home, ".claude", entry));

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hal9000-claude-home-"));
  home = path.join(dir, "worker");
  host = path.join(dir, "host-claude");
  await mkdir(home);
  await mkdir(path.join(host, "agents"), { recursive: true });
  await mkdir(path.join(host, "projects"));
  await writeFile(path.join(host, "CLAUDE.md"), "# host memory\n");
  await writeFile(path.join(host, "settings.json"), JSON.stringify({ model: "opus", apiKeyHelper: "vault" }));
  await writeFile(path.join(host, ".credentials.json"), "{}");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("prepareClaudeHome", () => {
  it("with an API key: settings.json carries hal9000's apiKeyHelper, private to the worker", async () => {
    await prepareClaudeHome({ home, user: me, credential: "api-key" });
    expect(await settings()).toEqual({ apiKeyHelper: "cat /run/hal9000/credential" });
    expect((await lstat(path.join(home, ".claude", "settings.json"))).mode & 0o777).toBe(0o600);
  });

  it("keeps the worker's own settings and takes its helper out again when there is no key", async () => {
    await mkdir(path.join(home, ".claude"));
    await writeFile(path.join(home, ".claude", "settings.json"), JSON.stringify({ theme: "dark" }));
    await prepareClaudeHome({ home, user: me, credential: "api-key" });
    expect(await settings()).toEqual({ theme: "dark", apiKeyHelper: "cat /run/hal9000/credential" });
    await prepareClaudeHome({ home, user: me });
    expect(await settings()).toEqual({ theme: "dark" });
  });

  it("with a credential, marks Claude's onboarding done (keeping other state); without one, leaves it", async () => {
    const state = path.join(home, ".claude.json");
    await prepareClaudeHome({ home, user: me });
    await expect(lstat(state)).rejects.toThrow(/ENOENT/);
    await writeFile(state, JSON.stringify({ numStartups: 3 }));
    await prepareClaudeHome({ home, user: me, credential: "api-key" });
    expect(JSON.parse(await readFile(state, "utf8"))).toEqual({
      numStartups: 3,
      hasCompletedOnboarding: true,
    });
  });

  it("with an OAuth token: an empty mount point for .credentials.json, removed when not needed", async () => {
    await prepareClaudeHome({ home, user: me, credential: "oauth-token" });
    const f = path.join(home, ".claude", ".credentials.json");
    expect((await lstat(f)).size).toBe(0);
    await prepareClaudeHome({ home, user: me });
    await expect(lstat(f)).rejects.toThrow(/ENOENT/);
  });

  it("links the host's config (not its session state) into the worker's writable ~/.claude", async () => {
    await prepareClaudeHome({ home, user: me, hostConfig: host });
    expect(await linkOf("CLAUDE.md")).toBe("/home/worker/.claude-host/CLAUDE.md");
    expect(await linkOf("agents")).toBe("/home/worker/.claude-host/agents");
    expect(await linkOf("settings.json")).toBe("/home/worker/.claude-host/settings.json");
    expect(await linkOf(".credentials.json")).toBe("/home/worker/.claude-host/.credentials.json");
    await expect(lstat(path.join(home, ".claude", "projects"))).rejects.toThrow(/ENOENT/);
  });

  it("with the host's config and an API key: a copy of the host's settings with hal9000's helper, no link to the host's login", async () => {
    await prepareClaudeHome({ home, user: me, hostConfig: host });
    await prepareClaudeHome({ home, user: me, hostConfig: host, credential: "api-key" });
    expect(await settings()).toEqual({ model: "opus", apiKeyHelper: "cat /run/hal9000/credential" });
    expect((await lstat(path.join(home, ".claude", "settings.json"))).isSymbolicLink()).toBe(false);
    await expect(lstat(path.join(home, ".claude", ".credentials.json"))).rejects.toThrow(/ENOENT/);
  });

  it("never replaces the worker's own files with links", async () => {
    await mkdir(path.join(home, ".claude"));
    await writeFile(path.join(home, ".claude", "CLAUDE.md"), "# mine\n");
    await prepareClaudeHome({ home, user: me, hostConfig: host });
    expect(await readFile(path.join(home, ".claude", "CLAUDE.md"), "utf8")).toBe("# mine\n");
  });

  it("says which settings file is broken", async () => {
    await mkdir(path.join(home, ".claude"));
    await writeFile(path.join(home, ".claude", "settings.json"), "{not json");
    await expect(prepareClaudeHome({ home, user: me, credential: "api-key" })).rejects.toThrow(
      /settings\.json is not valid JSON/,
    );
  });
});

describe("resolveHostClaudeConfig", () => {
  it("is $CLAUDE_CONFIG_DIR or ~/.claude, and must exist", async () => {
    const paths = pathContext(dir, {}, dir);
    expect(await resolveHostClaudeConfig(paths, { CLAUDE_CONFIG_DIR: host })).toBe(host);
    await mkdir(path.join(dir, "h", ".claude"), { recursive: true });
    expect(await resolveHostClaudeConfig(paths, { HOME: path.join(dir, "h") })).toBe(
      path.join(dir, "h", ".claude"),
    );
    await expect(resolveHostClaudeConfig(paths, { HOME: path.join(dir, "nobody") })).rejects.toThrow(
      /no Claude config directory at/,
    );
  });

  it("is refused inside the parent, where the host's home is not visible", async () => {
    const paths = pathContext("/root/.hal9000", { HAL9000_HOST_HOME: "/home/u/.hal9000" }, "/");
    await expect(resolveHostClaudeConfig(paths, {})).rejects.toThrow(/only when spawning from the host/);
  });
});
