#!/usr/bin/env bash
# Installs whatever is missing and builds the project. Idempotent: a second run only
# checks. Usage: tools/setup.sh [--for server|test] [--no-build]
#   server: what running the server needs (Rust→WASM toolchain, npm packages, builds)
#   test:   that, plus Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=test
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --for) purpose="$2"; shift 2 ;;
    --for=*) purpose="${1#--for=}"; shift ;;
    --no-build) build=0; shift ;;
    *) echo "setup: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }

# --- Node ---------------------------------------------------------------------------
need_node="20.19.0"
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js >= $need_node is required (https://nodejs.org or your distribution's nodejs package)." >&2
  exit 1
fi
if ! node -e "const [a,b]=process.versions.node.split('.').map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)"; then
  echo "setup: Node.js $(node --version) is too old; $need_node or newer is required." >&2
  exit 1
fi

# --- Debian packages ----------------------------------------------------------------
debian_pkgs=()
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
for tool in make g++ python3; do command -v "$tool" >/dev/null 2>&1 || debian_pkgs+=("$tool"); done
if [ "$purpose" = test ] && ! command -v chromium >/dev/null 2>&1; then debian_pkgs+=(chromium); fi
if [ ${#debian_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${debian_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debian_pkgs[@]}" >/dev/null
  else
    echo "setup: please install: ${debian_pkgs[*]} (as root on Debian: apt-get install ${debian_pkgs[*]})" >&2
    exit 1
  fi
fi

# --- Rust → WASM --------------------------------------------------------------------
bash tools/setup/rust-wasm.sh

# --- npm packages -------------------------------------------------------------------
# Reinstall when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci; better-sqlite3 may compile for ~90 s)"
  npm ci --no-fund --no-audit --loglevel=error
fi

# --- build --------------------------------------------------------------------------
if [ "$build" = 1 ]; then
  export NX_NO_CLOUD=true NX_DAEMON=false CI=true
  say "building"
  npx nx run-many -t build --outputStyle=static
fi
say "ready"
