import { defineCommand } from "../command.js";
import type { Context } from "../context.js";

export interface AttachArgs {
  name: string;
}

/** A bash in a running worker, on this terminal; exits with the shell's code. */
export async function attach(args: AttachArgs, ctx: Context): Promise<number> {
  const hal = await ctx.open();
  const { stdin, stdout } = ctx.services;
  return hal.attach(args.name, { stdin, stdout });
}

export const attachCommand = defineCommand<AttachArgs>({
  name: "attach",
  summary: "Attach to a worker's shell",
  description: "Open a bash in a running worker on this terminal (leave it with `exit`).",
  session: "the shell",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
  },
  examples: [
    ["hal9000 attach hal9000-worker-3a775d9fe4b1", "a shell in that worker"],
    ["hal9000 list", "the names to attach to"],
  ],
  run: attach,
});
