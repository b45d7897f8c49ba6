/**
 * The registry as data: every command's table, examples and hints hold together, and what the
 * parser does follows from the tables alone.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { parseCommandLine } from "../src/argv.js";
import { type AnyCommand, type CommandSpec, defineCommand, isGroup } from "../src/command.js";
import { COMMANDS } from "../src/commands/index.js";
import { UsageError } from "../src/errors.js";
import { usageLine } from "../src/usage.js";

/** Every runnable command with the words that name it. */
function leaves(registry: readonly AnyCommand[]): { words: string[]; spec: CommandSpec; hidden: boolean }[] {
  return registry.flatMap((c) =>
    isGroup(c)
      ? c.commands.map((s) => ({
          words: [c.name, s.name],
          spec: s,
          hidden: c.hidden === true || s.hidden === true,
        }))
      : [{ words: [c.name], spec: c, hidden: c.hidden === true }],
  );
}

const visible = leaves(COMMANDS).filter((l) => !l.hidden);

/** The hal9000 part of an example line: `printf %s "$K" | hal9000 auth set` → ["auth", "set"]. */
function exampleArgv(line: string): string[] {
  const segment = line.split(/\s*(?:\||&&|>>|>)\s*/).find((s) => s.startsWith("hal9000 ")) ?? "";
  const words = segment.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words.slice(1).map((w) => w.replace(/^(["'])(.*)\1$/, "$2"));
}

describe("the registry", () => {
  test("command names are unique at each level", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      if (isGroup(c)) expect(new Set(c.commands.map((s) => s.name)).size).toBe(c.commands.length);
    }
  });

  test.each(visible.map((l) => [l.words.join(" "), l] as const))(
    "%s: a summary, two or three examples that the parser accepts as that command",
    (_name, { words, spec }) => {
      expect(spec.summary.length).toBeGreaterThan(0);
      expect(spec.examples.length).toBeGreaterThanOrEqual(2);
      expect(spec.examples.length).toBeLessThanOrEqual(3);
      for (const [line, what] of spec.examples) {
        expect(what.length, line).toBeGreaterThan(0);
        const parsed = parseCommandLine(exampleArgv(line), COMMANDS);
        // An example may show a neighbour (e.g. `stop` shows `stop-all`), but must parse.
        expect(["run", "help"], line).toContain(parsed.kind);
        if (parsed.kind === "run" && line.startsWith(`hal9000 ${words.join(" ")} `)) {
          expect(parsed.command, line).toBe(spec);
        }
      }
    },
  );

  test("no hint or message in the packages names a hidden command or an unknown action", async () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const hidden = new Set(COMMANDS.filter((c) => c.hidden).map((c) => c.name));
    const actions = new Map(
      COMMANDS.filter(isGroup).map((g) => [
        g.name,
        new Set(g.commands.filter((s) => !s.hidden).map((s) => s.name)),
      ]),
    );
    const bad: string[] = [];
    for (const pkg of ["packages/volumes", "packages/core", "images", "packages/cli"]) {
      const dir = join(root, pkg, "src");
      const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".ts"));
      for (const file of files) {
        // Comments may talk about hidden commands; messages and hints may not.
        const code = (await readFile(join(dir, file), "utf8"))
          .replace(/\/\*[\s\S]*?\*\//g, "")
          .replace(/^\s*\/\/.*$/gm, "");
        for (const m of code.matchAll(/hal9000 ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)) {
          const [, first = "", second = ""] = m;
          const group = actions.get(first);
          if (hidden.has(first) || (group && second !== "" && !group.has(second))) {
            bad.push(`${pkg}/src/${file}: ${m[0]}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });
});

describe("the parser follows the tables", () => {
  interface Args {
    target?: string;
    name?: string;
    force?: boolean;
    cache?: boolean;
    env?: string[];
    count?: number;
  }
  const probe = defineCommand<Args>({
    name: "probe",
    summary: "a command made up for this test",
    args: {
      target: { positional: true, required: true, describe: "what" },
      name: { short: "n", value: "NAME", describe: "a name" },
      force: { short: "f", describe: "a flag" },
      cache: { default: true, describe: "on unless --no-cache" },
      env: { short: "e", value: "KEY=VAL", repeat: true, describe: "repeatable" },
      count: { value: "N", type: "number", describe: "a number" },
    },
    examples: [],
    run: () => undefined,
  });
  const parse = (argv: string[]) => parseCommandLine(argv, [probe]);
  const args = (argv: string[]) => {
    const line = parse(argv);
    if (line.kind !== "run") throw new Error(`parsed as ${line.kind}`);
    return line.args;
  };
  const usageError = (argv: string[]) => {
    try {
      parse(argv);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return err as UsageError;
    }
    throw new Error(`${argv.join(" ")} parsed`);
  };

  test("the usage line is derived from the table", () => {
    expect(usageLine([probe])).toBe(
      "hal9000 probe [-n NAME] [-f] [--no-cache] [-e KEY=VAL] [--count N] <target>",
    );
  });

  test("spellings of options: long, short, =, attached, bundled, --no-, last wins, repeat, --", () => {
    expect(args(["probe", "t", "--name", "a"])).toMatchObject({ target: "t", name: "a", cache: true });
    expect(args(["probe", "--name=a=b", "t"])).toMatchObject({ name: "a=b" });
    expect(args(["probe", "-nfoo", "t"])).toMatchObject({ name: "foo" });
    expect(args(["probe", "-fn", "x", "t"])).toMatchObject({ force: true, name: "x" });
    expect(args(["probe", "t", "--no-cache", "--no-force"])).toMatchObject({ cache: false, force: false });
    expect(args(["probe", "t", "-n", "one", "-n", "two"])).toMatchObject({ name: "two" });
    expect(args(["probe", "t", "-e", "A=1", "--env", "B=2"])).toMatchObject({ env: ["A=1", "B=2"] });
    expect(args(["probe", "t", "--count", "-3"])).toMatchObject({ count: -3 });
    expect(args(["probe", "--", "-dash-target"])).toMatchObject({ target: "-dash-target" });
    expect(args(["--json", "probe", "t", "--verbose"])).toMatchObject({ target: "t" });
  });

  test("usage errors say what was wrong from the table, never echoing an unknown option's value", () => {
    expect(usageError(["probe"]).message).toBe("missing argument <target>");
    expect(usageError(["probe", "t", "u"]).message).toBe('unexpected argument "u"');
    expect(usageError(["probe", "t", "-n"]).message).toBe("option -n needs a value");
    expect(usageError(["probe", "t", "--name", "-f"]).message).toBe("option --name needs a value");
    expect(usageError(["probe", "t", "--count", "many"]).message).toBe(
      '--count expects a number, got "many"',
    );
    expect(usageError(["probe", "t", "--force=maybe"]).message).toBe("option --force takes no value");
    const secret = usageError(["probe", "t", "--key=sk-secret-value", "-x"]);
    expect(secret.message).toBe("unknown options --key, -x");
    expect(secret.message + secret.hint).not.toContain("sk-secret");
    expect(usageError(["probe", "t", "-q"]).hint).toBe(`usage: ${usageLine([probe])}`);
    expect(usageError(["prob"]).hint).toContain("did you mean `hal9000 probe`?");
  });

  test("--help and --version win over everything else on the line", () => {
    expect(parse(["probe", "--bogus", "--help"])).toMatchObject({ kind: "help", path: [probe] });
    expect(parse(["-h"])).toMatchObject({ kind: "help", path: [] });
    expect(parse(["probe", "--version"])).toMatchObject({ kind: "version" });
  });
});
