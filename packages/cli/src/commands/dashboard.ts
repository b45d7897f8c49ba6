import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";

/** tmux server socket and session of the parent's dashboard (see images/scripts/setup-dashboard.sh). */
export const DASHBOARD_SOCKET = "hal9000";
export const DASHBOARD_SESSION = "hal9000";

/** Set up (idempotent) and attach the dashboard, so it works even if the parent's setup was skipped. */
export const DASHBOARD_COMMAND = [
  "sh",
  "-c",
  `/scripts/setup-dashboard.sh >/dev/null && exec tmux -L ${DASHBOARD_SOCKET} attach-session -t ${DASHBOARD_SESSION}`,
];

export function dashboardCommand(ctx: Context): Command {
  return {
    command: "dashboard",
    describe: "Attach to the parent's tmux dashboard (detach: prefix + d)",
    handler: async () => {
      rejectJson(ctx, "dashboard", "it takes over the terminal");
      const hal = await ctx.open();
      const { stdin, stdout } = ctx.services;
      ctx.exitCode = await hal.execInParent(DASHBOARD_COMMAND, { stdin, stdout });
    },
  };
}
