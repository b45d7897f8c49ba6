import { defineCommand } from "../command.js";
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

export interface DashboardArgs {
  pane?: DashboardPane;
}

export async function dashboard(args: DashboardArgs, ctx: Context): Promise<number | undefined> {
  if (args.pane) {
    await runDashboardPane(ctx, args.pane);
    return undefined;
  }
  const hal = await ctx.open();
  const { stdin, stdout } = ctx.services;
  return hal.execInParent(DASHBOARD_COMMAND, { stdin, stdout });
}

export const dashboardCommand = defineCommand<DashboardArgs>({
  name: "dashboard",
  summary: "Attach to the parent's tmux dashboard (detach: prefix + d)",
  description:
    "Attach to the parent's tmux dashboard: prefix + w spawns a worker, s status, l list, S stops all; prefix + d detaches.",
  session: "tmux",
  args: {
    pane: {
      positional: true,
      choices: DASHBOARD_PANES,
      describe: "one pane, redrawn on every change until stopped (what the dashboard's panes run)",
    },
  },
  examples: [
    ["hal9000 dashboard", "the dashboard on this terminal"],
    ["hal9000 dashboard status", "just the status pane, live, in this terminal"],
    ["hal9000 up && hal9000 dashboard", "start the parent first if it is not running"],
  ],
  run: dashboard,
});
