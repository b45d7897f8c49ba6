import { defineCommand } from "../command.js";
import type { Context } from "../context.js";

export interface AttachArgs {
  name: string;
  shell?: boolean;
}

/** The agent's own session (the Claude TUI) on this terminal; `--shell`: a shell, as `hal9000 shell`. */
export async function attach(args: AttachArgs, ctx: Context): Promise<number> {
  const hal = await ctx.open();
  const { stdin, stdout } = ctx.services;
  if (args.shell) return hal.shell(args.name, { stdin, stdout });
  if (ctx.services.isTTY.stderr) ctx.out.note(`attached to ${args.name}: detach with Ctrl-P Ctrl-Q`);
  return hal.attach(args.name, { stdin, stdout });
}

export const attachCommand = defineCommand<AttachArgs>({
  name: "attach",
  summary: "Attach to a worker's Claude session (detach with Ctrl-P Ctrl-Q; it keeps running)",
  description:
    "Attach this terminal to a running worker's Claude session; Ctrl-P Ctrl-Q detaches and leaves it running. With --shell: a shell in the worker instead, as `hal9000 shell`.",
  session: "the agent",
  args: {
    name: { positional: true, required: true, complete: "workers", describe: "worker name" },
    shell: { describe: "a shell in the worker instead (as `hal9000 shell`)" },
  },
  examples: [
    ["hal9000 attach hal9000-worker-3a775d9fe4b1", "that worker's Claude on this terminal"],
    ["hal9000 attach --shell hal9000-worker-3a775d9fe4b1", "a shell in it instead"],
    ["hal9000 list", "the names to attach to"],
  ],
  run: attach,
});
