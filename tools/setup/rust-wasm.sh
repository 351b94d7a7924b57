#!/usr/bin/env bash
# Installs the Rust → WebAssembly toolchain that libs/crypto-wasm/build.sh needs, if missing:
#   1. a compiler that can target wasm32-unknown-unknown:
#      rustup's target if rustup can add it, else (as root on Debian) the packages
#      rustc-web cargo-web rust-web-src lld-19 (used with -Zbuild-std by build.sh);
#   2. the wasm-bindgen CLI at exactly the version libs/crypto-wasm/Cargo.toml pins.
# Idempotent and silent when everything is already there. Exits non-zero, with instructions,
# when it cannot install something. Called by tools/setup.sh; can be run on its own.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MANIFEST="$ROOT_DIR/libs/crypto-wasm/Cargo.toml"
TARGET=wasm32-unknown-unknown
DEBIAN_PACKAGES=(rustc-web cargo-web rust-web-src lld-19)
DEBIAN_LINKER=/usr/lib/llvm-19/bin/wasm-ld
RUSTUP_TIMEOUT_S="${RUSTUP_TIMEOUT_S:-180}"

say() { printf '[setup] rust-wasm: %s\n' "$*"; }
fail() {
  printf '[setup] rust-wasm: %s\n' "$@" >&2
  exit 1
}

# rustup and cargo-installed tools may be there without ~/.cargo/bin on PATH (build.sh looks
# there too).
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"

# --- 1. a compiler for wasm32 --------------------------------------------------------------
rustup_has_target() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}
debian_toolchain_present() {
  [[ -x /usr/bin/cargo && -x /usr/bin/rustc && -x "$DEBIAN_LINKER" ]] &&
    compgen -G '/usr/src/rustc-*/library' >/dev/null
}

if ! rustup_has_target && ! debian_toolchain_present; then
  added=0
  if command -v rustup >/dev/null 2>&1; then
    say "adding the rustup target $TARGET (timeout ${RUSTUP_TIMEOUT_S} s)"
    if timeout "$RUSTUP_TIMEOUT_S" rustup target add "$TARGET"; then
      added=1
    else
      say "rustup could not add $TARGET; trying Debian's packages instead"
    fi
  fi
  if [[ $added == 0 ]]; then
    if [[ "$(id -u)" == 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian packages: ${DEBIAN_PACKAGES[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${DEBIAN_PACKAGES[@]}" >/dev/null
      debian_toolchain_present || fail "the Debian packages installed, but $DEBIAN_LINKER or /usr/src/rustc-*/library is still missing"
    else
      fail "no Rust toolchain can build for $TARGET, and this script cannot install one. Either:" \
        "  - install rustup (https://rustup.rs), then: rustup target add $TARGET" \
        "  - or, as root on Debian 12: apt-get install -y ${DEBIAN_PACKAGES[*]}" \
        "then run this script again."
    fi
  fi
fi

# --- 2. the wasm-bindgen CLI at the pinned version ------------------------------------------
[[ -f "$MANIFEST" ]] || fail "$MANIFEST not found"
WB_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' "$MANIFEST" | head -n 1)"
[[ -n "$WB_VERSION" ]] || fail "could not read the pinned wasm-bindgen version (wasm-bindgen = \"=X.Y.Z\") from $MANIFEST"

have_wb=""
if command -v wasm-bindgen >/dev/null 2>&1; then
  have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
fi
if [[ "$have_wb" != "$WB_VERSION" ]]; then
  # One consistent host toolchain for building the CLI: rustup's if it works, else Debian's.
  if command -v rustup >/dev/null 2>&1 && rustc_path="$(rustup which rustc 2>/dev/null)"; then
    PATH="$(dirname "$rustc_path"):$PATH"
  elif [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]]; then
    export RUSTC=/usr/bin/rustc
    PATH="/usr/bin:$PATH"
  else
    fail "no cargo found to build wasm-bindgen-cli $WB_VERSION"
  fi
  say "installing wasm-bindgen-cli $WB_VERSION${have_wb:+ (found $have_wb)} with cargo install; this compiles for a few minutes"
  # Not --locked: the crate's lock file names a transitive version that crates.io no longer has.
  cargo install wasm-bindgen-cli --version "=$WB_VERSION" ||
    fail "cargo install wasm-bindgen-cli --version =$WB_VERSION failed (see above)"
  hash -r
  have_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
  [[ "$have_wb" == "$WB_VERSION" ]] ||
    fail "wasm-bindgen $WB_VERSION was installed into ${CARGO_HOME:-$HOME/.cargo}/bin, but the wasm-bindgen first on PATH is '${have_wb:-none}'." \
      "Put ${CARGO_HOME:-$HOME/.cargo}/bin first on PATH (or remove the other wasm-bindgen)."
  say "wasm-bindgen $WB_VERSION installed"
fi
