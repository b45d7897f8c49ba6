/**
 * Every hal9000.conf key is also a command-line flag (WORKER_IMAGE → --worker-image), validated
 * by the same parser as the file and the HAL9000_* variables; precedence is resolved by
 * @hal9000/volumes: flag > env > file > default.
 */
import { CONFIG_KEYS, type ConfigKeySpec, envName, type Hal9000Config } from "@hal9000/volumes";
import type { ValueSpec } from "./command.js";
import { UsageError } from "./errors.js";

/** Shown in every command's help; the others are listed in the top-level help. */
const VISIBLE = new Set(["PARENT_NAME", "PARENT_IMAGE", "WORKER_IMAGE"]);

export interface ConfigFlag {
  option: string;
  spec: ConfigKeySpec;
}

export const CONFIG_FLAGS: readonly ConfigFlag[] = CONFIG_KEYS.map((spec) => ({
  option: spec.name.toLowerCase().replaceAll("_", "-"),
  spec,
}));

/** The config flags as global options of the parser, keyed by flag name. */
export const CONFIG_OPTIONS: Record<string, ValueSpec<string>> = Object.fromEntries(
  CONFIG_FLAGS.map(({ option, spec }) => [
    option,
    {
      value: /(IMAGE|NAME|DIR)$/.exec(spec.name)?.[1] ?? "VALUE",
      hidden: !VISIBLE.has(spec.name),
      describe: `${spec.description} [${envName(spec)}]`,
    },
  ]),
);

/** The config flags given on the command line, parsed and typed; a bad value is a usage error. */
export function configFlagsFrom(given: Record<string, unknown>): Partial<Hal9000Config> {
  const flags: Record<string, unknown> = {};
  for (const { option, spec } of CONFIG_FLAGS) {
    const raw = given[option];
    if (raw === undefined) continue;
    const value = String(Array.isArray(raw) ? raw[raw.length - 1] : raw);
    const parsed = spec.parse(value);
    if (!parsed.ok) throw new UsageError(`--${option}: ${parsed.problem}`, parsed.hint);
    flags[spec.prop] = parsed.value;
  }
  return flags as Partial<Hal9000Config>;
}
