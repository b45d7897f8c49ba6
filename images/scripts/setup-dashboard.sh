#!/bin/sh
# The parent's tmux dashboard: server socket `-L hal9000`, session `hal9000`, one window whose
# panes are long-lived `hal9000 dashboard <pane>` processes that redraw when the fleet changes
# (Docker events, session records, the coordinator's log; live stats also every 5 s), so an
# idle dashboard starts no process at all:
#   .0  coordinator: the parent's state and the coordinator's latest log lines
#   .1  workers: what `hal9000 list` shows
#   .2  live stats: what `hal9000 status` shows (uptime, CPU, memory per worker)
# Key bindings come from /etc/hal9000/tmux-dashboard.conf. Idempotent: an existing session is kept.
# Attach: docker exec -it hal9000-parent tmux -L hal9000 attach   (or: hal9000 dashboard)
set -eu

SOCKET=hal9000
SESSION=hal9000
CONF="${HAL9000_TMUX_CONF:-/etc/hal9000/tmux-dashboard.conf}"

if tmux -L "$SOCKET" has-session -t "$SESSION" 2>/dev/null; then
  echo "setup-dashboard: tmux session $SESSION already running (attach: tmux -L $SOCKET attach)"
  exit 0
fi

# A pane's process; started again (after 5 s) only if it ever stops, e.g. on a crash.
live() {
  printf 'while :; do hal9000 dashboard %s; sleep 5; done' "$1"
}

tmux -L "$SOCKET" -f "$CONF" new-session -d -s "$SESSION" -n dashboard -x 200 -y 50 "$(live coordinator)"
tmux -L "$SOCKET" split-window -t "$SESSION:dashboard.0" -h "$(live workers)"
tmux -L "$SOCKET" split-window -t "$SESSION:dashboard.1" -v "$(live status)"
tmux -L "$SOCKET" select-pane -t "$SESSION:dashboard.0"
echo "setup-dashboard: tmux session $SESSION ready (attach: tmux -L $SOCKET attach)"
