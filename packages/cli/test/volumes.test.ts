import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld } from "./harness.js";

afterAll(cleanupHomes);

describe("volumes (the seed's init-volumes.sh)", () => {
  test("init creates HAL9000_HOME's layout, then says it is there", async () => {
    const r = await cli(["volumes", "init"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`initialized HAL9000_HOME ${r.home}`);
    for (const d of ["sessions", "logs", "workers", "config/hal9000.conf"]) {
      expect(existsSync(`${r.home}/${d}`), d).toBe(true);
      expect(r.stdout).toContain(`  created ${r.home}/${d}`);
    }
    const again = await cli(["volumes", "init"], { home: r.home });
    expect(again.stdout).toBe(`HAL9000_HOME ${r.home} is already initialized\n`);
    // `hal9000 init`, the hidden name earlier hints used, is the same.
    const alias = await cli(["init", "--json"], { home: r.home });
    expect(JSON.parse(alias.stdout)).toEqual({ home: r.home, created: [] });
  });

  test("status before and after init", async () => {
    const before = await cli(["volumes", "status"]);
    expect(before.code).toBe(EXIT.PROBLEMS);
    expect(before.stdout).toBe(`HAL9000_HOME ${before.home}: not initialized\n  run: hal9000 volumes init\n`);
    await cli(["volumes", "init"], { home: before.home });
    const after = await cli(["volumes", "status"], { home: before.home });
    expect(after.stdout.split("\n")[0]).toBe(`HAL9000_HOME ${before.home}: ok`);
    expect(after.stdout).toMatch(/ {2}sessions {2}\S+\/sessions {2}ok/);
    expect(after.stdout).toContain("sessions: 0 records");
    const json = JSON.parse((await cli(["volumes", "status", "--json"], { home: before.home })).stdout);
    expect(json).toMatchObject({ home: before.home, exists: true, ok: true });
  });

  test("status shows a broken config with its line even though nothing else can load", async () => {
    const r = await cli(["volumes", "init"]);
    await writeFile(`${r.home}/config/hal9000.conf`, "PARENT_NAME=ok-name\nWORKER_CPUS=lots\n");
    const st = await cli(["volumes", "status"], { home: r.home });
    expect(st.code).toBe(EXIT.PROBLEMS);
    expect(st.stdout).toContain("1 problem");
    expect(st.stdout).toMatch(/✗ .*hal9000\.conf:2: .*WORKER_CPUS/);
  });

  test("clean --yes removes hal9000's entries, leaves the user's files", async () => {
    const world = newWorld();
    const r = await cli(["volumes", "init"], { world });
    await mkdir(`${r.home}/sessions`, { recursive: true });
    await writeFile(`${r.home}/notes.txt`, "mine");
    const c = await cli(["volumes", "clean", "--yes"], { world, home: r.home });
    expect(c.code).toBe(0);
    expect(c.stdout.split("\n")[0]).toBe(`cleaned ${r.home}`);
    expect(c.stdout).toContain(`  removed ${r.home}/sessions`);
    expect(existsSync(`${r.home}/sessions`)).toBe(false);
    expect(existsSync(`${r.home}/notes.txt`)).toBe(true);
    // Docker was reachable, so its labelled volumes were offered for cleaning too.
    expect(called(world, "cleanHome")[0]?.[0]).toEqual({ fake: "docker" });
  });

  test("clean with Docker down: files only, with a note", async () => {
    const world = newWorld({ dockerUp: false });
    const r = await cli(["volumes", "init"], { world });
    const c = await cli(["volumes", "clean", "-y", "--json"], { world, home: r.home });
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).removed.length).toBeGreaterThan(0);
    expect(c.stderr).toContain("note: Docker is not reachable");
    expect(called(world, "cleanHome")[0]?.[0]).toBeUndefined();
  });

  test("clean off a terminal without --yes: usage error, exit 125, nothing removed", async () => {
    const r = await cli(["volumes", "init"]);
    const c = await cli(["volumes", "clean"], { home: r.home, tty: false });
    expect(c.code).toBe(EXIT.FAILURE);
    expect(c.stderr).toBe(
      `hal9000: cleaning ${r.home} needs confirmation and there is no terminal to ask on; nothing was changed\n  hint: pass --yes to confirm\n`,
    );
    expect(existsSync(`${r.home}/sessions`)).toBe(true);
    const json = await cli(["volumes", "clean", "--json"], { home: r.home, tty: false });
    expect(json.code).toBe(EXIT.FAILURE);
    expect(JSON.parse(json.stdout).error.code).toBe("USAGE");
  });

  test("clean on a terminal asks first", async () => {
    const r = await cli(["volumes", "init"]);
    const no = await cli(["volumes", "clean"], {
      home: r.home,
      tty: true,
      answers: ["n"],
      env: { NO_COLOR: "1" },
    });
    expect(no.code).toBe(EXIT.CANCELLED);
    expect(no.stderr).toContain(
      `Remove hal9000's sessions, logs, worker homes and config from ${r.home}? [y/N] `,
    );
    expect(existsSync(`${r.home}/sessions`)).toBe(true);
    const yes = await cli(["volumes", "clean"], { home: r.home, tty: true, answers: ["yes"] });
    expect(yes.code).toBe(0);
    expect(existsSync(`${r.home}/sessions`)).toBe(false);
  });
});
