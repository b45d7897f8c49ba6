/**
 * Every hal9000.conf key is also a command-line flag (WORKER_IMAGE → --worker-image), validated
 * by the same parser as the file and the HAL9000_* variables; precedence is resolved by
 * @hal9000/volumes: flag > env > file > default.
 */
import { CONFIG_KEYS, type ConfigKeySpec, envName, type Hal9000Config } from "@hal9000/volumes";
import type { Argv } from "yargs";
import { UsageError } from "./errors.js";

export const CONFIG_GROUP = "Config (flag > HAL9000_* env > hal9000.conf > default):";

/** Shown in every command's help; the others are listed in the top-level epilogue. */
const VISIBLE = new Set(["PARENT_NAME", "PARENT_IMAGE", "WORKER_IMAGE"]);

export interface ConfigFlag {
  option: string;
  spec: ConfigKeySpec;
}

export const CONFIG_FLAGS: readonly ConfigFlag[] = CONFIG_KEYS.map((spec) => ({
  option: spec.name.toLowerCase().replaceAll("_", "-"),
  spec,
}));

export function addConfigOptions<T>(y: Argv<T>): Argv<T> {
  for (const { option, spec } of CONFIG_FLAGS) {
    y.option(option, {
      type: "string",
      requiresArg: true,
      global: true,
      group: CONFIG_GROUP,
      hidden: !VISIBLE.has(spec.name),
      describe: `${spec.description} [${envName(spec)}]`,
    });
  }
  return y;
}

/** The help epilogue's list of every config flag, a few per line. */
export function configFlagsEpilogue(): string {
  const lines = ["Every hal9000.conf key is also a flag:"];
  let line = " ";
  for (const f of CONFIG_FLAGS) {
    if (line.length + f.option.length > 76) {
      lines.push(line);
      line = " ";
    }
    line += ` --${f.option}`;
  }
  lines.push(line);
  return lines.join("\n");
}

/** The config flags given on the command line, parsed and typed; a bad value is a usage error. */
export function configFlagsFrom(argv: Record<string, unknown>): Partial<Hal9000Config> {
  const flags: Record<string, unknown> = {};
  for (const { option, spec } of CONFIG_FLAGS) {
    const raw = argv[option];
    if (raw === undefined) continue;
    // Given twice, yargs makes an array: the last one wins, as with most CLIs.
    const value = String(Array.isArray(raw) ? raw[raw.length - 1] : raw);
    const parsed = spec.parse(value);
    if (!parsed.ok) throw new UsageError(`--${option}: ${parsed.problem}`, parsed.hint);
    flags[spec.prop] = parsed.value;
  }
  return flags as Partial<Hal9000Config>;
}
