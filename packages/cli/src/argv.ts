/**
 * The command-line parser, driven by the command tables: it knows which options take a value,
 * which are flags, which positionals a command has, so every usage error is made here from what
 * went wrong (an unknown option, a missing value, a bad choice), never from another parser's prose.
 *
 * Conventions, as docker's and git's parsers: `--name value`, `--name=value`, `-n value`,
 * `-nvalue`, bundled flags (`-fd`), `--no-<flag>`, `--` ends the options, global options go
 * anywhere, a single-valued option given twice keeps the last value.
 */
import {
  type AnyCommand,
  type CommandGroup,
  type CommandSpec,
  type FlagSpec,
  flagName,
  isGroup,
  isPositional,
  type PositionalSpec,
  type RestSpec,
  takesValue,
  type ValueSpec,
} from "./command.js";
import { UsageError } from "./errors.js";
import { closest } from "./format.js";
import { ALL_GLOBAL_OPTIONS } from "./global-options.js";
import { usageLine } from "./usage.js";

type OptionSpec = FlagSpec | (ValueSpec<unknown> & { repeat?: true; type?: "number" });

export type ParsedLine =
  /** `--help` / `-h`: help for the deepest command named (none: the top level). */
  | { kind: "help"; path: (CommandGroup | CommandSpec)[]; globals: Record<string, unknown> }
  | { kind: "version"; globals: Record<string, unknown> }
  | {
      kind: "run";
      command: CommandSpec;
      /** Words naming it: ["volumes", "init"]. */
      words: string[];
      args: Record<string, unknown>;
      globals: Record<string, unknown>;
    };

interface OptionIndex {
  byName: Map<string, { key: string; spec: OptionSpec; global: boolean }>;
  byShort: Map<string, { key: string; spec: OptionSpec; global: boolean }>;
}

function indexOptions(command: CommandSpec | undefined): OptionIndex {
  const byName: OptionIndex["byName"] = new Map();
  const byShort: OptionIndex["byShort"] = new Map();
  const add = (table: Record<string, unknown>, global: boolean) => {
    for (const [key, raw] of Object.entries(table)) {
      const spec = raw as OptionSpec | PositionalSpec<unknown> | RestSpec;
      if (isPositional(spec)) continue;
      byName.set(flagName(key), { key, spec, global });
      if (spec.short) byShort.set(spec.short, { key, spec, global });
    }
  };
  add(ALL_GLOBAL_OPTIONS, true);
  if (command) add(command.args as Record<string, unknown>, false);
  return { byName, byShort };
}

function positionalsOf(command: CommandSpec): [string, PositionalSpec<unknown> | RestSpec][] {
  return Object.entries(command.args as Record<string, unknown>).filter(([, s]) =>
    isPositional(s as PositionalSpec<unknown>),
  ) as [string, PositionalSpec<unknown> | RestSpec][];
}

