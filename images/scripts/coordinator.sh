#!/bin/sh
# Manage worker containers (the seed's coordinator.sh, now the bundled hal9000 CLI).
set -eu

usage() {
  cat >&2 <<'USAGE'
Usage: coordinator.sh <command> [args]

Commands:
  list              List active workers
  count             Count active workers
  stop <name>       Stop a specific worker
  stop-all          Stop all workers
  logs <name>       View worker logs (-f to follow)
  attach <name>     Attach to worker shell
  status            Show status summary
USAGE
}

if [ "$#" -eq 0 ]; then
  usage
  exit 2
fi
command="$1"
shift

case "$command" in
  list | count | status | stop | logs)
    exec hal9000 "$command" "$@"
    ;;
  attach)
    # The seed's attach opens the worker's shell (`hal9000 attach` reaches the agent's session).
    exec hal9000 shell "$@"
    ;;
  stop-all)
    # A script has no one to ask: calling stop-all is the confirmation, as in the seed.
    exec hal9000 stop-all --yes "$@"
    ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "coordinator.sh: unknown command: $command" >&2
    usage
    exit 2
    ;;
esac
