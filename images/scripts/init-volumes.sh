#!/bin/sh
# Initialize HAL-9000 persistent volumes (the seed's init-volumes.sh, now the bundled hal9000 CLI):
# HAL9000_HOME's sessions/, logs/, config/hal9000.conf and workers/.
set -eu

usage() {
  cat >&2 <<'USAGE'
Usage: init-volumes.sh [options]

Options:
  --clean       Remove existing volumes first
  --status      Show current status only
USAGE
}

clean=false
status=false
for arg in "$@"; do
  case "$arg" in
    --clean) clean=true ;;
    --status) status=true ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "init-volumes.sh: unknown option: $arg" >&2
      usage
      exit 2
      ;;
  esac
done

if [ "$status" = true ]; then
  exec hal9000 volumes status
fi
if [ "$clean" = true ]; then
  # Asking for --clean is the confirmation, as in the seed.
  hal9000 volumes clean --yes
fi
exec hal9000 volumes init
