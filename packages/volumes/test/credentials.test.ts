import { chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  credentialFilePath,
  credentialStatus,
  guessCredentialKind,
  homeLayout,
  initHome,
  readCredential,
  removeCredential,
  saveCredential,
  VolumesError,
} from "../src/index.js";
import { tempDir } from "./temp-dir.js";

const API_KEY = "sk-ant-api03-AbCdEf0123456789_xyz-AA";
const OAUTH = "sk-ant-oat01-ZyXw9876543210-tokenvalue";

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function freshHome() {
  const layout = homeLayout(join(await tempDir(), "hal"));
  await initHome(layout);
  return layout;
}

/** The thrown error, asserting it is a VolumesError. */
async function failure(p: Promise<unknown>): Promise<VolumesError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VolumesError);
  return err as VolumesError;
}

let savedUmask: number | undefined;
afterEach(() => {
  if (savedUmask !== undefined) process.umask(savedUmask);
  savedUmask = undefined;
});

describe("saveCredential / readCredential", () => {
  it("stores an API key 0600 in a 0700 secrets dir, even with a permissive umask", async () => {
    const layout = homeLayout(join(await tempDir(), "hal")); // no init: save creates secrets/
    savedUmask = process.umask(0);
    const saved = await saveCredential(layout, { kind: "api-key", value: `${API_KEY}\n` });
    expect(saved).toEqual({ kind: "api-key", path: join(layout.secrets, "anthropic-api-key") });
    expect(await modeOf(saved.path)).toBe(0o600);
    expect(await modeOf(layout.secrets)).toBe(0o700);
    expect(await readFile(saved.path, "utf8")).toBe(`${API_KEY}\n`);
    expect(await readCredential(layout)).toEqual({ kind: "api-key", value: API_KEY, path: saved.path });
    // Nothing else (no temp file) is left beside it.
    expect(await readdir(layout.secrets)).toEqual(["anthropic-api-key"]);
  });

  it("uses stable file names for both kinds", async () => {
    const layout = homeLayout("/h");
    expect(credentialFilePath(layout, "api-key")).toBe("/h/secrets/anthropic-api-key");
    expect(credentialFilePath(layout, "oauth-token")).toBe("/h/secrets/claude-oauth-token");
  });

  it("keeps one active credential: a new one replaces the other kind", async () => {
    const layout = await freshHome();
    await saveCredential(layout, { kind: "api-key", value: API_KEY });
    const saved = await saveCredential(layout, { kind: "oauth-token", value: OAUTH });
    expect(await readdir(layout.secrets)).toEqual(["claude-oauth-token"]);
    expect(await readCredential(layout)).toEqual({ kind: "oauth-token", value: OAUTH, path: saved.path });
    await saveCredential(layout, { kind: "api-key", value: "sk-ant-api03-second" });
    expect(await readdir(layout.secrets)).toEqual(["anthropic-api-key"]);
    expect((await readCredential(layout))?.value).toBe("sk-ant-api03-second");
  });

  it("tightens a secrets dir that is too open", async () => {
    const layout = await freshHome();
    await chmod(layout.secrets, 0o755);
    await saveCredential(layout, { kind: "api-key", value: API_KEY });
    expect(await modeOf(layout.secrets)).toBe(0o700);
  });

  it("accepts tokens with unknown prefixes", async () => {
    const layout = await freshHome();
    await saveCredential(layout, { kind: "api-key", value: "gateway-token-42" });
    expect((await readCredential(layout))?.value).toBe("gateway-token-42");
    expect(guessCredentialKind("gateway-token-42")).toBeUndefined();
    expect(guessCredentialKind(API_KEY)).toBe("api-key");
    expect(guessCredentialKind(OAUTH)).toBe("oauth-token");
  });

  it.each([
    ["an empty value", "", "is empty"],
    ["only a newline", "\n", "is empty"],
    ["a space inside", "sk-ant-api03-SECRETPART more", "whitespace at position 24"],
    ["a tab inside", "sk-ant-SECRETPART\tx", "whitespace at position 18"],
    ["a control character", "sk-ant-SECRETPART\u0007x", "a control character at position 18"],
    ["a non-ASCII character", "sk-ant-SECRETPARTé", "a non-ASCII character at position 18"],
    ["two lines", "sk-ant-SECRETPART\nsk-ant-other", "whitespace at position 18"],
    ["an over-long value", `SECRETPART${"a".repeat(4100)}`, "4110 characters long (at most 4096)"],
  ])("rejects %s without echoing it and changes nothing", async (_what, value, reason) => {
    const layout = await freshHome();
    await saveCredential(layout, { kind: "api-key", value: API_KEY });
    const err = await failure(saveCredential(layout, { kind: "api-key", value }));
    expect(err.code).toBe("INVALID_CREDENTIAL");
    expect(err.message).toContain(reason);
    expect(err.hint).toContain("sk-ant-");
    expect(`${err.message} ${err.hint} ${err.stack}`).not.toContain("SECRETPART");
    expect(await readCredential(layout)).toMatchObject({ kind: "api-key", value: API_KEY });
  });

  it("rejects a token stored under the wrong kind, without echoing it", async () => {
    const layout = await freshHome();
    const asKey = await failure(saveCredential(layout, { kind: "api-key", value: OAUTH }));
    expect(asKey.message).toContain("looks like a Claude OAuth token");
    expect(asKey.hint).toContain("oauth-token");
    const asToken = await failure(saveCredential(layout, { kind: "oauth-token", value: API_KEY }));
    expect(asToken.message).toContain("looks like an Anthropic API key");
    for (const e of [asKey, asToken]) {
      expect(`${e.message} ${e.hint}`).not.toContain(OAUTH.slice(10));
      expect(`${e.message} ${e.hint}`).not.toContain(API_KEY.slice(10));
    }
    expect(await readdir(layout.secrets)).toEqual([]);
  });

  it("rejects an unknown kind and a non-string value", async () => {
    const layout = await freshHome();
    const kind = await failure(saveCredential(layout, { kind: "password" as "api-key", value: API_KEY }));
    expect(kind.message).toBe('unknown credential kind "password"');
    const nonString = await failure(
      saveCredential(layout, { kind: "api-key", value: 42 as unknown as string }),
    );
    expect(nonString.message).toContain("must be a string");
    expect(await readdir(layout.secrets)).toEqual([]);
  });

  it("refuses a secrets path that is not a directory", async () => {
    const layout = await freshHome();
    await rm(layout.secrets, { recursive: true });
    await writeFile(layout.secrets, "not a dir");
    const err = await failure(saveCredential(layout, { kind: "api-key", value: API_KEY }));
    expect(err).toMatchObject({
      code: "INVALID_HOME",
      hint: expect.stringContaining(`mv ${layout.secrets}`),
    });
    expect(await readFile(layout.secrets, "utf8")).toBe("not a dir");
  });

  it("gives the file and secrets dir to the owner when running as root", async () => {
    const layout = await freshHome();
    const owner = { uid: 4321, gid: 4322 };
    const { path } = await saveCredential(layout, { kind: "oauth-token", value: OAUTH, owner });
    const expected =
      process.getuid?.() === 0 ? owner : { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
    for (const p of [path, layout.secrets]) {
      const s = await stat(p);
      expect({ uid: s.uid, gid: s.gid }).toEqual(expected);
    }
    expect(await modeOf(path)).toBe(0o600);
  });

  it("returns undefined when nothing is stored", async () => {
    const layout = await freshHome();
    expect(await readCredential(layout)).toBeUndefined();
    expect(await readCredential(homeLayout(join(await tempDir(), "missing")))).toBeUndefined();
  });

  it("refuses a credential file other users can read, without echoing it", async () => {
    const layout = await freshHome();
    const { path } = await saveCredential(layout, { kind: "api-key", value: API_KEY });
    await chmod(path, 0o644);
    const err = await failure(readCredential(layout));
    expect(err.code).toBe("INSECURE_CREDENTIAL");
    expect(err.message).toBe(
      `${path} is accessible to other users (mode 644); refusing to use the credential in it`,
    );
    expect(err.hint).toContain(`chmod 600 ${path}`);
    expect(err.hint).toContain("hal9000 auth set");
    expect(`${err.message} ${err.hint}`).not.toContain(API_KEY);
    await chmod(path, 0o600);
    expect((await readCredential(layout))?.value).toBe(API_KEY);
  });

  it("refuses a symlinked credential file and garbage content", async () => {
    const layout = await freshHome();
    const path = credentialFilePath(layout, "api-key");
    const elsewhere = join(await tempDir(), "key");
    await writeFile(elsewhere, API_KEY, { mode: 0o600 });
    await symlink(elsewhere, path);
    expect(await failure(readCredential(layout))).toMatchObject({
      code: "INSECURE_CREDENTIAL",
      message: expect.stringContaining("symbolic link"),
    });
    await rm(path);
    await writeFile(path, "SECRETPART with spaces\n", { mode: 0o600 });
    const garbage = await failure(readCredential(layout));
    expect(garbage).toMatchObject({
      code: "INVALID_CREDENTIAL",
      hint: expect.stringContaining("hal9000 auth set"),
    });
    expect(`${garbage.message} ${garbage.hint}`).not.toContain("SECRETPART");
  });
});

describe("credentialStatus / removeCredential", () => {
  it("reports what is stored, never the value", async () => {
    const layout = await freshHome();
    expect(await credentialStatus(layout)).toEqual({ present: false, problems: [] });
    const { path } = await saveCredential(layout, { kind: "oauth-token", value: OAUTH });
    const status = await credentialStatus(layout);
    expect(status).toEqual({ present: true, kind: "oauth-token", path, problems: [] });
    expect(JSON.stringify(status)).not.toContain(OAUTH);
  });

  it("reports a readable file and a leftover second credential", async () => {
    const layout = await freshHome();
    const old = credentialFilePath(layout, "api-key");
    const past = new Date(Date.now() - 60_000);
    const { path } = await saveCredential(layout, { kind: "oauth-token", value: OAUTH });
    // An interrupted save can leave both; the newer one wins.
    await writeFile(old, `${API_KEY}\n`, { mode: 0o600 });
    await utimes(old, past, past);
    await chmod(path, 0o640);
    const status = await credentialStatus(layout);
    expect(status.present).toBe(true);
    expect(status.kind).toBe("oauth-token");
    expect(status.problems).toEqual([
      expect.stringContaining(`both ${path} and ${old} exist`),
      expect.stringContaining(`accessible to other users (mode 640)`),
    ]);
    expect(status.problems[1]).toContain(`chmod 600 ${path}`);
    expect(JSON.stringify(status)).not.toContain(OAUTH);
    expect(JSON.stringify(status)).not.toContain(API_KEY);
  });

  it("removes either kind and leftover temp files", async () => {
    const layout = await freshHome();
    await saveCredential(layout, { kind: "api-key", value: API_KEY });
    await writeFile(join(layout.secrets, ".anthropic-api-key.99.abc.tmp"), API_KEY, { mode: 0o600 });
    await writeFile(join(layout.secrets, "user-note"), "mine");
    expect(await removeCredential(layout)).toBe(true);
    expect(await readdir(layout.secrets)).toEqual(["user-note"]);
    expect(await readCredential(layout)).toBeUndefined();
    expect(await removeCredential(layout)).toBe(false);
    expect(await removeCredential(homeLayout(join(await tempDir(), "missing")))).toBe(false);
  });

  it("works on a home whose secrets dir was made by hand", async () => {
    const layout = homeLayout(join(await tempDir(), "hal"));
    await mkdir(layout.secrets, { recursive: true });
    await saveCredential(layout, { kind: "api-key", value: API_KEY });
    expect((await credentialStatus(layout)).problems).toEqual([]);
  });
});
