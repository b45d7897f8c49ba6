import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { cleanupHomes, cli } from "./harness.js";

afterAll(cleanupHomes);

const KEY = "sk-ant-api03-cli-test-AbCdEf0123456789";
const TOKEN = "sk-ant-oat01-cli-test-ZyXw9876543210";
const secrets = (home: string) => join(home, "secrets");

describe("auth set", () => {
  test("reads the key from stdin, stores it 0600, and never prints it", async () => {
    const r = await cli(["auth", "set"], { stdin: `${KEY}\n` });
    expect(r.code, r.stderr).toBe(0);
    const file = join(secrets(r.home), "anthropic-api-key");
    expect(r.stdout).toBe(
      `stored the Anthropic API key in ${file} (mode 0600)\nworkers spawned from now on get it as a read-only file, never in their environment\n`,
    );
    expect(await readFile(file, "utf8")).toBe(`${KEY}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain("AbCdEf");
  });

  test("guesses an OAuth token from its prefix; --json says what and where, not the value", async () => {
    const r = await cli(["auth", "set", "--json"], { stdin: TOKEN });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({
      stored: true,
      kind: "oauth-token",
      path: join(secrets(r.home), "claude-oauth-token"),
    });
    expect(r.stdout).not.toContain("ZyXw");
  });

  test("--kind and --oauth-token choose the kind of an unprefixed token", async () => {
    const a = await cli(["auth", "set", "--kind", "oauth-token", "--json"], { stdin: "gateway-token-1" });
    expect(JSON.parse(a.stdout).kind).toBe("oauth-token");
    const b = await cli(["auth", "set", "--oauth-token", "--json"], { stdin: "gateway-token-2" });
    expect(JSON.parse(b.stdout).kind).toBe("oauth-token");
    const c = await cli(["auth", "set", "--json"], { stdin: "proxy-key-3" });
    expect(JSON.parse(c.stdout).kind).toBe("api-key");
  });

  test("on a terminal it prompts on stderr and does not echo what is typed", async () => {
    const r = await cli(["auth", "set"], { tty: true, stdin: `${KEY}\r` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Anthropic API key or Claude OAuth token (input hidden): ");
    expect(r.stdout + r.stderr).not.toContain("AbCdEf");
    expect(await readFile(join(secrets(r.home), "anthropic-api-key"), "utf8")).toBe(`${KEY}\n`);
  });

  test("refuses the value on the command line, without repeating it, and stores nothing", async () => {
    const r = await cli(["auth", "set", KEY]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/the credential is never taken from the command line/);
    expect(r.stderr).toContain("hal9000 auth set");
    expect(r.stdout + r.stderr).not.toContain("AbCdEf");
    await expect(readdir(secrets(r.home))).rejects.toThrow(/ENOENT/);
    // Nor as an unknown option's value, and the usage line does not suggest one.
    const opt = await cli(["auth", "set", `--key=${KEY}`], { stdin: KEY });
    expect(opt.code).toBe(EXIT.FAILURE);
    expect(opt.stdout + opt.stderr).not.toContain("AbCdEf");
    expect((await cli(["auth", "set", "--help"])).stdout).toMatch(
      /^Usage: hal9000 auth set \[--kind api-key\|oauth-token\] \[--oauth-token\]\n/,
    );
  });

  test("config flags still work with it", async () => {
    const r = await cli(["auth", "set", "--parent-name", "p2", "--json"], { stdin: KEY });
    expect(r.code, r.stderr).toBe(0);
  });

  test("empty stdin, a bad value or a kind that contradicts the prefix: a clear error, nothing stored", async () => {
    const empty = await cli(["auth", "set"], { stdin: "\n" });
    expect(empty.code).toBe(EXIT.FAILURE);
    expect(empty.stderr).toMatch(/no credential given on stdin; nothing was stored/);

    const spaced = await cli(["auth", "set"], { stdin: "two SECRETword" });
    expect(spaced.code).toBe(EXIT.FAILURE);
    expect(spaced.stderr).toMatch(/contains whitespace at position 4/);
    expect(spaced.stderr).not.toContain("SECRETword");

    const wrong = await cli(["auth", "set", "--kind", "api-key"], { stdin: TOKEN });
    expect(wrong.code).toBe(EXIT.FAILURE);
    expect(wrong.stderr).toMatch(/looks like a Claude OAuth token/);
    expect(wrong.stderr).not.toContain("ZyXw");
    await expect(readdir(secrets(wrong.home))).rejects.toThrow(/ENOENT/);

    const bad = await cli(["auth", "set", "--kind", "password"], { stdin: KEY });
    expect(bad.code).toBe(EXIT.FAILURE);
    expect(bad.stderr).toMatch(/invalid kind "password"/);
  });
});

describe("auth status / remove", () => {
  test("status before and after set: kind and file, never the value; --json", async () => {
    const before = await cli(["auth", "status"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(
      [
        "credential: none stored, and none in this environment: workers get no credential",
        "  hint: for a Claude subscription, run `claude setup-token` on the host and store the long-lived token it prints: hal9000 auth set --oauth-token; for an API key: hal9000 auth set (or set ANTHROPIC_API_KEY)",
        "",
      ].join("\n"),
    );
    expect(
      JSON.parse((await cli(["auth", "status", "--json"], { home: before.home })).stdout).hint,
    ).toContain("claude setup-token");
    // A credential in the environment: no hint, the stored-one line and the note that it wins.
    const fromEnv = await cli(["auth", "status"], { home: before.home, env: { ANTHROPIC_API_KEY: KEY } });
    expect(fromEnv.stdout).toBe(
      "credential: none stored (store one with `hal9000 auth set`)\nnote: ANTHROPIC_API_KEY is set in this environment; workers spawned from here get it instead\n",
    );
    await cli(["auth", "set"], { home: before.home, stdin: KEY });
    const after = await cli(["auth", "status"], { home: before.home });
    expect(after.stdout).toBe(
      `credential: Anthropic API key in ${join(secrets(before.home), "anthropic-api-key")}\n`,
    );
    const doc = JSON.parse((await cli(["auth", "status", "--json"], { home: before.home })).stdout);
    expect(doc).toEqual({
      present: true,
      kind: "api-key",
      path: join(secrets(before.home), "anthropic-api-key"),
      problems: [],
      env: { ANTHROPIC_API_KEY: false, CLAUDE_CODE_OAUTH_TOKEN: false },
    });
    expect(JSON.stringify(doc)).not.toContain("AbCdEf");
  });

  test("status says when the environment's variable wins, without its value", async () => {
    const r = await cli(["auth", "status"], { env: { ANTHROPIC_API_KEY: "sk-from-env-QQQ" } });
    expect(r.stdout).toContain(
      "note: ANTHROPIC_API_KEY is set in this environment; workers spawned from here get it instead",
    );
    expect(r.stdout).not.toContain("QQQ");
  });

  test("status reports an unsafe file with its fix and exits 1", async () => {
    const r = await cli(["auth", "set"], { stdin: KEY });
    const { chmod } = await import("node:fs/promises");
    await chmod(join(secrets(r.home), "anthropic-api-key"), 0o644);
    const st = await cli(["auth", "status"], { home: r.home });
    expect(st.code).toBe(EXIT.PROBLEMS);
    expect(st.stdout).toMatch(/problem: .*accessible to other users \(mode 644\).*chmod 600/);
    expect(st.stdout + st.stderr).not.toContain("AbCdEf");
  });

  test("remove deletes the stored credential and every worker's copy", async () => {
    const r = await cli(["auth", "set"], { stdin: KEY });
    const copy = join(secrets(r.home), "workers", "hal9000-worker-x");
    await mkdir(copy, { recursive: true });
    await writeFile(join(copy, "credential"), KEY);
    const rm = await cli(["auth", "remove", "--json"], { home: r.home });
    expect(rm.code).toBe(0);
    expect(JSON.parse(rm.stdout)).toEqual({ removed: true, workerCopies: 1 });
    expect(await readdir(secrets(r.home))).toEqual(["workers"]);
    expect(await readdir(join(secrets(r.home), "workers"))).toEqual([]);
    const again = await cli(["auth", "remove"], { home: r.home });
    expect(again.stdout).toBe("no credential was stored\n");
  });

  test("a missing or unknown action is a usage error", async () => {
    const none = await cli(["auth"]);
    expect(none.code).toBe(EXIT.FAILURE);
    expect(none.stderr).toMatch(/missing auth action/);
    const typo = await cli(["auth", "stauts"]);
    expect(typo.code).toBe(EXIT.FAILURE);
    expect(typo.stderr).toMatch(/unknown auth action "stauts"/);
    expect(typo.stderr).toMatch(/did you mean `hal9000 auth status`/);
  });
});
