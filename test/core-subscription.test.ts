/**
 * Many workers on one Claude subscription, with the real `claude` in real workers against the
 * Messages API stub on the parent's loopback, which checks the Authorization header of every
 * request (requireAuth: anything else gets a 401):
 * - the long-lived token of `claude setup-token`, stored with `hal9000 auth set`: several
 *   workers at once, every request authorised with it, each worker's copy read-only and
 *   without a refresh token;
 * - a wrong token (CLAUDE_CODE_OAUTH_TOKEN) or none at all: the task stops at once with an
 *   error that says so and what to do, from the API and from `hal9000 run`;
 * - the host's own refreshing Claude login (--mount-claude-config): workers get its access
 *   token only; the refresh token never leaves the host, whose file stays as it was.
 */
import { randomBytes } from "node:crypto";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Hal9000, TaskCredentialError } from "@hal9000/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, hal9000 } from "./cli-harness.js";
import {
  type AnthropicStub,
  containerGone,
  startStub,
  type TempHome,
  type TestFleet,
  tempDir,
  testEnv,
  testFleet,
} from "./helpers/index.js";

const OWNER = { uid: 4321, gid: 4321 };
const TOKEN = `sk-ant-oat01-hal9000-setup-token-${randomBytes(12).toString("hex")}`;
const ACCESS = `sk-ant-oat01-hal9000-host-access-${randomBytes(12).toString("hex")}`;
const REFRESH = `sk-ant-ort01-hal9000-host-refresh-${randomBytes(12).toString("hex")}`;

let fleet: TestFleet;
let hal: Hal9000;
let project: TempHome;

const cli = (args: string[]) => hal9000(args, cliEnv(fleet.home.home, fleet.parentName));

/** `hal9000 auth set --oauth-token` with the token on stdin, as a person pipes it in. */
function authSet(value: string) {
  return hal9000(["auth", "set", "--oauth-token"], cliEnv(fleet.home.home, fleet.parentName), {
    input: `${value}\n`,
  });
}

const gone = (name: string) => containerGone(fleet.docker, name);

beforeAll(async () => {
  fleet = await testFleet();
  hal = fleet.hal;
  await hal.startParent();
  project = await tempDir();
  await chown(project.home, OWNER.uid, OWNER.gid);
});

afterAll(async () => {
  await fleet?.cleanup();
  await project?.remove();
});

describe("the long-lived token of `claude setup-token` (hal9000 auth set --oauth-token)", () => {
  let stub: AnthropicStub;

  beforeAll(async () => {
    stub = await startStub(fleet.docker, fleet.parentName, { reply: "Authorised.", requireAuth: TOKEN });
    const set = await authSet(TOKEN);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain("stored the Claude OAuth token");
  });

  it("three workers at once: every request of each carries the token, and each gets a read-only copy without a refresh token", async () => {
    const prompts = ["first: say hi", "second: say hi", "third: say hi"];
    const settled = await hal.runTasks(
      prompts.map((prompt) => ({ project: project.home, prompt, env: stub.env, keep: true })),
      { concurrency: 3 },
    );
    const results = settled.map((s) => {
      if (s.status !== "fulfilled") throw s.reason;
      return s.value;
    });
    for (const r of results) expect(r).toMatchObject({ ok: true, text: "Authorised." });
    expect(new Set(results.map((r) => r.worker)).size).toBe(3);

    const requests = (await stub.requests()).filter((r) => r.url.startsWith("/v1/messages"));
    for (const p of prompts) {
      expect(
        requests.some((r) => r.prompt?.endsWith(p)),
        `no request for "${p}"`,
      ).toBe(true);
    }
    for (const r of requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.answer).not.toBe("401");
    }

    for (const r of results) {
      const info = await fleet.docker.getContainer(r.worker).inspect();
      const mount = info.Mounts.find((m) => m.Destination === "/home/worker/.claude/.credentials.json");
      expect(mount, "the token's mount").toMatchObject({ RW: false });
      const copy = JSON.parse(await readFile(mount?.Source as string, "utf8"));
      expect(copy.claudeAiOauth).toMatchObject({ accessToken: TOKEN, refreshToken: null });
      await fleet.docker.getContainer(r.worker).remove({ force: true });
    }
  });

  it("a wrong token: the API's 401 stops the task at once, with an error that says so and what to do", async () => {
    const before = (await stub.requests()).length;
    const task = hal.runTask({
      project: project.home,
      prompt: "say hi with the wrong token",
      env: { ...stub.env, CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-not-the-token" },
    });
    const err = await task.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TaskCredentialError);
    const refused = err as TaskCredentialError;
    expect(refused).toMatchObject({ code: "CREDENTIAL_REFUSED", status: 401 });
    expect(refused.message).toMatch(/the Anthropic API refused the credential of worker \S+ \(HTTP 401\)/);
    expect(refused.hint).toMatch(/claude setup-token.*hal9000 auth set --oauth-token/);
    expect(refused.message + refused.hint).not.toContain("not-the-token");
    expect(task.events.at(-1)).toMatchObject({ type: "error", code: "CREDENTIAL_REFUSED" });
    expect(await gone(refused.worker as string)).toBe(true);
    const mine = (await stub.requests()).slice(before);
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine)
      expect(r).toMatchObject({ answer: "401", authorization: "Bearer sk-ant-oat01-not-the-token" });
  });

  it("`hal9000 run` with a wrong token: exit 125 (no task ran), the refusal and its hint on stderr", async () => {
    const stubEnv = Object.entries(stub.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    const r = await hal9000(
      ["run", project.home, "-p", "say hi from the CLI", ...stubEnv],
      cliEnv(fleet.home.home, fleet.parentName, {
        CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-still-not-the-token",
      }),
    );
    expect(r.code, r.stdout + r.stderr).toBe(125);
    const said = r.stdout + r.stderr;
    expect(said).toMatch(/refused the credential of worker \S+ \(HTTP 401\)/);
    expect(r.stderr).toMatch(/hint: .*claude setup-token/);
  });

  it("no credential at all: the task stops with an error saying the worker has none", async () => {
    const removed = await cli(["auth", "remove"]);
    expect(removed.code, removed.stderr).toBe(0);
    const err = await hal
      .runTask({ project: project.home, prompt: "say hi without a credential", env: stub.env })
      .result.then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(TaskCredentialError);
    expect(err).toMatchObject({ status: null });
    expect((err as Error).message).toMatch(/has no Anthropic credential it can use/);
  });
});

