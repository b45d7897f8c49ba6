import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { Context, GlobalArgs } from "./context.js";
import { UsageError } from "./errors.js";

/**
 * A command: a yargs command module whose handler sees its own options (`A`) and the global
 * ones. The builder is loosely typed: yargs' inferred builder types fight declared ones.
 */
export interface Command<A = object> {
  command: string;
  describe: string | false;
  builder?: (y: Argv<GlobalArgs>) => Argv<unknown>;
  handler: (args: ArgumentsCamelCase<GlobalArgs & A>) => void | Promise<void>;
}

export function toModule<A>(command: Command<A>): CommandModule<GlobalArgs, GlobalArgs & A> {
  return command as unknown as CommandModule<GlobalArgs, GlobalArgs & A>;
}

/** Commands that hand the terminal to a container print no report, so no JSON either. */
export function rejectJson(ctx: Context, command: string, why: string): void {
  if (ctx.out.json) throw new UsageError(`--json does not apply to \`hal9000 ${command}\`: ${why}`);
}

/** A single-valued option given twice: the last one wins (yargs would make an array). */
export const lastValue = <T>(value: T | T[]): T =>
  Array.isArray(value) ? (value[value.length - 1] as T) : value;
