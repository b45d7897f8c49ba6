#!/bin/sh
# Spawn a Claude worker container (the seed's spawn-worker.sh, now the bundled hal9000 CLI):
#
#   spawn-worker.sh [options] [project_dir]
#     -n, --name NAME    Worker name (default: auto-generated)
#     -d, --detach       Run in background
#     -i, --image IMAGE  Worker image
#     --rm               Remove on exit (default)
#     --no-rm            Keep container after exit
#     -e KEY=VAL         Set an environment variable in the worker
#
# project_dir is a path on the Docker host: `docker exec hal9000-parent
# /scripts/spawn-worker.sh -d -n my-worker /path/to/project` mounts the host's /path/to/project.
exec hal9000 spawn "$@"
