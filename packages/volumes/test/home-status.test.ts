import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createWorkerHome,
  homeLayout,
  homeStatus,
  initHome,
  SessionStore,
  saveCredential,
} from "../src/index.js";
import { record } from "./record.js";
import { tempDir } from "./temp-dir.js";

describe("homeStatus", () => {
  it("reports a fresh home as healthy", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const status = await homeStatus(layout);
    expect(status.problems).toEqual([]);
    expect(status.ok).toBe(true);
    expect(status.exists).toBe(true);
    expect(status.dirs.map((d) => [d.name, d.exists, d.isDirectory, d.writable])).toEqual([
      ["home", true, true, true],
      ["config", true, true, true],
      ["sessions", true, true, true],
      ["logs", true, true, true],
      ["workers", true, true, true],
      ["secrets", true, true, true],
    ]);
    expect(status.dirs.find((d) => d.name === "secrets")?.mode).toBe(0o700);
    expect(status.config).toEqual({ file: layout.configFile, exists: true, errors: [] });
    expect(status.sessions).toEqual({ count: 0, corrupt: [] });
    expect(status.workers).toEqual({ count: 0, names: [] });
    expect(status.credential).toEqual({ present: false });
  });

  it("reports a missing home once", async () => {
    const layout = homeLayout(join(await tempDir(), "nothing-here"));
    const status = await homeStatus(layout);
    expect(status.exists).toBe(false);
    expect(status.ok).toBe(false);
    expect(status.problems).toEqual([
      {
        path: layout.home,
        message: `HAL9000_HOME ${layout.home} does not exist`,
        hint: "run `hal9000 volumes init` to create it",
      },
    ]);
  });

  it("counts sessions and workers, and reports every problem", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const store = new SessionStore(layout.sessions);
    await store.write(record("w1"));
    await store.write(record("w2"));
    await writeFile(join(layout.sessions, "broken.json"), "{ not json");
    await createWorkerHome(layout, "w1");
    await createWorkerHome(layout, "w2");
    await createWorkerHome(layout, "w3");
    await rm(layout.logs, { recursive: true });
    // Tests run as root, for whom chmod changes nothing: a file where a directory belongs is unwritable for everyone.
    await rm(layout.secrets, { recursive: true });
    await writeFile(layout.secrets, "oops");
    await writeFile(layout.configFile, "# mine\nWORKER_MAX_COUNT=-5\nBOGUS=1\n");

    const status = await homeStatus(layout);
    expect(status.ok).toBe(false);
    expect(status.sessions.count).toBe(2);
    expect(status.sessions.corrupt).toEqual([
      { file: join(layout.sessions, "broken.json"), error: expect.stringContaining("invalid JSON") },
    ]);
    expect(status.workers).toEqual({ count: 3, names: ["w1", "w2", "w3"] });
    const secrets = status.dirs.find((d) => d.name === "secrets");
    expect(secrets).toMatchObject({ exists: true, isDirectory: false, writable: false });
    expect(status.config.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(status.problems.map((p) => [p.path, p.line, p.message])).toEqual([
      [layout.logs, undefined, `${layout.logs} is missing`],
      [layout.secrets, undefined, `${layout.secrets} is not a directory`],
      [layout.configFile, 2, expect.stringContaining("WORKER_MAX_COUNT: -5 is out of range")],
      [layout.configFile, 3, expect.stringContaining('unknown key "BOGUS"')],
      [join(layout.sessions, "broken.json"), undefined, expect.stringContaining("corrupt session record")],
    ]);
    for (const p of status.problems) expect(p.hint).not.toBe("");
  });

  it("reports a secrets dir other users can read", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    await rm(layout.secrets, { recursive: true });
    await mkdir(layout.secrets, { mode: 0o755 });
    const status = await homeStatus(layout);
    expect(status.problems).toEqual([
      {
        path: layout.secrets,
        message: `${layout.secrets} is accessible to other users (mode 755)`,
        hint: `chmod 700 ${layout.secrets}`,
      },
    ]);
  });

  it("reports the stored credential, and one other users can read, never its value", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await initHome(layout);
    const value = "sk-ant-api03-status-secret";
    const { path } = await saveCredential(layout, { kind: "api-key", value });
    const healthy = await homeStatus(layout);
    expect(healthy.ok).toBe(true);
    expect(healthy.credential).toEqual({ present: true, kind: "api-key", path });
    await chmod(path, 0o644);
    const status = await homeStatus(layout);
    expect(status.ok).toBe(false);
    expect(status.problems).toEqual([
      {
        path,
        message: `${path} is accessible to other users (mode 644); refusing to use the credential in it`,
        hint: expect.stringContaining(`chmod 600 ${path}`),
      },
    ]);
    expect(JSON.stringify(status)).not.toContain(value);
  });
});
