#!/usr/bin/env bash
# One-time set-up for the main job: toolchain, workspace, a Docker engine and base image, the built CLI.
# Afterwards: pnpm hal9000 up /path/to/project
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
bash scripts/ensure-docker.sh
pnpm build >&2
echo "setup: ready. Next: pnpm hal9000 up /path/to/project" >&2
