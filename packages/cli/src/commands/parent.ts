import type { ParentStatus } from "../api.js";
import { defineCommand, defineGroup } from "../command.js";
import type { Context } from "../context.js";
import { renderParent } from "../render.js";

/** `parent start|stop|restart|status`: the coordinator container. */
function report(ctx: Context, verb: string, status: ParentStatus): void {
  ctx.out.result(status, () => `${verb ? `${verb}: ` : ""}${renderParent(ctx.out.style, status)}`);
}

export async function startParent(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  const before = await hal.parentStatus();
  const after = await hal.startParent();
  report(ctx, before.state === "running" ? "already running" : "started", after);
}

export async function stopParent(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  report(ctx, "stopped", await hal.stopParent());
}

export async function restartParent(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  report(ctx, "restarted", await hal.restartParent());
}

export async function parentStatus(_args: object, ctx: Context): Promise<void> {
  const hal = await ctx.open();
  report(ctx, "", await hal.parentStatus());
}

export const parentCommand = defineGroup({
  name: "parent",
  summary: "Manage the parent container: start | stop | restart | status",
  commands: [
    defineCommand<object>({
      name: "start",
      summary: "Start the parent (idempotent)",
      args: {},
      examples: [
        ["hal9000 parent start", "start it, or say it is already running"],
        ["hal9000 --parent-image me/parent:dev parent start", "from another image"],
      ],
      run: startParent,
    }),
    defineCommand<object>({
      name: "stop",
      summary: "Stop the parent (its workers lose their network)",
      args: {},
      examples: [
        ["hal9000 parent stop", "stop it; `hal9000 parent start` brings the workers back"],
        ["hal9000 parent stop --json", "its state afterwards, as JSON"],
      ],
      run: stopParent,
    }),
    defineCommand<object>({
      name: "restart",
      summary: "Restart the parent",
      args: {},
      examples: [
        ["hal9000 parent restart", "stop and start it; its workers rejoin"],
        ["hal9000 parent restart --json", "its state afterwards, as JSON"],
      ],
      run: restartParent,
    }),
    defineCommand<object>({
      name: "status",
      summary: "Show the parent's state",
      args: {},
      examples: [
        ["hal9000 parent status", "state, image, version, uptime"],
        ["hal9000 parent status --json", "the same as one JSON document"],
      ],
      run: parentStatus,
    }),
  ],
  examples: [
    ["hal9000 parent start", "start the parent (idempotent)"],
    ["hal9000 parent status --json", "its state as JSON"],
  ],
});
