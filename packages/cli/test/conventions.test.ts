/**
 * What users of docker and gh expect of a CLI: --json on every command, exit codes that a
 * session's own cannot be mistaken for, colour only where it can show, help that starts with
 * the command's own options.
 */
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { isGroup } from "../src/command.js";
import { COMMANDS } from "../src/commands/index.js";
import { EXIT, EXIT_CODE_TABLE } from "../src/exit-codes.js";
import { cleanupHomes, cli, newWorld, VERSION, worker } from "./harness.js";

afterAll(cleanupHomes);

const ESC = "\u001b[";
const running = () =>
  newWorld({ parent: { name: "hal9000-parent", state: "running" }, workers: [worker("alpha")] });

describe("--json holds for every command", () => {
  test('--version: {"version"} under --json, the bare version otherwise', async () => {
    const r = await cli(["--version", "--json"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(r.stdout)).toEqual({ version: VERSION });
    expect((await cli(["list", "--version"])).stdout).toBe(`${VERSION}\n`);
  });

  // Each visible command with arguments that make it run against the fake world.
  const lines: string[][] = [
    ["up"],
    ["build", "worker"],
    ["volumes", "init"],
    ["volumes", "status"],
    ["volumes", "clean", "--yes"],
    ["parent", "start"],
    ["parent", "stop"],
    ["parent", "restart"],
    ["parent", "status"],
    ["spawn", "-d", "/p"],
    ["spawn", "/p"],
    ["list"],
    ["count"],
    ["stop", "alpha"],
    ["stop-all", "--yes"],
    ["logs", "alpha"],
    ["attach", "alpha"],
    ["shell", "alpha"],
    ["send", "alpha", "go"],
    ["send", "alpha", "go", "--wait"],
    ["wait", "alpha"],
    ["status"],
    ["dashboard"],
    ["doctor"],
    ["auth", "status"],
    ["auth", "remove"],
    ["completion"],
    ["conflicts"],
    // The fake facade has no branches: these answer with an error, still one document.
    ["diff", "alpha"],
    ["commit", "alpha"],
    ["merge", "alpha"],
    ["discard", "alpha", "--yes"],
    ["mcp", "add", "memory", "--", "npx", "-y", "@modelcontextprotocol/server-memory"],
    ["mcp", "list"],
    ["mcp", "remove", "memory"],
    ["mcp", "relay", "stop"],
  ];
  const noBranch = new Set(["diff", "commit", "merge", "discard"]);

  // `auth set` reads stdin (auth.test.ts); `run --json` and `watch --json` stream one JSON object a
  // line (run.test.ts, agent.test.ts); `mcp import` reads the host's Claude config, `mcp relay`
  // (foreground) and `mcp server` serve until stopped (test/mcp-*.test.ts).
  test("the list above covers every visible command but those", () => {
    const named = new Set(
      lines.map((l) =>
        (["volumes", "parent", "auth", "mcp"].includes(l[0] ?? "") ? l.slice(0, 2) : l.slice(0, 1)).join(" "),
      ),
    );
    const visible = COMMANDS.filter((c) => !c.hidden).flatMap((c) =>
      isGroup(c) ? c.commands.map((s) => `${c.name} ${s.name}`) : [c.name],
    );
    expect(visible.filter((v) => !named.has(v))).toEqual([
      "run",
      "watch",
      "auth set",
      "mcp import",
      "mcp server",
    ]);
  });

  test.each(lines.map((l) => [l.join(" "), l] as const))(
    "%s --json: exactly one JSON document on stdout",
    async (_n, line) => {
      // --json first: after `mcp add`'s `--` every word is the server's command.
      const r = await cli(["--json", ...line], { world: running() });
      const doc = JSON.parse(r.stdout);
      expect(typeof doc).toBe("object");
      // A session has the terminal, not a report: refused as one error document, nothing run.
      const session = ["attach", "shell", "dashboard"].includes(line[0] ?? "");
      if (session || (line[0] === "spawn" && !line.includes("-d"))) {
        expect(r.code).toBe(EXIT.FAILURE);
        expect(doc.error.code).toBe("USAGE");
      } else if (noBranch.has(line[0] ?? "")) {
        expect(r.code).toBe(EXIT.FAILURE);
        expect(doc.error.code).toBe("NOT_FOUND");
      } else if (line[0] === "mcp" && line[1] === "remove") {
        // A fresh home has no server of that name.
        expect(r.code).toBe(EXIT.FAILURE);
        expect(doc.error.message).toMatch(/no MCP server named "memory"/);
      } else {
        expect(doc.error, r.stderr).toBeUndefined();
      }
    },
  );

  test("help stays text under --json", async () => {
    const r = await cli(["spawn", "--help", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hal9000 spawn /);
  });
});

describe("exit codes: one row each", () => {
  test("the table printed by --help is the one the CLI uses", async () => {
    const help = (await cli(["--help"])).stdout;
    for (const [code, meaning] of EXIT_CODE_TABLE) expect(help).toContain(`${code.padEnd(4)} ${meaning}`);
  });

  test("0: success", async () => {
    expect((await cli(["list"], { world: running() })).code).toBe(0);
  });

  test("1: a check found problems (doctor, volumes status, auth status), after printing its report", async () => {
    const doctor = await cli(["doctor"], { world: newWorld({ dockerUp: false }) });
    expect(doctor.code).toBe(EXIT.PROBLEMS);
    expect(doctor.stdout).toMatch(/problems? found/);

    const home = (await cli(["volumes", "init"])).home;
    await writeFile(join(home, "config", "hal9000.conf"), "WORKER_CPUS=lots\n");
    const volumes = await cli(["volumes", "status"], { home });
    expect(volumes.code).toBe(EXIT.PROBLEMS);
    expect(volumes.stdout).toContain("1 problem");
    expect(volumes.stderr).toBe("hal9000: HAL9000_HOME has 1 problem\n");
    const fine = (await cli(["volumes", "init"])).home;
    expect((await cli(["volumes", "status"], { home: fine })).code).toBe(0);

    const set = await cli(["auth", "set"], { stdin: "sk-ant-api03-exit-code-test" });
    await chmod(join(set.home, "secrets", "anthropic-api-key"), 0o644);
    expect((await cli(["auth", "status"], { home: set.home })).code).toBe(EXIT.PROBLEMS);
  });

  test("125: a usage error, nothing done", async () => {
    const world = newWorld();
    const r = await cli(["spawn", "-d", "--frob", "/p"], { world });
    expect(r.code).toBe(125);
    expect(r.stderr).toBe(
      "hal9000: unknown option --frob\n  hint: usage: hal9000 spawn [-n NAME] [-d] [-i IMAGE] [--rm|--no-rm] [-e KEY=VAL] [--memory SIZE] [--cpus N] [--pids-limit N] [--mount-claude-config] [--branch [NAME]] [--base REF] [project_dir]\n",
    );
    expect(world.calls).toEqual([]);
  });

  test("125: hal9000 itself failed (here: no such worker), also for a session command", async () => {
    const stop = await cli(["stop", "ghost"], { world: running() });
    expect(stop.code).toBe(125);
    const attach = await cli(["attach", "ghost"], { world: running(), tty: true, env: { NO_COLOR: "1" } });
    expect(attach.code).toBe(125);
    expect(attach.stderr).toContain('hal9000: worker "ghost" not found');
  });

  test("130: cancelled at a prompt", async () => {
    const r = await cli(["stop-all"], { world: running(), tty: true, answers: ["n"] });
    expect(r.code).toBe(130);
  });

  test.each([
    ["spawn", ["spawn", "/p"]],
    ["attach", ["attach", "alpha"]],
    ["attach --shell", ["attach", "--shell", "alpha"]],
    ["shell", ["shell", "alpha"]],
    ["dashboard", ["dashboard"]],
  ])("a session (%s) exits with its own code, whatever it is (0, 1, 42, even 125)", async (_n, line) => {
    for (const own of [0, 1, 42, 125]) {
      const world = running();
      world.interactiveExitCode = own;
      const r = await cli(line, { world, tty: true });
      expect(r.code, `${line.join(" ")} ending with ${own}`).toBe(own);
      // On a terminal, attach says how to leave the agent's session without ending it.
      const note = line.join(" ") === "attach alpha" ? "attached to alpha: detach with Ctrl-P Ctrl-Q\n" : "";
      expect(r.stderr).toBe(note);
    }
  });
});

describe("colour", () => {
  const world = () => newWorld({ parent: { name: "hal9000-parent", state: "running" } });
  const colour = async (tty: boolean, env: NodeJS.ProcessEnv) =>
    (await cli(["parent", "status"], { world: world(), tty, env })).stdout.includes(ESC);

  test("on a terminal by default; never piped", async () => {
    expect(await colour(true, {})).toBe(true);
    expect(await colour(false, {})).toBe(false);
  });

  test("NO_COLOR (non-empty) and TERM=dumb turn it off on a terminal", async () => {
    expect(await colour(true, { NO_COLOR: "1" })).toBe(false);
    expect(await colour(true, { NO_COLOR: "" })).toBe(true);
    expect(await colour(true, { TERM: "dumb" })).toBe(false);
  });

  test("FORCE_COLOR forces it on, also piped and over NO_COLOR; FORCE_COLOR=0 forces it off", async () => {
    expect(await colour(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(await colour(false, { FORCE_COLOR: "" })).toBe(true);
    expect(await colour(false, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(await colour(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(await colour(true, { FORCE_COLOR: "false" })).toBe(false);
  });

  test("errors on stderr follow the same rules", async () => {
    const piped = await cli(["stop", "ghost"], { world: running() });
    expect(piped.stderr).not.toContain(ESC);
    const tty = await cli(["stop", "ghost"], { world: running(), tty: true });
    expect(tty.stderr).toContain(ESC);
    const dumb = await cli(["stop", "ghost"], { world: running(), tty: true, env: { TERM: "dumb" } });
    expect(dumb.stderr).not.toContain(ESC);
  });

  test("TERM=dumb: build progress is plain lines, no cursor movement", async () => {
    const live = await cli(["build", "worker"], { tty: true });
    expect(live.stderr).toContain(`${ESC}2K`);
    const dumb = await cli(["build", "worker"], { tty: true, env: { TERM: "dumb" } });
    expect(dumb.stderr).not.toContain(ESC);
    expect(dumb.stderr).toContain("[worker] built hal9000/worker:latest");
  });
});

describe("help", () => {
  test("a command's own arguments and options come first, then the global ones, then examples", async () => {
    const r = await cli(["logs", "--help"]);
    expect(r.code).toBe(0);
    const at = (s: string) => r.stdout.indexOf(s);
    expect(at("Usage: hal9000 logs [-f] [--tail N] <name>")).toBe(0);
    expect(at("Arguments:")).toBeGreaterThan(0);
    expect(at("Options:")).toBeGreaterThan(at("Arguments:"));
    expect(at("Global options:")).toBeGreaterThan(at("  -f, --follow"));
    expect(at("Examples:")).toBeGreaterThan(at("Global options:"));
    expect(r.stdout).toContain("  hal9000 logs -f hal9000-worker-3a775d9fe4b1");
  });

  test("every visible command's help lists two or three examples", async () => {
    for (const c of COMMANDS.filter((x) => !x.hidden)) {
      const paths = isGroup(c) ? [[c.name], ...c.commands.map((s) => [c.name, s.name])] : [[c.name]];
      for (const p of paths) {
        const r = await cli([...p, "--help"]);
        const examples = r.stdout.slice(r.stdout.indexOf("Examples:")).trim().split("\n").slice(1);
        expect(examples.length, p.join(" ")).toBeGreaterThanOrEqual(2);
        expect(examples.length, p.join(" ")).toBeLessThanOrEqual(3);
        for (const e of examples) expect(e).toMatch(/hal9000 /);
      }
    }
  });

  test("session commands say how their exit code works", async () => {
    expect((await cli(["shell", "--help"])).stdout).toContain(
      "Exit code: the shell's own, as docker run; 125 when hal9000 fails.",
    );
    expect((await cli(["attach", "--help"])).stdout).toContain(
      "Exit code: the agent's own, as docker run; 125 when hal9000 fails.",
    );
  });
});
