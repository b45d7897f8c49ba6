import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, test } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { called, cleanupHomes, cli, newWorld, VERSION } from "./harness.js";

afterAll(cleanupHomes);

const ESC = "\u001b[";

describe("help and version", () => {
  test("--help lists every command but the hidden coordinator, on stdout, exit 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    for (const c of [
      "up [project_dir]",
      "build [parent|worker|worker-minimal|all]",
      "volumes <init|status|clean>",
      "parent <start|stop|restart|status>",
      "spawn [project_dir]",
      "list",
      "count",
      "stop <name>",
      "stop-all",
      "logs <name>",
      "attach <name>",
      "status",
      "dashboard",
      "doctor",
      "completion [bash|zsh]",
      "auth <set|status|remove>",
    ]) {
      expect(r.stdout).toContain(`hal9000 ${c} `);
    }
    expect(r.stdout).not.toContain("hal9000 coordinator");
    expect(r.stdout).not.toMatch(/hal9000 init\b/);
    expect(r.stdout).toContain("--json");
    expect(r.stdout).toContain("--parent-name");
    expect(r.stdout).toMatch(/^Exit codes:\n {2}0 {4}success\n {2}1 {4}a check found problems/m);
    expect(r.stdout).toMatch(/^ {2}125 {2}hal9000 failed, or a usage error/m);
  });

  test("--help works on every command", async () => {
    for (const args of [
      ["spawn", "--help"],
      ["volumes", "--help"],
      ["volumes", "clean", "--help"],
      ["parent", "start", "--help"],
      ["build", "-h"],
      ["logs", "--help"],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain(`hal9000 ${args[0]}`);
    }
    const spawn = await cli(["spawn", "--help"]);
    for (const o of ["--name", "--detach", "--image", "--rm", "--env"]) expect(spawn.stdout).toContain(o);
  });

  test("--version prints the version alone", async () => {
    const r = await cli(["--version"]);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
  });
});

describe("usage errors exit 125 with what was wrong and how to fix it", () => {
  const cases: [string[], string, string][] = [
    [[], "hal9000: no command given", "hint: run `hal9000 --help`"],
    [["lst"], 'hal9000: unknown command "lst"', "did you mean `hal9000 list`?"],
    [["frobnicate"], 'hal9000: unknown command "frobnicate"', "run `hal9000 --help` to see the commands"],
    [["list", "--frob"], "hal9000: unknown option --frob", "usage: hal9000 list"],
    [["list", "extra"], 'hal9000: unexpected argument "extra"', "usage: hal9000 list"],
    [["stop"], "hal9000: missing argument <name>", "usage: hal9000 stop <name>"],
    [["logs"], "hal9000: missing argument <name>", "usage: hal9000 logs [-f] [--tail N] <name>"],
    [["attach"], "hal9000: missing argument <name>", "usage: hal9000 attach [--shell] <name>"],
    [
      ["build", "nope"],
      'hal9000: invalid build target "nope"',
      "choose one of: parent, worker, worker-minimal, all",
    ],
    [["volumes"], "hal9000: missing volumes action", "usage: hal9000 volumes <init|status|clean>"],
    [["volumes", "wipe"], 'hal9000: unknown volumes action "wipe"', "usage: hal9000 volumes"],
    [["parent", "strt"], 'hal9000: unknown parent action "strt"', "did you mean `hal9000 parent start`?"],
    [["spawn", "-n"], "hal9000: option -n needs a value", "usage: hal9000 spawn"],
    [["spawn", "-e", "NOEQUALS", "-d"], 'hal9000: -e expects KEY=VAL, got "NOEQUALS"', "hint: e.g. -e"],
    [["spawn", "-d", ""], "hal9000: project_dir is empty", "hint: give a directory"],
    [["--worker-max-count", "lots", "list"], "hal9000: --worker-max-count:", "hint:"],
    [["logs", "w", "--tail", "-3"], "hal9000: --tail must be a whole number", "e.g. --tail 100"],
    [["up", "-n", "w1"], "hal9000: --name and --image are for the worker", "usage: hal9000 up"],
    [["attach", "w", "--json"], "hal9000: --json does not apply to `hal9000 attach`", ""],
    [["spawn", "--json"], "hal9000: --json needs -d", "hint: add -d"],
    [["logs", "w", "-f", "--json"], "hal9000: --json and --follow do not go together", ""],
  ];
  test.each(cases)("%j", async (args, message, hint) => {
    const world = newWorld({ workers: [] });
    const r = await cli(args, { world });
    expect(r.code).toBe(EXIT.FAILURE);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toContain(message);
    if (hint) expect(lines[1]).toContain(hint);
    // Nothing was done: no call reached the facade.
    expect(world.calls.filter((c) => c.method !== "enableDebug")).toEqual([]);
    if (!args.includes("--json")) expect(r.stdout).toBe("");
  });

  test("under --json a usage error is also one JSON document on stdout", async () => {
    const r = await cli(["--json", "nope"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: "USAGE",
        message: 'unknown command "nope"',
        hint: "run `hal9000 --help` to see the commands",
      },
    });
    expect(r.stderr).toContain('hal9000: unknown command "nope"');
  });
});

