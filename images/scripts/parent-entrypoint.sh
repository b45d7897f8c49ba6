#!/bin/sh
# hal9000 parent entrypoint: check the Docker socket, prepare HAL9000_HOME, start the
# tmux dashboard, then hand over to the coordinator (the bundled hal9000 CLI).
# Arguments, if any, are run instead (e.g. `docker run … hal9000/parent hal9000 --version`).
set -eu

log() { printf 'parent-entrypoint: %s\n' "$*" >&2; }

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

# Where the daemon should be: DOCKER_HOST (unix:// or tcp://) or the default socket.
docker_host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
case "$docker_host" in
  unix://*) socket="${docker_host#unix://}" ;;
  /*) socket="$docker_host"; docker_host="unix://$socket" ;;
  *) socket="" ;;
esac

cannot_connect() {
  cat >&2 <<MSG
Error: Cannot connect to Docker daemon
  $1

The parent spawns workers through the Docker socket. Ensure it is mounted:
  docker run -v /var/run/docker.sock:/var/run/docker.sock -v ~/.hal9000:/root/.hal9000 … hal9000/parent:latest
or set DOCKER_HOST to a daemon the container can reach.
MSG
  exit 1
}

if [ -n "$socket" ] && [ ! -S "$socket" ]; then
  if [ -e "$socket" ]; then
    cannot_connect "$socket exists but is not a socket (was the socket's path mounted before Docker created it?)"
  fi
  cannot_connect "no Docker socket at $socket"
fi

# The socket being there is not enough: ask the daemon (GET /_ping) with the Node runtime
# the CLI runs on (no curl in the image; the Docker CLI is for users, not for start-up).
if ! node -e '
  const http = require("http");
  const host = process.argv[1];
  const target = host.startsWith("unix://") ? { socketPath: host.slice(7) } : (() => {
    const u = new URL(host.replace(/^tcp:/, "http:"));
    return { host: u.hostname, port: Number(u.port || 2375) };
  })();
  const req = http.get({ ...target, path: "/_ping", timeout: 5000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1));
  req.on("timeout", () => req.destroy());
  req.on("error", (err) => { console.error(err.code || err.message); process.exit(1); });
' "$docker_host"; then
  cannot_connect "the daemon at $docker_host does not answer (permission denied, or it is not running)"
fi

log "Docker daemon answers at $docker_host"

hal9000 volumes init

if [ -x /scripts/setup-dashboard.sh ]; then
  /scripts/setup-dashboard.sh || log "tmux dashboard setup failed (exit $?); continuing without the dashboard"
fi

log "starting the coordinator"
exec hal9000 coordinator
