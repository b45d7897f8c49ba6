import { chmod, mkdtemp, readFile, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { homeLayout } from "../../src/home.js";
import {
  credentialFileContent,
  ensureWorkerSecretsDir,
  pruneWorkerCredentials,
  removeWorkerCredentials,
  workerSecretsDir,
  writeWorkerCredential,
} from "../../src/worker-home/secrets.js";

describe("credentialFileContent", () => {
  it("is the bare key for an API key, and Claude's .credentials.json for an OAuth token", () => {
    expect(credentialFileContent({ kind: "api-key", value: "sk-1" })).toBe("sk-1\n");
    const oauth = JSON.parse(credentialFileContent({ kind: "oauth-token", value: "sk-ant-oat01-z" }));
    expect(oauth.claudeAiOauth.accessToken).toBe("sk-ant-oat01-z");
    expect(oauth.claudeAiOauth.scopes).toContain("user:inference");
    expect(oauth.claudeAiOauth.refreshToken).toBeNull();
  });

  it("keeps a login's expiry and subscription, and never a refresh token", () => {
    const c = {
      kind: "oauth-token" as const,
      value: "sk-ant-oat01-a",
      expiresAt: 1234,
      subscriptionType: "max",
    };
    expect(JSON.parse(credentialFileContent(c)).claudeAiOauth).toEqual({
      accessToken: "sk-ant-oat01-a",
      refreshToken: null,
      expiresAt: 1234,
      scopes: ["user:inference"],
      subscriptionType: "max",
    });
  });
});

describe("per-worker credential files", () => {
  let dir: string;
  let layout: ReturnType<typeof homeLayout>;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-cred-test-"));
    layout = homeLayout(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const asRoot = process.getuid?.() === 0;

  it("writes a 0600 file private to the worker's UID, in a 0700 directory", async () => {
    const user = asRoot
      ? { uid: 4321, gid: 4322 }
      : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const { file, target } = await writeWorkerCredential(
      layout,
      "w1",
      { kind: "api-key", value: "sk-secret" },
      user,
    );
    expect(target).toBe("/run/hal9000/credential");
    expect(file).toBe(path.join(layout.secrets, "workers", "w1", "credential"));
    expect(await readFile(file, "utf8")).toBe("sk-secret\n");
    const s = await stat(file);
    expect(s.mode & 0o777).toBe(0o600);
    expect([s.uid, s.gid]).toEqual([user.uid, user.gid]);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(layout.secrets)).mode & 0o777).toBe(0o700);
  });

  it("puts an OAuth token where Claude reads one", async () => {
    const user = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const w = await writeWorkerCredential(
      layout,
      "w2",
      { kind: "oauth-token", value: "sk-ant-oat01-q" },
      user,
    );
    expect(w.target).toBe("/home/worker/.claude/.credentials.json");
    expect(JSON.parse(await readFile(w.file, "utf8")).claudeAiOauth.accessToken).toBe("sk-ant-oat01-q");
  });

  it("makes a worker's private directory once for callers at once, and checks it again later", async () => {
    const [a, b] = await Promise.all([
      ensureWorkerSecretsDir(layout, "w9"),
      ensureWorkerSecretsDir(layout, "w9"),
    ]);
    expect(a).toBe(workerSecretsDir(layout, "w9"));
    expect(b).toBe(a);
    expect((await stat(a)).mode & 0o777).toBe(0o700);
    await chmod(a, 0o755);
    await ensureWorkerSecretsDir(layout, "w9");
    expect((await stat(a)).mode & 0o777).toBe(0o700);
  });

  it("refuses a worker name that would leave secrets/workers", async () => {
    expect(() => workerSecretsDir(layout, "../x")).toThrow(/worker name "\.\.\/x" would leave its directory/);
  });

  it("prunes copies of workers that are gone and old enough, and removes all on demand", async () => {
    const user = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    for (const n of ["gone", "alive", "young"]) {
      await writeWorkerCredential(layout, n, { kind: "api-key", value: "sk" }, user);
    }
    const old = new Date(Date.now() - 3_600_000);
    await utimes(workerSecretsDir(layout, "gone"), old, old);
    await utimes(workerSecretsDir(layout, "alive"), old, old);
    const removed = await pruneWorkerCredentials(layout, async (n) => n === "alive");
    expect(removed).toEqual(["gone"]);
    expect(await removeWorkerCredentials(layout)).toEqual(["alive", "young"]);
    expect(await removeWorkerCredentials(layout)).toEqual([]);
  });
});
