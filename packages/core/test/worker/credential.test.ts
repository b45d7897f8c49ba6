import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { homeLayout, saveCredential } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  assertCanHandOver,
  pickCredential,
  resolveCredential,
  withoutCredentialEnv,
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

describe("assertCanHandOver", () => {
  /** This process seen as another UID (the suite runs as root, or as whoever runs it). */
  const runningAs = (uid: number) =>
    vi.spyOn(process as { getuid: () => number }, "getuid").mockReturnValue(uid);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("lets root, or the worker's own UID, hand over the credential file", () => {
    runningAs(0);
    expect(() => assertCanHandOver({ uid: 4321, gid: 4321 })).not.toThrow();
    runningAs(1000);
    expect(() => assertCanHandOver({ uid: 1000, gid: 1000 })).not.toThrow();
  });

  it("refuses a non-root caller spawning for another UID, with the fix", () => {
    runningAs(1000);
    expect(() => assertCanHandOver({ uid: 4321, gid: 4321 })).toThrow(
      /the worker runs as UID 4321, and only root can hand it a credential file private to that UID/,
    );
  });
});
