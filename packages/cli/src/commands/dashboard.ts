import { type Command, rejectJson } from "../command.js";
import type { Context } from "../context.js";
import { DASHBOARD_PANES, type DashboardPane, runDashboardPane } from "./dashboard-pane.js";

/** tmux server socket and session of the parent's dashboard (see images/scripts/setup-dashboard.sh). */
export const DASHBOARD_SOCKET = "hal9000";
export const DASHBOARD_SESSION = "hal9000";

/** Set up (idempotent) and attach the dashboard, so it works even if the parent's setup was skipped. */
export const DASHBOARD_COMMAND = [
  "sh",
  "-c",
  `/scripts/setup-dashboard.sh >/dev/null && exec tmux -L ${DASHBOARD_SOCKET} attach-session -t ${DASHBOARD_SESSION}`,
];

export function dashboardCommand(ctx: Context): Command<{ pane?: DashboardPane }> {
  return {
    command: "dashboard [pane]",
    describe:
      "Attach to the parent's tmux dashboard (detach: prefix + d); with a pane, show that pane live here",
    builder: (y) =>
      y.positional("pane", {
        type: "string",
        choices: DASHBOARD_PANES,
        describe: "one pane, redrawn on every change until stopped (what the dashboard's panes run)",
      }),
    handler: async (args) => {
      rejectJson(ctx, "dashboard", "it takes over the terminal");
      if (args.pane) return runDashboardPane(ctx, args.pane);
      const hal = await ctx.open();
      const { stdin, stdout } = ctx.services;
      ctx.exitCode = await hal.execInParent(DASHBOARD_COMMAND, { stdin, stdout });
    },
  };
}
