#!/usr/bin/env bash
# Sets up what is missing, builds, and starts the server (extra args go to the server,
# e.g. `npm start -- --port 5000`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --for server
export NX_NO_CLOUD=true NX_DAEMON=false CI=true
exec npx nx serve server --outputStyle=stream -- "$@"
