/**
 * Help text, derived from the command tables: a command's own arguments and options first, then
 * the global ones, then its examples. Plain text always (also under --json), on stdout.
 */
import {
  type AnyCommand,
  type CommandGroup,
  type CommandSpec,
  type FlagSpec,
  isGroup,
  isPositional,
  type ValueSpec,
} from "./command.js";
import { CONFIG_FLAGS, CONFIG_OPTIONS } from "./config-flags.js";
import { EXIT_CODE_TABLE } from "./exit-codes.js";
import { GLOBAL_OPTIONS } from "./global-options.js";
import { entries, optionSyntax, positionalSyntax, shortUsage, usageLine } from "./usage.js";

const TAGLINE = "Run many Claude Code agents, each in its own Docker container.";

/** Two columns, the left padded to its widest cell. */
function columns(rows: readonly (readonly [string, string])[], indent = "  "): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

/** `  -n, --name NAME` / `      --json`: short names line up in their own column. */
function optionLabel(key: string, spec: FlagSpec | ValueSpec<unknown>): string {
  const long = optionSyntax(key, { ...spec, short: undefined });
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

function optionRows(table: object): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, spec] of entries(table)) {
    if (isPositional(spec) || spec.hidden) continue;
    const dflt =
      "value" in spec && spec.default !== undefined && !spec.describe.includes("default")
        ? ` (default: ${String(spec.default)})`
        : "";
    rows.push([optionLabel(key, spec), `${spec.describe}${dflt}`]);
  }
  return rows;
}

function globalSection(): string[] {
  const rows = [...optionRows(GLOBAL_OPTIONS), ...optionRows(CONFIG_OPTIONS)];
  return [
    "Global options:",
    ...columns(rows),
    "  (every hal9000.conf key is a flag too: hal9000 --help lists them)",
  ];
}

function exampleSection(examples: CommandSpec["examples"]): string[] {
  if (examples.length === 0) return [];
  return ["", "Examples:", ...columns(examples.map(([line, what]) => [line, `# ${what}`]))];
}

/** `hal9000 --help`: every visible command, the global options, the config flags, exit codes. */
export function topHelp(registry: readonly AnyCommand[]): string {
  const rows = registry.filter((c) => !c.hidden).map((c) => [shortUsage([c]), c.summary] as const);
  const configRows = CONFIG_FLAGS.map(
    (f) => [`--${f.option}`, CONFIG_OPTIONS[f.option]?.describe ?? ""] as const,
  );
  return [
    "hal9000 <command> [options]",
    "",
    TAGLINE,
    "",
    "Commands:",
    ...columns(rows),
    "",
    "Global options:",
    ...columns(optionRows(GLOBAL_OPTIONS)),
    "",
    "Config (flag > HAL9000_* env > hal9000.conf > default); every hal9000.conf key is also a flag:",
    ...columns(configRows),
    "",
    "Exit codes:",
    ...columns(EXIT_CODE_TABLE),
    ...exampleSection([
      ["hal9000 up ~/src/app", "images, home, parent, and a worker on a project"],
      ["hal9000 list --json", "the workers, as one JSON document"],
      ["hal9000 spawn --help", "a command's own options and examples"],
    ]),
    "",
  ].join("\n");
}

/** `hal9000 <command> --help`. */
export function commandHelp(path: readonly (CommandGroup | CommandSpec)[]): string {
  const command = path[path.length - 1];
  if (command === undefined) return "";
  const lines = [`Usage: ${usageLine(path)}`, "", command.description ?? command.summary];
  if (isGroup(command)) {
    const rows = command.commands
      .filter((c) => !c.hidden)
      .map((c) => [shortUsage([...path, c]), c.summary] as const);
    lines.push("", "Commands:", ...columns(rows));
  } else {
    const args: [string, string][] = [];
    for (const [key, spec] of entries(command.args)) {
      if (isPositional(spec) && !spec.hidden) {
        args.push([positionalSyntax(key, spec), spec.describe]);
      }
    }
    if (args.length > 0) lines.push("", "Arguments:", ...columns(args));
    const own = optionRows(command.args);
    if (own.length > 0) lines.push("", "Options:", ...columns(own));
    if (command.session)
      lines.push("", `Exit code: ${command.session}'s own, as docker run; 125 when hal9000 fails.`);
  }
  lines.push("", ...globalSection(), ...exampleSection(command.examples), "");
  return lines.join("\n");
}
