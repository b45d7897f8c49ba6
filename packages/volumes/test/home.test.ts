import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfigText, HomeError, homeLayout, initHome, resolveHome } from "../src/index.js";
import { tempDir } from "./temp-dir.js";

describe("resolveHome", () => {
  it("flag > HAL9000_HOME > ~/.hal9000, always absolute", () => {
    expect(resolveHome({ flag: "/opt/h", env: { HAL9000_HOME: "/env/h" } })).toBe("/opt/h");
    expect(resolveHome({ env: { HAL9000_HOME: "/env/h/" } })).toBe("/env/h");
    expect(resolveHome({ env: {} })).toBe(join(homedir(), ".hal9000"));
    expect(resolveHome({ env: { HAL9000_HOME: "  " } })).toBe(join(homedir(), ".hal9000"));
    expect(resolveHome({ flag: "rel/h", env: {} })).toBe(join(process.cwd(), "rel/h"));
    expect(resolveHome({ flag: "~/x", env: {} })).toBe(join(homedir(), "x"));
  });

  it("rejects an empty --home flag", () => {
    expect(() => resolveHome({ flag: "" })).toThrow(HomeError);
  });
});

describe("homeLayout", () => {
  it("places hal9000's dirs under home, honouring relative and absolute overrides", () => {
    expect(homeLayout("/h")).toEqual({
      home: "/h",
      sessions: "/h/sessions",
      logs: "/h/logs",
      config: "/h/config",
      configFile: "/h/config/hal9000.conf",
      workers: "/h/workers",
      secrets: "/h/secrets",
    });
    const custom = homeLayout("/h/", { sessionsDir: "state/s", logsDir: "/var/log/hal", workersDir: "w" });
    expect(custom.sessions).toBe("/h/state/s");
    expect(custom.logs).toBe("/var/log/hal");
    expect(custom.workers).toBe("/h/w");
  });
});

describe("initHome", () => {
  it("creates the layout, a private secrets dir and a default config", async () => {
    const home = join(await tempDir(), "hal");
    const layout = homeLayout(home);
    const { created } = await initHome(layout);
    expect(created).toEqual([
      layout.home,
      layout.config,
      layout.sessions,
      layout.logs,
      layout.workers,
      layout.secrets,
      layout.configFile,
    ]);
    expect(((await stat(layout.secrets)).mode & 0o777).toString(8)).toBe("700");
    expect(await readFile(layout.configFile, "utf8")).toBe(defaultConfigText());
  });

  it("is idempotent and never overwrites a user's config", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    await writeFile(layout.configFile, "WORKER_MAX_COUNT=2\n");
    await writeFile(join(layout.sessions, "keep.json"), "{}");
    expect(await initHome(layout)).toEqual({ created: [] });
    expect(await readFile(layout.configFile, "utf8")).toBe("WORKER_MAX_COUNT=2\n");
    expect(await readdir(layout.sessions)).toEqual(["keep.json"]);
  });

  it("recreates only what is missing and tightens an open secrets dir", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await mkdir(layout.secrets, { recursive: true, mode: 0o755 });
    await mkdir(layout.logs);
    const { created } = await initHome(layout);
    expect(created).not.toContain(layout.logs);
    expect(created).not.toContain(layout.secrets);
    expect(created).toContain(layout.sessions);
    expect((await stat(layout.secrets)).mode & 0o777).toBe(0o700);
  });

  it("refuses a file where a directory belongs, changing nothing", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await mkdir(layout.home);
    await writeFile(layout.workers, "not a dir");
    await expect(initHome(layout)).rejects.toMatchObject({
      code: "INVALID_HOME",
      message: `${layout.workers} exists but is not a directory`,
      hint: expect.stringContaining("move it aside"),
    });
    expect(await readdir(layout.home)).toEqual(["workers"]);
  });
});
