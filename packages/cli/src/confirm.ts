import type { Context } from "./context.js";
import { CancelledError, UsageError } from "./errors.js";

/**
 * Destructive commands go ahead with --yes, or after a "y" typed on a terminal. Without
 * a terminal and without --yes it is a usage error: nothing is asked, nothing changes.
 */
export async function confirm(
  ctx: Context,
  opts: { yes: boolean | undefined; question: string; action: string },
): Promise<void> {
  if (opts.yes === true) return;
  if (!ctx.interactive) {
    throw new UsageError(
      `${opts.action} needs confirmation and there is no terminal to ask on; nothing was changed`,
      "pass --yes to confirm",
    );
  }
  const answer = await ctx.services.prompt(`${opts.question} [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CancelledError(`cancelled: ${opts.action} not confirmed`);
}