/** Parses argv against the registry; a bad command line throws a UsageError saying what and how to fix. */
export function parseCommandLine(argv: readonly string[], registry: readonly AnyCommand[]): ParsedLine {
  const globals: Record<string, unknown> = {};
  const args: Record<string, unknown> = {};
  const path: (CommandGroup | CommandSpec)[] = [];
  const words: string[] = [];
  let leaf: CommandSpec | undefined;
  let index = indexOptions(undefined);
  let positionalIndex = 0;
  const unknownOptions: string[] = [];
  let error: UsageError | undefined;
  const fail = (e: UsageError) => {
    error ??= e;
  };
  const usage = () => usageHint(path);

  const setOption = (
    entry: { key: string; spec: OptionSpec; global: boolean },
    shown: string,
    value: string | boolean,
  ) => {
    const target = entry.global ? globals : args;
    const { spec, key } = entry;
    if (!takesValue(spec)) {
      target[key] = value;
      return;
    }
    const text = String(value);
    let parsed: unknown = text;
    if ("type" in spec && spec.type === "number") {
      parsed = Number(text);
      if (text.trim() === "" || !Number.isFinite(parsed)) {
        return fail(new UsageError(`${shown} expects a number, got "${text}"`, usage()));
      }
    }
    if (spec.choices && !spec.choices.includes(parsed)) {
      return fail(
        new UsageError(`invalid ${flagName(key)} "${text}"`, `choose one of: ${spec.choices.join(", ")}`),
      );
    }
    if ("repeat" in spec && spec.repeat) target[key] = [...((target[key] as unknown[]) ?? []), parsed];
    else target[key] = parsed;
  };

  /** Whether a word would be read as an option here (so it is not an option's value). */
  const isOptionWord = (word: string | undefined) => {
    if (word === undefined || !word.startsWith("-") || word === "-") return false;
    if (word === "--") return true;
    if (word.startsWith("--")) {
      const name = word.slice(2).split("=")[0] ?? "";
      return index.byName.has(name) || (name.startsWith("no-") && index.byName.has(name.slice(3)));
    }
    return index.byShort.has(word[1] ?? "");
  };

  const positional = (word: string) => {
    if (error) return;
    if (leaf === undefined) {
      const level = path.length === 0 ? registry : (path[path.length - 1] as CommandGroup).commands;
      const found = level.find((c) => c.name === word);
      if (!found) {
        const visible = level.filter((c) => !c.hidden).map((c) => c.name);
        const guess = closest(word, visible);
        if (path.length === 0) {
          return fail(
            new UsageError(
              `unknown command "${word}"`,
              `${guess ? `did you mean \`hal9000 ${guess}\`? ` : ""}run \`hal9000 --help\` to see the commands`,
            ),
          );
        }
        const group = path[0] as CommandGroup;
        return fail(
          new UsageError(
            `unknown ${group.name} action "${word}"`,
            `${guess ? `did you mean \`hal9000 ${group.name} ${guess}\`? ` : ""}${usage()}`,
          ),
        );
      }
      path.push(found);
      words.push(word);
      if (!isGroup(found)) {
        leaf = found;
        index = indexOptions(leaf);
      }
      return;
    }
    const slots = positionalsOf(leaf);
    const slot = slots[positionalIndex];
    if (slot === undefined) return fail(new UsageError(`unexpected argument "${word}"`, usage()));
    const [key, spec] = slot;
    if (spec.positional === "rest") {
      args[key] = [...((args[key] as string[]) ?? []), word];
      return;
    }
    positionalIndex++;
    if (spec.choices && !spec.choices.includes(word)) {
      return fail(
        new UsageError(
          `invalid ${[...words, key.replaceAll("_", " ")].join(" ")} "${word}"`,
          `choose one of: ${spec.choices.join(", ")}`,
        ),
      );
    }
    args[key] = word;
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === "--") {
      for (const rest of argv.slice(i + 1)) positional(rest);
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = word.slice(2, eq === -1 ? undefined : eq);
      const inline = eq === -1 ? undefined : word.slice(eq + 1);
      let entry = index.byName.get(name);
      let negated = false;
      if (!entry && name.startsWith("no-")) {
        const base = index.byName.get(name.slice(3));
        if (base && !takesValue(base.spec)) {
          entry = base;
          negated = true;
        }
      }
      // Only the name: the value of an unknown option may be a secret (`--key=sk-…`).
      if (!entry) {
        unknownOptions.push(`--${name}`);
        continue;
      }
      const shown = `--${name}`;
      if (!takesValue(entry.spec)) {
        if (inline === undefined) setOption(entry, shown, !negated);
        else if (!negated && (inline === "true" || inline === "false"))
          setOption(entry, shown, inline === "true");
        else fail(new UsageError(`option ${shown} takes no value`, usage()));
        continue;
      }
      if (inline !== undefined) setOption(entry, shown, inline);
      else if (i + 1 < argv.length && !isOptionWord(argv[i + 1]))
        setOption(entry, shown, argv[++i] as string);
      else if (entry.spec.optionalValue) setOption(entry, shown, "");
      else fail(new UsageError(`option ${shown} needs a value`, usage()));
      continue;
    }
    if (word.startsWith("-") && word !== "-") {
      // One or more short options: `-d`, `-fd`, `-n NAME`, `-nNAME`.
      for (let c = 1; c < word.length; c++) {
        const short = word[c] as string;
        const entry = index.byShort.get(short);
        if (!entry) {
          unknownOptions.push(`-${short}`);
          break;
        }
        if (!takesValue(entry.spec)) {
          setOption(entry, `-${short}`, true);
          continue;
        }
        const attached = word.slice(c + 1);
        if (attached !== "") setOption(entry, `-${short}`, attached);
        else if (i + 1 < argv.length && !isOptionWord(argv[i + 1]))
          setOption(entry, `-${short}`, argv[++i] as string);
        else if (entry.spec.optionalValue) setOption(entry, `-${short}`, "");
        else fail(new UsageError(`option -${short} needs a value`, usage()));
        break;
      }
      continue;
    }
    positional(word);
  }

  if (globals.help === true) return { kind: "help", path, globals };
  if (globals.version === true) return { kind: "version", globals };
  // An unknown option first: what follows it may be its value, not a stray argument.
  if (unknownOptions.length > 0) {
    const s = unknownOptions.length > 1 ? "s" : "";
    throw new UsageError(`unknown option${s} ${unknownOptions.join(", ")}`, usage());
  }
  if (error) throw error;
  if (path.length === 0) {
    throw new UsageError(
      "no command given",
      "run `hal9000 --help` to see the commands (start with `hal9000 up`)",
    );
  }
  if (!leaf) {
    const group = path[path.length - 1] as CommandGroup;
    throw new UsageError(`missing ${group.name} action`, usage());
  }
  for (const [key, spec] of Object.entries(leaf.args as Record<string, unknown>)) {
    const s = spec as OptionSpec | PositionalSpec<unknown> | RestSpec;
    if (args[key] !== undefined) continue;
    if (isPositional(s) && s.positional === true && s.required) {
      throw new UsageError(`missing argument <${key}>`, usage());
    }
    if ("default" in s && s.default !== undefined) args[key] = s.default;
  }
  return { kind: "run", command: leaf, words, args, globals };
}

/** `usage: hal9000 spawn [-n NAME] …` for what was named so far. */
function usageHint(path: (CommandGroup | CommandSpec)[]): string {
  if (path.length === 0) return "run `hal9000 --help`";
  return `usage: ${usageLine(path)}`;
}
