#!/usr/bin/env bash
# Sets up what is missing, then runs every test: lint and type checks, Rust and jest
# unit tests, integration tests against the real server, and browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --for test
export NX_NO_CLOUD=true NX_DAEMON=false CI=true
npx nx run-many -t lint --outputStyle=static
npx nx run-many -t test --parallel=1 --outputStyle=stream
npx nx run-many -t e2e --parallel=1 --outputStyle=stream
echo "all tests passed"
