/** Usage lines, derived from the command tables (the parser's hints and the help print them). */
import {
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

type Spec = FlagSpec | ValueSpec<unknown> | PositionalSpec<unknown> | RestSpec;

export function entries(table: object): [string, Spec][] {
  return Object.entries(table) as [string, Spec][];
}

/** `-n NAME`, `--rm|--no-rm`, `--kind api-key|oauth-token`: how an option is written. */
export function optionSyntax(key: string, spec: FlagSpec | ValueSpec<unknown>): string {
  const name = spec.short ? `-${spec.short}` : `--${flagName(key)}`;
  if (takesValue(spec)) {
    const value = spec.choices ? spec.choices.join("|") : spec.value;
    return spec.optionalValue ? `${name} [${value}]` : `${name} ${value}`;
  }
  if (spec.default === true) return `--no-${flagName(key)}`;
  return spec.negatable ? `${name}|--no-${flagName(key)}` : name;
}

/** `<name>`, `[project_dir]`, `[parent|worker|all]`, `[names…]`. */
export function positionalSyntax(key: string, spec: PositionalSpec<unknown> | RestSpec): string {
  if (spec.positional === "rest") return spec.syntax ?? `[${key}…]`;
  const inner = spec.choices ? spec.choices.join("|") : key;
  return spec.required ? `<${inner}>` : `[${inner}]`;
}

/** `hal9000 spawn [-n NAME] [-d] … [project_dir]`; a group: `hal9000 volumes <init|status|clean>`. */
export function usageLine(path: readonly (CommandGroup | CommandSpec)[]): string {
  const last = path[path.length - 1];
  const words = ["hal9000", ...path.map((c) => c.name)];
  if (last === undefined) return "hal9000 <command> [options]";
  if (isGroup(last)) {
    const actions = last.commands.filter((c) => !c.hidden).map((c) => c.name);
    return `${words.join(" ")} <${actions.join("|")}>`;
  }
  const parts = [...words];
  for (const [key, spec] of entries(last.args)) {
    if (!isPositional(spec) && !spec.hidden) parts.push(`[${optionSyntax(key, spec)}]`);
  }
  parts.push(...positionalWords(last));
  return parts.join(" ");
}

/** A command with its positionals only, as the list of commands shows it: `hal9000 logs <name>`. */
export function shortUsage(path: readonly (CommandGroup | CommandSpec)[]): string {
  const last = path[path.length - 1];
  if (last && isGroup(last)) return usageLine(path);
  return ["hal9000", ...path.map((c) => c.name), ...(last ? positionalWords(last) : [])].join(" ");
}

function positionalWords(command: CommandSpec): string[] {
  const out: string[] = [];
  for (const [key, spec] of entries(command.args)) {
    if (isPositional(spec) && !spec.hidden) out.push(positionalSyntax(key, spec));
  }
  return out;
}
