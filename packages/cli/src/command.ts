/**
 * A command is data plus one plain async function (as changesets' `commands/<name>/` and
 * vitest's `cli-config.ts` table): its name, summary, a table of its arguments typed against
 * the function's argument object, and examples. The parser, the usage strings, the help and
 * completion are all derived from that table (argv.ts, help.ts, completion.ts); nothing about
 * a command is written down twice.
 *
 * To add a command: write `commands/<name>.ts` exporting `defineCommand<Args>({ … })`, and add
 * it to the list in `commands/index.ts`.
 */
import type { Context } from "./context.js";

interface ArgBase {
  /** One line for the help. */
  describe: string;
  /** Left out of help, usage lines and completion. */
  hidden?: boolean;
}

/** A boolean flag: `--detach`, `-d`; `--no-<name>` sets it false. */
export interface FlagSpec extends ArgBase {
  short?: string;
  default?: boolean;
  /** Usage shows `[--rm|--no-rm]`: both spellings mean something (the default comes from config). */
  negatable?: boolean;
}

/** An option that takes a value: `--name NAME`, `-n NAME`, `--name=NAME`. */
export interface ValueSpec<V> extends ArgBase {
  short?: string;
  /** The value's placeholder in usage and help, e.g. "NAME", "SIZE", "KEY=VAL". */
  value: string;
  choices?: readonly V[];
  default?: V;
  /** The value may be left out (`--branch` alone, or before another option): it is then "". */
  optionalValue?: boolean;
}

/** A positional argument, in the order the table lists them. */
export interface PositionalSpec<V> extends ArgBase {
  positional: true;
  /** Usage shows `<name>` when required, `[name]` otherwise. */
  required?: boolean;
  choices?: readonly V[];
  default?: V;
  /** What shell completion offers for it. */
  complete?: "workers";
}

/** The remaining positionals, as a list (e.g. a value `auth set` refuses to take from argv). */
export interface RestSpec extends ArgBase {
  positional: "rest";
  /** How usage writes them (default `[key…]`), e.g. "-- <command> [args…]". */
  syntax?: string;
  /** What shell completion offers for each of them. */
  complete?: "workers";
}

type Defined<V> = Exclude<V, undefined>;

/** The spec an argument of type V may have: the table is checked against the function's args. */
export type ArgSpec<V> = [Defined<V>] extends [boolean]
  ? FlagSpec
  : [Defined<V>] extends [readonly string[]]
    ? (ValueSpec<string> & { repeat: true }) | RestSpec
    : [Defined<V>] extends [number]
      ? ValueSpec<number> & { type: "number" }
      : ValueSpec<Defined<V>> | PositionalSpec<Defined<V>>;

export type ArgTable<A> = { [K in keyof A]-?: ArgSpec<A[K]> };

/** What a command's function returns: nothing (exit 0) or the exit code it wants. */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain `async function` that returns nothing is the usual case
export type CommandResult = number | void;

export interface CommandSpec<A = object> {
  /** The word that invokes it (within its group, for `volumes init`). */
  name: string;
  /** One line, for the list of commands. */
  summary: string;
  /** A longer paragraph for its own help (default: the summary). */
  description?: string;
  /** Its positionals and options; keys are the function's argument names (camelCase → --kebab-case). */
  args: ArgTable<A>;
  /** Two or three command lines with what each does. */
  examples: readonly (readonly [string, string])[];
  /** Not listed in help or completion (the parent's coordinator, the `init` alias). */
  hidden?: boolean;
  /**
   * Hands the terminal to a container (an agent, a shell, tmux): there is no report, so --json
   * is refused, and hal9000 exits with the session's own code, as `docker run` does.
   */
  session?: string;
  run(args: A, ctx: Context): Promise<CommandResult> | CommandResult;
}

/** Commands under one word, each its own spec: `volumes init|status|clean`. */
export interface CommandGroup {
  name: string;
  summary: string;
  description?: string;
  commands: readonly CommandSpec[];
  examples: readonly (readonly [string, string])[];
  hidden?: boolean;
}

export type AnyCommand = CommandSpec | CommandGroup;

/** Ties a table to the type of its function's arguments; returns the spec unchanged. */
export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec {
  return spec as unknown as CommandSpec;
}

export function defineGroup(group: CommandGroup): CommandGroup {
  return group;
}

export function isGroup(c: AnyCommand | CommandSpec): c is CommandGroup {
  return "commands" in c;
}

/** `pidsLimit` → `pids-limit` (keys already in kebab-case stay as they are). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function isPositional(spec: ArgBase): spec is PositionalSpec<unknown> | RestSpec {
  return "positional" in spec;
}

export function takesValue(spec: ArgBase): spec is ValueSpec<unknown> {
  return "value" in spec;
}
