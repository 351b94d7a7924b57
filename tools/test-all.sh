#!/usr/bin/env bash
# Sets up what is missing, then runs every test: lint and type checks, Rust and jest
# unit tests, integration tests against the real server, and browser end-to-end tests.
# Ends with one summary line counting every test that ran.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --for test
export NX_NO_CLOUD=true NX_DAEMON=false CI=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
npx nx run-many -t lint --outputStyle=static
npx nx run-many -t test --parallel=1 --outputStyle=stream 2>&1 | tee -a "$log"
npx nx run-many -t e2e --parallel=1 --outputStyle=stream 2>&1 | tee -a "$log"
# jest: "Tests: 1 skipped, 21 passed, 22 total"; cargo: "test result: ok. 68 passed; 0 failed; …"
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
  /test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
  END { printf "tests: %d passed, %d failed\n", p, f }'
