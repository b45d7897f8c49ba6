#!/bin/sh
# The parent's tmux dashboard: server socket `-L hal9000`, session `hal9000`, one window whose
# panes refresh by themselves (every HAL9000_DASHBOARD_INTERVAL seconds, default 5: each refresh
# starts the CLI, and a 2-core machine feels three of them every 2 s):
#   .0  coordinator: the parent's state and the coordinator's latest log lines
#   .1  workers: `hal9000 list`
#   .2  live stats: `hal9000 status` (uptime, CPU, memory per worker)
# Key bindings come from /etc/hal9000/tmux-dashboard.conf. Idempotent: an existing session is kept.
# Attach: docker exec -it hal9000-parent tmux -L hal9000 attach   (or: hal9000 dashboard)
set -eu

SOCKET=hal9000
SESSION=hal9000
CONF="${HAL9000_TMUX_CONF:-/etc/hal9000/tmux-dashboard.conf}"
INTERVAL="${HAL9000_DASHBOARD_INTERVAL:-5}"

if tmux -L "$SOCKET" has-session -t "$SESSION" 2>/dev/null; then
  echo "setup-dashboard: tmux session $SESSION already running (attach: tmux -L $SOCKET attach)"
  exit 0
fi

# A pane that reruns a command every INTERVAL seconds; output is gathered first, so the
# pane is redrawn in one go instead of flickering.
every() {
  printf 'while :; do out=$(%s 2>&1); printf "\\033[H\\033[2J%%s\\n" "$out"; sleep %s; done' "$1" "$INTERVAL"
}

# The coordinator writes <logs>/coordinator.log; LOGS_DIR may move it, so ask the CLI where logs are.
logs_dir=$(hal9000 volumes status --json 2>/dev/null | node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    try { console.log(JSON.parse(s).dirs.find((d) => d.name === "logs").path); } catch { console.log(""); }
  });
') || logs_dir=""
logs_dir="${logs_dir:-${HAL9000_HOME:-/root/.hal9000}/logs}"
coordinator="hal9000 parent status; echo; echo coordinator log:; tail -n 15 '$logs_dir/coordinator.log' 2>/dev/null || echo '(no log yet)'"

tmux -L "$SOCKET" -f "$CONF" new-session -d -s "$SESSION" -n dashboard -x 200 -y 50 "$(every "{ $coordinator; }")"
tmux -L "$SOCKET" split-window -t "$SESSION:dashboard.0" -h "$(every "hal9000 list")"
tmux -L "$SOCKET" split-window -t "$SESSION:dashboard.1" -v "$(every "hal9000 status")"
tmux -L "$SOCKET" select-pane -t "$SESSION:dashboard.0"
echo "setup-dashboard: tmux session $SESSION ready (attach: tmux -L $SOCKET attach)"
