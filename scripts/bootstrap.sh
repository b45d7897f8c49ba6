#!/usr/bin/env bash
# Sourced by setup.sh and test.sh: a pnpm of the version package.json pins, and the workspace installed.
set -euo pipefail
PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  # corepack's signature check fails for pnpm on this kind of machine; npm installs it fine.
  echo "bootstrap: installing pnpm@$PNPM_VERSION with npm" >&2
  npm install -g --silent "pnpm@$PNPM_VERSION" >&2
fi
pnpm install --frozen-lockfile --reporter=append-only >&2
