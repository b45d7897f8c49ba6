import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { credentialFileContent } from "@hal9000/volumes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accessOnlyLogin, hostLoginCredential } from "../../src/worker/host-login.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const login = (oauth: Record<string, unknown>) => JSON.stringify({ claudeAiOauth: oauth });
const REFRESH = "sk-ant-ort01-the-one-refresh-token";

describe("accessOnlyLogin", () => {
  it("takes the access token, its expiry and subscription, and drops the refresh token", () => {
    const text = login({
      accessToken: "sk-ant-oat01-access",
      refreshToken: REFRESH,
      expiresAt: NOW + 3_600_000,
      scopes: ["user:inference", "user:profile"],
      subscriptionType: "max",
    });
    const c = accessOnlyLogin(text, "/h/.claude/.credentials.json", NOW);
    expect(c).toEqual({
      kind: "oauth-token",
      value: "sk-ant-oat01-access",
      source: "host-login",
      expiresAt: NOW + 3_600_000,
      subscriptionType: "max",
    });
    // What the worker's file then holds: no trace of the refresh token.
    const file = credentialFileContent(c as NonNullable<typeof c>);
    expect(file).not.toContain(REFRESH);
    expect(JSON.parse(file).claudeAiOauth.refreshToken).toBeNull();
  });

  it("is undefined for a file without a Claude login", () => {
    expect(accessOnlyLogin("{}", "f", NOW)).toBeUndefined();
    expect(accessOnlyLogin(JSON.stringify({ mcpOAuth: {} }), "f", NOW)).toBeUndefined();
  });

  it("refuses an expired (or nearly expired) access token, saying why and what to do", () => {
    const expired = login({ accessToken: "sk-ant-oat01-old", refreshToken: REFRESH, expiresAt: NOW - 1000 });
    expect(() => accessOnlyLogin(expired, "/h/.claude/.credentials.json", NOW)).toThrow(
      /access token that expired at 2026-12-01T11:59:59.000Z; hal9000 never refreshes it in a worker/,
    );
    const soon = login({ accessToken: "sk-ant-oat01-old", expiresAt: NOW + 5000 });
    try {
      accessOnlyLogin(soon, "/h/.claude/.credentials.json", NOW);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/that expires at/);
      expect((err as { hint?: string }).hint).toMatch(/claude setup-token.*hal9000 auth set --oauth-token/);
      expect((err as Error).message + (err as { hint?: string }).hint).not.toContain("sk-ant-oat01-old");
    }
  });

  it("refuses a file that is not JSON, or a login without a usable access token", () => {
    expect(() => accessOnlyLogin("{nope", "/h/c.json", NOW)).toThrow(/\/h\/c.json is not valid JSON/);
    expect(() => accessOnlyLogin(login({ refreshToken: REFRESH }), "/h/c.json", NOW)).toThrow(
      /no usable access token/,
    );
    expect(() => accessOnlyLogin(login({ accessToken: "has space" }), "/h/c.json", NOW)).toThrow(
      /no usable access token/,
    );
  });
});

describe("hostLoginCredential", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "hal9000-host-login-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the host's .credentials.json; none there, or empty: no login", async () => {
    expect(await hostLoginCredential(dir)).toBeUndefined();
    await writeFile(path.join(dir, ".credentials.json"), "");
    expect(await hostLoginCredential(dir)).toBeUndefined();
    await writeFile(
      path.join(dir, ".credentials.json"),
      login({ accessToken: "sk-ant-oat01-x", expiresAt: null }),
    );
    expect(await hostLoginCredential(dir)).toMatchObject({ value: "sk-ant-oat01-x", expiresAt: null });
  });
});
