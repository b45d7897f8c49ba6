import type { Argv } from "yargs";
import type { ParentStatus } from "../api.js";
import type { Command } from "../command.js";
import type { Context, GlobalArgs } from "../context.js";
import { renderParent } from "../render.js";

export const PARENT_ACTIONS = ["start", "stop", "restart", "status"] as const;

/** `parent start|stop|restart|status`: the coordinator container. */
export function parentCommand(ctx: Context): Command {
  const report = (verb: string, status: ParentStatus) =>
    ctx.out.result(status, () => `${verb ? `${verb}: ` : ""}${renderParent(ctx.out.style, status)}`);
  return {
    command: "parent",
    describe: "Manage the parent container: start | stop | restart | status",
    builder: (y: Argv<GlobalArgs>) =>
      y
        .command({
          command: "start",
          describe: "Start the parent (idempotent)",
          handler: async () => {
            const hal = await ctx.open();
            const before = await hal.parentStatus();
            const after = await hal.startParent();
            report(before.state === "running" ? "already running" : "started", after);
          },
        })
        .command({
          command: "stop",
          describe: "Stop the parent (its workers lose their network)",
          handler: async () => {
            const hal = await ctx.open();
            report("stopped", await hal.stopParent());
          },
        })
        .command({
          command: "restart",
          describe: "Restart the parent",
          handler: async () => {
            const hal = await ctx.open();
            report("restarted", await hal.restartParent());
          },
        })
        .command({
          command: "status",
          describe: "Show the parent's state",
          handler: async () => {
            const hal = await ctx.open();
            report("", await hal.parentStatus());
          },
        })
        .demandCommand(1, "missing parent action"),
    handler: () => {},
  };
}
