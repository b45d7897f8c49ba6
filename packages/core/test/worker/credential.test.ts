import { mkdir, mkdtemp, readFile, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { homeLayout, saveCredential } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  API_KEY_HELPER,
  claudeSettingsWith,
  credentialFileContent,
  pickCredential,
  pruneWorkerCredentials,
  removeWorkerCredentials,
  resolveCredential,
  withoutCredentialEnv,
  workerSecretsDir,
  writeWorkerCredential,
} from "../../src/worker/credential.js";

describe("pickCredential", () => {
  const stored = { kind: "api-key" as const, value: "sk-stored" };
  it("prefers the spawn's env, then the caller's env, then the stored credential", () => {
    expect(
      pickCredential({ ANTHROPIC_API_KEY: "sk-spawn" }, { ANTHROPIC_API_KEY: "sk-env" }, stored),
    ).toEqual({
      kind: "api-key",
      value: "sk-spawn",
      source: "spawn-env",
    });
    expect(pickCredential({ FOO: "1" }, { ANTHROPIC_API_KEY: "sk-env" }, stored)?.source).toBe("env");
    expect(pickCredential(undefined, {}, stored)).toEqual({ ...stored, source: "stored" });
    expect(pickCredential(undefined, {}, undefined)).toBeUndefined();
  });

  it("reads CLAUDE_CODE_OAUTH_TOKEN as an OAuth token; an empty variable counts as unset", () => {
    expect(pickCredential(undefined, { CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-x" }, undefined)).toEqual({
      kind: "oauth-token",
      value: "sk-ant-oat01-x",
      source: "env",
    });
    expect(pickCredential({ ANTHROPIC_API_KEY: " " }, {}, stored)?.source).toBe("stored");
  });
});

describe("withoutCredentialEnv", () => {
  it("removes exactly the credential variables", () => {
    expect(
      withoutCredentialEnv({ ANTHROPIC_API_KEY: "k", CLAUDE_CODE_OAUTH_TOKEN: "t", ANTHROPIC_BASE_URL: "u" }),
    ).toEqual({ ANTHROPIC_BASE_URL: "u" });
  });
});

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
      { kind: "api-key", value: "sk-secret", source: "stored" },
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
      { kind: "oauth-token", value: "sk-ant-oat01-q", source: "env" },
      user,
    );
    expect(w.target).toBe("/home/worker/.claude/.credentials.json");
    expect(JSON.parse(await readFile(w.file, "utf8")).claudeAiOauth.accessToken).toBe("sk-ant-oat01-q");
  });

  it("refuses a worker name that would leave secrets/workers", async () => {
    expect(() => workerSecretsDir(layout, "../x")).toThrow(/worker name "\.\.\/x" would leave its directory/);
  });

  it("prunes copies of workers that are gone and old enough, and removes all on demand", async () => {
    const user = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    for (const n of ["gone", "alive", "young"]) {
      await writeWorkerCredential(layout, n, { kind: "api-key", value: "sk", source: "stored" }, user);
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

describe("resolveCredential", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-cred-test-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the stored credential when no variable names one", async () => {
    const layout = homeLayout(dir);
    expect(await resolveCredential(layout, {}, undefined)).toBeUndefined();
    await mkdir(layout.secrets, { recursive: true });
    await saveCredential(layout, { kind: "api-key", value: "sk-ant-api03-stored" });
    expect(await resolveCredential(layout, {}, {})).toEqual({
      kind: "api-key",
      value: "sk-ant-api03-stored",
      source: "stored",
    });
    expect((await resolveCredential(layout, { ANTHROPIC_API_KEY: "from-env" }, undefined))?.value).toBe(
      "from-env",
    );
  });

  it("refuses a value that cannot be a credential, without quoting it", async () => {
    const layout = homeLayout(dir);
    const attempt = resolveCredential(layout, {}, { ANTHROPIC_API_KEY: "two words-SECRETPART" });
    await expect(attempt).rejects.toThrow(/contains whitespace/);
    await expect(
      resolveCredential(layout, {}, { ANTHROPIC_API_KEY: "two words-SECRETPART" }),
    ).rejects.not.toThrow(/SECRETPART/);
  });
});
