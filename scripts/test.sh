#!/usr/bin/env bash
# The one test command (see README): sets up what it needs, then runs every test:
# lint, typecheck, unit tests, the images, integration tests against the real engine, packaging.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n=== %s (+%ss)\n' "$*" "$(( $(date +%s) - started ))" >&2; }

step "setup"
bash scripts/setup.sh
bash scripts/ensure-test-tools.sh

step "lint"
pnpm lint
step "typecheck"
pnpm typecheck

results=$(mktemp -d)
step "unit tests"
pnpm test:unit --reporter=default --reporter=json --outputFile="$results/unit.json"

step "images (built once, cached by Docker and by Claude CLI version)"
pnpm hal9000 build all

step "integration tests (real Docker engine)"
pnpm test:integration --reporter=default --reporter=json --outputFile="$results/integration.json"

step "packaging smoke test"
pnpm test:pack

step "summary"
node scripts/summarize-results.mjs "$results"
echo "total wall time: $(( $(date +%s) - started ))s" >&2