describe("the host's own Claude login (refreshing) with --mount-claude-config", () => {
  let stub: AnthropicStub;
  let hostHome: string;
  let hostLogin: string;
  let loginText: string;
  let onHost: Hal9000;

  beforeAll(async () => {
    stub = await startStub(fleet.docker, fleet.parentName, {
      reply: "Host login works.",
      requireAuth: ACCESS,
    });
    hostHome = path.join(fleet.home.home, "host-home");
    await mkdir(path.join(hostHome, ".claude"), { recursive: true });
    hostLogin = path.join(hostHome, ".claude", ".credentials.json");
    loginText = JSON.stringify({
      claudeAiOauth: {
        accessToken: ACCESS,
        refreshToken: REFRESH,
        expiresAt: Date.now() + 3_600_000,
        scopes: ["user:inference", "user:profile"],
        subscriptionType: "max",
      },
    });
    await writeFile(hostLogin, loginText, { mode: 0o600 });
    // Nothing stored: the host's login is what workers get.
    const removed = await cli(["auth", "remove"]);
    expect(removed.code, removed.stderr).toBe(0);
    onHost = await fleet.open({ env: testEnv({ HOME: hostHome }) });
  });

  it("two workers at once use its access token; the refresh token never leaves the host, whose login is untouched", async () => {
    const settled = await onHost.runTasks(
      ["one: say hi", "two: say hi"].map((prompt) => ({
        project: project.home,
        prompt,
        env: stub.env,
        mountClaudeConfig: true,
        keep: true,
      })),
      { concurrency: 2 },
    );
    const results = settled.map((s) => {
      if (s.status !== "fulfilled") throw s.reason;
      return s.value;
    });
    for (const r of results) expect(r).toMatchObject({ ok: true, text: "Host login works." });
    const requests = (await stub.requests()).filter((r) => r.url.startsWith("/v1/messages"));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) expect(r).toMatchObject({ authorization: `Bearer ${ACCESS}` });
    expect(requests.every((r) => r.answer !== "401")).toBe(true);

    for (const r of results) {
      const info = await fleet.docker.getContainer(r.worker).inspect();
      const mount = info.Mounts.find((m) => m.Destination === "/home/worker/.claude/.credentials.json");
      expect(mount, "the login's mount").toMatchObject({ RW: false });
      expect(mount?.Source).not.toBe(hostLogin);
      const copy = await readFile(mount?.Source as string, "utf8");
      expect(copy).not.toContain(REFRESH);
      expect(JSON.parse(copy).claudeAiOauth).toMatchObject({
        accessToken: ACCESS,
        refreshToken: null,
        subscriptionType: "max",
      });
      await fleet.docker.getContainer(r.worker).remove({ force: true });
    }
    expect(await readFile(hostLogin, "utf8")).toBe(loginText);
  });

  it("an expired host login: the spawn is refused with what to do, and no worker is left", async () => {
    const expired = JSON.stringify({
      claudeAiOauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() - 60_000 },
    });
    await writeFile(hostLogin, expired);
    const before = (await onHost.list()).length;
    const err = await onHost.spawn({ project: project.home, env: stub.env, mountClaudeConfig: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(
      /access token that expired at .*hal9000 never refreshes it in a worker/,
    );
    expect((err as { hint?: string }).hint).toMatch(/claude setup-token/);
    expect((err as Error).message).not.toContain(ACCESS);
    expect((await onHost.list()).length).toBe(before);
    expect(await readFile(hostLogin, "utf8")).toBe(expired);
  });
});