describe("failures exit 125", () => {
  test("a package error prints its message and hint, no stack", async () => {
    const r = await cli(["stop", "ghost"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toBe(
      'hal9000: worker "ghost" not found\n  hint: see running workers with `hal9000 list`\n',
    );
    expect(r.stdout).toBe("");
  });

  test("--json: the error as JSON on stdout, the message on stderr", async () => {
    const r = await cli(["stop", "ghost", "--json"]);
    expect(r.code).toBe(EXIT.FAILURE);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: "NOT_FOUND",
        message: 'worker "ghost" not found',
        hint: "see running workers with `hal9000 list`",
      },
    });
    expect(r.stderr).toContain('hal9000: worker "ghost" not found');
  });

  test("Docker unreachable: one clear error", async () => {
    const r = await cli(["list"], { world: newWorld({ dockerUp: false }) });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr.split("\n")[0]).toBe(
      "hal9000: Cannot connect to Docker daemon: no socket at unix:///var/run/docker.sock",
    );
    expect(r.stderr).toContain("  hint: start Docker");
  });

  test("--verbose adds the stack trace and turns on debug logs", async () => {
    const world = newWorld();
    const quiet = await cli(["stop", "ghost"], { world });
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const r = await cli(["stop", "ghost", "--verbose"], { world });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/NotFoundError: worker "ghost" not found\n\s+at /);
    expect(called(world, "enableDebug")).toHaveLength(1);
  });

  test("a bad hal9000.conf is a failure naming the file and line", async () => {
    const first = await cli(["volumes", "init"]);
    const file = `${first.home}/config/hal9000.conf`;
    const { writeFile } = await import("node:fs/promises");
    await writeFile(file, `${await readFile(file, "utf8")}\nWORKER_MAX_COUNT=many\n`);
    const r = await cli(["list"], { home: first.home });
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.stderr).toMatch(/^hal9000: .*hal9000\.conf:\d+.*WORKER_MAX_COUNT|^hal9000: .*"many"/m);
    expect(r.stderr).toContain("hint:");
  });
});

describe("colour and config flags", () => {
  test("colour only on a terminal, and never with NO_COLOR", async () => {
    const world = newWorld({ parent: { name: "hal9000-parent", state: "running" } });
    const tty = await cli(["parent", "status"], { world, tty: true });
    expect(tty.stdout).toContain(ESC);
    const piped = await cli(["parent", "status"], { world, tty: false });
    expect(piped.stdout).not.toContain(ESC);
    const noColor = await cli(["parent", "status"], { world, tty: true, env: { NO_COLOR: "1" } });
    expect(noColor.stdout).not.toContain(ESC);
    expect(noColor.stdout).toBe(piped.stdout);
  });

  test("config flags reach the config (flag > env > file > default)", async () => {
    const world = newWorld();
    const r = await cli(["--parent-name", "p-flag", "--worker-max-count", "3", "list", "--json"], {
      world,
      env: { HAL9000_PARENT_NAME: "p-env", HAL9000_WORKER_IMAGE: "me/worker:env" },
    });
    expect(r.code).toBe(0);
    expect(world.opened[0]?.flags).toEqual({ parentName: "p-flag", workerMaxCount: 3 });
    expect(JSON.parse(r.stdout).parent).toBe("p-flag");
    const status = await cli(["status", "--json"], { world, env: { HAL9000_PARENT_NAME: "p-env" } });
    expect(JSON.parse(status.stdout).parent.name).toBe("p-env");
  });

  test("--home picks HAL9000_HOME over the environment", async () => {
    const world = newWorld();
    const r = await cli(["--home", "/tmp/elsewhere-hal9000", "list"], { world });
    expect(r.code).toBe(0);
    expect(world.opened[0]?.home).toBe("/tmp/elsewhere-hal9000");
  });
});
