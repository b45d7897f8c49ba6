/** The options every command takes, wherever they appear on the command line. */
import type { ArgTable, FlagSpec, ValueSpec } from "./command.js";
import { CONFIG_OPTIONS } from "./config-flags.js";
import type { GlobalArgs } from "./context.js";

export const GLOBAL_OPTIONS = {
  json: { describe: "print one JSON document on stdout (logs and progress go to stderr)" },
  home: { value: "DIR", describe: "HAL9000_HOME (default: $HAL9000_HOME or ~/.hal9000)" },
  verbose: { describe: "debug logs (hal9000:*) and stack traces on stderr" },
  help: { short: "h", describe: "show help (for a command: hal9000 <command> --help)" },
  version: { describe: "print hal9000's version" },
} satisfies ArgTable<GlobalArgs> as Record<keyof GlobalArgs, FlagSpec | ValueSpec<string>>;

/** The global options and every config flag, as the parser sees them. */
export const ALL_GLOBAL_OPTIONS: Record<string, FlagSpec | ValueSpec<unknown>> = {
  ...GLOBAL_OPTIONS,
  ...CONFIG_OPTIONS,
};
