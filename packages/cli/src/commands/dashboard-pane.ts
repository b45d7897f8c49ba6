import type { Hal9000Api } from "../api.js";
import type { Context } from "../context.js";
import { renderFleet, renderParent, renderWorkers } from "../render.js";

/** The panes of the parent's tmux dashboard (images/scripts/setup-dashboard.sh runs one each). */
export const DASHBOARD_PANES = ["coordinator", "workers", "status"] as const;
export type DashboardPane = (typeof DASHBOARD_PANES)[number];

/** How often the status pane refreshes its CPU and memory figures (they change without events). */
export const STATS_REFRESH_MS = 5000;
const LOG_LINES = 15;
const CLEAR = "\x1b[H\x1b[2J";

/**
 * One dashboard pane, live in this terminal until SIGTERM/SIGINT/SIGHUP: it redraws when the
 * fleet changes (Docker events, session records, the coordinator's log) and, for live stats,
 * every STATS_REFRESH_MS, all in this one process (the old panes started a CLI per refresh).
 */
export async function runDashboardPane(ctx: Context, pane: DashboardPane): Promise<void> {
  const hal = await ctx.open();
  const { stdout } = ctx.services;
  const signal = ctx.services.shutdownSignal();
  let problem: string | undefined;
  const draw = async () => {
    let lines: string[];
    try {
      lines = await paneLines(ctx, hal, pane);
    } catch (err) {
      lines = [`cannot show ${pane}: ${(err as Error).message}`];
    }
    if (problem) lines.push("", ctx.out.style.yellow(problem));
    stdout.write(`${CLEAR}${lines.join("\n")}\n`);
  };
  const timer = pane === "status" ? setInterval(() => void draw(), STATS_REFRESH_MS) : undefined;
  try {
    await hal.watchFleet({
      signal,
      files: pane === "coordinator" ? [hal.layout.logs] : [],
      onChange: async () => {
        problem = undefined;
        await draw();
      },
      onError: (err) => {
        problem = `${err.message} (retrying)`;
        void draw();
      },
    });
  } finally {
    clearInterval(timer);
  }
}

async function paneLines(ctx: Context, hal: Hal9000Api, pane: DashboardPane): Promise<string[]> {
  const s = ctx.out.style;
  switch (pane) {
    case "workers":
      return renderWorkers(s, await hal.list());
    case "status":
      return renderFleet(s, await hal.status(), hal.config.workerMaxCount);
    case "coordinator": {
      const parent = renderParent(s, await hal.parentStatus());
      const tail = await hal.coordinatorLog({ lines: LOG_LINES });
      const log = tail.length > 0 ? tail : ["(no log yet)"];
      return [parent, "", "coordinator log:", ...log];
    }
  }
}
