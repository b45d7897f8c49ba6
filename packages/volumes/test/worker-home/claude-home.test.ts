import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claudeSettingsWith, prepareClaudeHome } from "../../src/worker-home/claude-home.js";
import { API_KEY_HELPER } from "../../src/worker-home/mounts.js";
import {
  HOOK_EVENTS,
  HOOK_SCRIPT_PATH,
  settingsWithoutStateHooks,
} from "../../src/worker-home/state-hooks.js";

let dir: string;
let home: string;
let host: string;
const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const allSettings = async () =>
  JSON.parse(await readFile(path.join(home, ".claude", "settings.json"), "utf8"));
/** The settings without hal9000's state hooks (tested on their own below). */
const settings = async () => settingsWithoutStateHooks(await allSettings());
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
    await prepareClaudeHome({ home, user: me, trustWorkspace: false });
    await expect(lstat(state)).rejects.toThrow(/ENOENT/);
    await writeFile(state, JSON.stringify({ numStartups: 3 }));
    await prepareClaudeHome({ home, user: me, credential: "api-key", trustWorkspace: false });
    expect(JSON.parse(await readFile(state, "utf8"))).toEqual({
      numStartups: 3,
      hasCompletedOnboarding: true,
      hasSeenAutoDefaultNudge: true,
    });
  });

  it("marks the auto-mode nudge seen for an onboarded worker (a dialog that drops typed prompts), keeping an answer already given", async () => {
    const state = path.join(home, ".claude.json");
    await writeFile(state, JSON.stringify({ hasCompletedOnboarding: true }));
    await prepareClaudeHome({ home, user: me, trustWorkspace: false });
    expect(JSON.parse(await readFile(state, "utf8"))).toEqual({
      hasCompletedOnboarding: true,
      hasSeenAutoDefaultNudge: true,
    });
    await writeFile(state, JSON.stringify({ hasCompletedOnboarding: true, hasSeenAutoDefaultNudge: false }));
    await prepareClaudeHome({ home, user: me, credential: "api-key", trustWorkspace: false });
    expect(JSON.parse(await readFile(state, "utf8"))).toMatchObject({ hasSeenAutoDefaultNudge: false });
  });

  it("pre-accepts the folder-trust dialog for /workspace, keeping the project's other state", async () => {
    const state = path.join(home, ".claude.json");
    await writeFile(
      state,
      JSON.stringify({ projects: { "/workspace": { allowedTools: ["Read"] }, "/x": {} } }),
    );
    await prepareClaudeHome({ home, user: me });
    expect(JSON.parse(await readFile(state, "utf8"))).toEqual({
      projects: { "/workspace": { allowedTools: ["Read"], hasTrustDialogAccepted: true }, "/x": {} },
    });
  });

  it("merges hal9000's state hooks beside the user's own, for every event, never doubling them", async () => {
    await mkdir(path.join(home, ".claude"));
    const mine = { hooks: [{ type: "command", command: "echo mine >> /home/worker/mine.log" }] };
    await writeFile(
      path.join(home, ".claude", "settings.json"),
      JSON.stringify({ theme: "dark", hooks: { Stop: [mine], PreToolUse: [{ matcher: "Bash", ...mine }] } }),
    );
    await prepareClaudeHome({ home, user: me });
    await prepareClaudeHome({ home, user: me, credential: "api-key" });
    const s = await allSettings();
    expect(Object.keys(s.hooks).sort()).toEqual(Object.keys(HOOK_EVENTS).sort());
    expect(s.hooks.Stop).toEqual([
      mine,
      { hooks: [{ type: "command", command: `sh ${HOOK_SCRIPT_PATH} idle`, timeout: 10 }] },
    ]);
    expect(s.hooks.PreToolUse[0]).toEqual({ matcher: "Bash", ...mine });
    expect(s.hooks.PreToolUse[1]).toMatchObject({ matcher: "*" });
    expect(s.hooks.PreToolUse).toHaveLength(2);
    expect(await settings()).toEqual({
      theme: "dark",
      apiKeyHelper: "cat /run/hal9000/credential",
      hooks: { Stop: [mine], PreToolUse: [{ matcher: "Bash", ...mine }] },
    });
  });

  it("writes the hook script (executable) and forgets an earlier worker's state", async () => {
    const stateDir = path.join(home, ".hal9000");
    await mkdir(stateDir);
    await writeFile(path.join(stateDir, "state.json"), "{}");
    await writeFile(path.join(stateDir, "events.jsonl"), "{}\n");
    await prepareClaudeHome({ home, user: me });
    const script = path.join(stateDir, "state-hook.sh");
    expect((await lstat(script)).mode & 0o777).toBe(0o755);
    expect(await readFile(script, "utf8")).toMatch(/^#!\/bin\/sh\n/);
    await expect(lstat(path.join(stateDir, "state.json"))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(stateDir, "events.jsonl"))).rejects.toThrow(/ENOENT/);
  });

  it("without state hooks, takes hal9000's out again and leaves the user's", async () => {
    await prepareClaudeHome({ home, user: me });
    await prepareClaudeHome({ home, user: me, stateHooks: false });
    await expect(lstat(path.join(home, ".claude", "settings.json"))).rejects.toThrow(/ENOENT/);
  });

  it("with an OAuth token: an empty mount point for .credentials.json, removed when not needed", async () => {
    await prepareClaudeHome({ home, user: me, credential: "oauth-token" });
    const f = path.join(home, ".claude", ".credentials.json");
    expect((await lstat(f)).size).toBe(0);
    await prepareClaudeHome({ home, user: me });
    await expect(lstat(f)).rejects.toThrow(/ENOENT/);
  });

  it("links the host's config (not its session state, nor its login) into the worker's writable ~/.claude", async () => {
    await prepareClaudeHome({ home, user: me, hostConfig: host });
    expect(await linkOf("CLAUDE.md")).toBe("/home/worker/.claude-host/CLAUDE.md");
    expect(await linkOf("agents")).toBe("/home/worker/.claude-host/agents");
    // settings.json is a copy (hal9000 adds its hooks), not a link.
    expect(await settings()).toEqual({ model: "opus", apiKeyHelper: "vault" });
    // Never the host's login: its refresh token must stay with the host (host-login.ts).
    await expect(lstat(path.join(home, ".claude", ".credentials.json"))).rejects.toThrow(/ENOENT/);
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

describe("claudeSettingsWith", () => {
  it("adds hal9000's apiKeyHelper, keeping the rest", () => {
    expect(claudeSettingsWith({ model: "opus", apiKeyHelper: "other" }, true)).toEqual({
      model: "opus",
      apiKeyHelper: API_KEY_HELPER,
    });
    expect(claudeSettingsWith(undefined, true)).toEqual({ apiKeyHelper: "cat /run/hal9000/credential" });
  });

  it("removes only its own helper when there is no key to hand over", () => {
    expect(claudeSettingsWith({ apiKeyHelper: API_KEY_HELPER, a: 1 }, false)).toEqual({ a: 1 });
    expect(claudeSettingsWith({ apiKeyHelper: "vault read" }, false)).toEqual({ apiKeyHelper: "vault read" });
  });
});
