import { defineCommand } from "../command.js";
import type { Context } from "../context.js";

export interface ShellArgs {
  name: string;
}

/** A shell in a running worker (the seed's `coordinator.sh attach`); exits with the shell's code. */
export async function shell(args: ShellArgs, ctx: Context): Promise<number> {
  const hal = await ctx.open();
  const { stdin, stdout } = ctx.services;
  return hal.shell(args.name, { stdin, stdout });
}

export const shellCommand = defineCommand<ShellArgs>({
  name: "shell",
  summary: "Open a shell in a worker (exit leaves the worker running)",
  session: "the shell",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
  },
  examples: [
    ["hal9000 shell hal9000-worker-3a775d9fe4b1", "a shell in that worker; `exit` leaves it running"],
    ["hal9000 list", "the names to open a shell in"],
  ],
  run: shell,
});
