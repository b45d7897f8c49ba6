import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  cleanHome,
  createWorkerHome,
  homeLayout,
  initHome,
  readCredential,
  saveCredential,
  type VolumeClient,
  withLock,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** In-memory Docker volumes; like the Engine, it applies the label filter. */
function fakeVolumes(volumes: { Name: string; Labels: Record<string, string> | null }[], failOn?: string) {
  const removed: string[] = [];
  const client: VolumeClient = {
    async listVolumes(opts) {
      const wanted = opts?.filters?.label ?? [];
      return {
        Volumes: volumes.filter((v) => wanted.every((l) => v.Labels && l in v.Labels)),
      };
    },
    getVolume(name) {
      return {
        async remove() {
          if (name === failOn) throw new Error("volume is in use");
          removed.push(name);
        },
      };
    },
  };
  return { client, removed };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("cleanHome", () => {
  it("requires confirmation and changes nothing without it", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const { client, removed } = fakeVolumes([{ Name: "v", Labels: { "hal9000.role": "worker" } }]);
    await expect(cleanHome(layout, { confirm: false, volumes: client })).rejects.toMatchObject({
      code: "CONFIRMATION_REQUIRED",
      message: expect.stringContaining("requires confirmation"),
    });
    expect(removed).toEqual([]);
    expect((await readdir(layout.home)).sort()).toEqual(["config", "logs", "secrets", "sessions", "workers"]);
  });

  it("removes hal9000's dirs and config but leaves the user's files", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    await createWorkerHome(layout, "w1");
    await writeFile(join(layout.home, "notes.txt"), "mine");
    await writeFile(join(layout.config, "my-extra.conf"), "mine");
    const { removed } = await cleanHome(layout, { confirm: true });
    expect(removed).toEqual([
      layout.sessions,
      layout.logs,
      layout.workers,
      layout.secrets,
      layout.configFile,
    ]);
    expect((await readdir(layout.home)).sort()).toEqual(["config", "notes.txt"]);
    expect(await readdir(layout.config)).toEqual(["my-extra.conf"]);
  });

  it("removes the stored credential and the locks", async () => {
    const parent = await tempDir();
    const layout = homeLayout(join(parent, "hal"));
    await initHome(layout);
    const { path } = await saveCredential(layout, { kind: "oauth-token", value: "sk-ant-oat01-clean-me" });
    await withLock(layout, "spawn", async () => {});
    const { removed } = await cleanHome(layout, { confirm: true });
    expect(removed).toContain(layout.secrets);
    expect(removed).toContain(join(layout.home, "locks"));
    expect(await exists(path)).toBe(false);
    expect(await readCredential(layout)).toBeUndefined();
    expect(await readdir(parent)).toEqual([]);
  });

  it("removes an emptied home and is then a no-op", async () => {
    const parent = await tempDir();
    const layout = homeLayout(join(parent, "hal"));
    await initHome(layout);
    const { removed } = await cleanHome(layout, { confirm: true });
    expect(removed).toContain(layout.config);
    expect(removed).toContain(layout.home);
    expect(await readdir(parent)).toEqual([]);
    expect(await cleanHome(layout, { confirm: true })).toEqual({ removed: [], skipped: [] });
  });

  it("never touches directories configured outside HAL9000_HOME", async () => {
    const base = await tempDir();
    const layout = homeLayout(join(base, "hal"), { logsDir: join(base, "shared-logs") });
    await initHome(layout);
    await writeFile(join(layout.logs, "app.log"), "keep");
    const { removed, skipped } = await cleanHome(layout, { confirm: true });
    expect(skipped).toEqual([layout.logs]);
    expect(removed).not.toContain(layout.logs);
    expect(await readdir(layout.logs)).toEqual(["app.log"]);
  });

  it("removes only Docker volumes labelled hal9000.role", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const { client, removed } = fakeVolumes([
      { Name: "hal9000-claude-w1", Labels: { "hal9000.role": "worker" } },
      { Name: "postgres-data", Labels: { "com.example": "db" } },
      { Name: "anonymous", Labels: null },
      { Name: "hal9000-parent-state", Labels: { "hal9000.role": "parent", "hal9000.version": "0.1.0" } },
    ]);
    const result = await cleanHome(layout, { confirm: true, volumes: client });
    expect(removed).toEqual(["hal9000-claude-w1", "hal9000-parent-state"]);
    expect(result.removed).toContain("volume:hal9000-claude-w1");
    expect(result.removed).toContain("volume:hal9000-parent-state");
    expect(result.removed.some((r) => r.includes("postgres"))).toBe(false);
  });

  it("does not trust the client's filter: unlabelled volumes survive an unfiltered list", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const removed: string[] = [];
    const client: VolumeClient = {
      listVolumes: async () => ({
        Volumes: [
          { Name: "mine", Labels: { "hal9000.role": "worker" } },
          { Name: "theirs", Labels: {} as Record<string, string> },
        ],
      }),
      getVolume: (name) => ({ remove: async () => removed.push(name) }),
    };
    await cleanHome(layout, { confirm: true, volumes: client });
    expect(removed).toEqual(["mine"]);
  });

  it("stops before touching files when a volume cannot be removed", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const { client } = fakeVolumes([{ Name: "busy", Labels: { "hal9000.role": "worker" } }], "busy");
    await expect(cleanHome(layout, { confirm: true, volumes: client })).rejects.toMatchObject({
      code: "CLEAN_FAILED",
      message: expect.stringContaining("busy (volume is in use)"),
      hint: expect.stringContaining("stop"),
    });
    expect(await exists(layout.sessions)).toBe(true);
  });

  it("refuses a directory that does not look like a hal9000 home", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "src"));
    await writeFile(join(dir, "README.md"), "a project");
    await expect(cleanHome(homeLayout(dir), { confirm: true })).rejects.toMatchObject({
      code: "INVALID_HOME",
      message: expect.stringContaining("does not look like a hal9000 home"),
    });
    expect((await readdir(dir)).sort()).toEqual(["README.md", "src"]);
  });

  it("refuses / and the user's home directory", async () => {
    await expect(cleanHome(homeLayout("/"), { confirm: true })).rejects.toMatchObject({
      code: "UNSAFE_PATH",
      message: expect.stringContaining("root directory"),
    });
    // A stand-in user home (os.homedir() reads $HOME) that looks like a hal9000 home.
    const fakeUser = await tempDir();
    vi.stubEnv("HOME", fakeUser);
    await initHome(homeLayout(fakeUser));
    for (const home of [fakeUser, join(fakeUser, "..")]) {
      await expect(cleanHome(homeLayout(home), { confirm: true })).rejects.toMatchObject({
        code: "UNSAFE_PATH",
        message: expect.stringContaining("your home directory"),
      });
    }
    expect((await readdir(fakeUser)).sort()).toEqual(["config", "logs", "secrets", "sessions", "workers"]);
  });
});
