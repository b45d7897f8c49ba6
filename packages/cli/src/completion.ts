/**
 * Worker names for shell completion. yargs' completion script runs
 * `hal9000 --get-yargs-completions hal9000 <words…>`; for `stop`, `logs` and `attach` the
 * argument is completed from the running workers, everything else is left to yargs.
 */
import { Parser } from "yargs/helpers";
import { CONFIG_FLAGS, configFlagsFrom } from "./config-flags.js";
import type { Context } from "./context.js";

export const COMPLETION_FLAG = "--get-yargs-completions";
const WORKER_NAME_COMMANDS = new Set(["stop", "logs", "attach", "shell", "send", "wait", "watch"]);

/** The names to offer, or undefined when the words are not at a worker-name argument. */
export async function workerNameCompletions(
  ctx: Context,
  words: readonly string[],
): Promise<string[] | undefined> {
  const parsed = Parser([...words], {
    string: ["home", ...CONFIG_FLAGS.map((f) => f.option)],
    boolean: ["json", "verbose", "follow", "f"],
  });
  const positionals = parsed._.map(String);
  if (!WORKER_NAME_COMMANDS.has(positionals[0] ?? "")) return undefined;
  const current = words[words.length - 1] ?? "";
  // Completing the one argument: `stop <TAB>` (current "") or `stop al<TAB>`.
  const atName = positionals.length === 2 || (positionals.length === 1 && current === "");
  if (!atName || current.startsWith("-")) return undefined;
  try {
    ctx.configure({ home: parsed.home as string | undefined }, configFlagsFrom(parsed));
    const hal = await ctx.open();
    return (await hal.list()).map((w) => w.name).filter((n) => n.startsWith(current));
  } catch {
    // Completion must never print errors into the user's command line.
    return [];
  }
}
