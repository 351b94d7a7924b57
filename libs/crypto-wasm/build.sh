#!/usr/bin/env bash
# Builds libs/crypto-wasm/pkg/ (lemon_crypto.js + lemon_crypto_bg.wasm + typings) from the
# Rust crate in this folder. Safe to run again: cargo builds incrementally and pkg/ is replaced
# as a whole only after every step succeeded.
#
# Pipeline: cargo (wasm32-unknown-unknown, release) -> wasm-bindgen CLI (--target web)
#           -> wasm-opt -Oz (npm "binaryen" in node_modules/.bin).
# wasm-pack is deliberately not used: it downloads its own wasm-bindgen and wasm-opt at build
# time and insists on a rustup-installed target, neither of which works on every machine we
# build on. The three tools above are all that wasm-pack would run anyway.
#
# Toolchain routes (the first that is available wins):
#   rustup  - `rustup target list --installed` contains wasm32-unknown-unknown.
#   debian  - Debian's rustc-web/cargo-web/rust-web-src/lld-19: std is rebuilt for wasm32 with
#             -Zbuild-std (RUSTC_BOOTSTRAP=1) and linked with LLVM 19's wasm-ld.
# LEMON_WASM_TOOLCHAIN=rustup|debian forces a route. `bash tools/setup/rust-wasm.sh` installs one.
set -euo pipefail

CRATE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$CRATE_DIR/../.." && pwd)"
MANIFEST="$CRATE_DIR/Cargo.toml"
TARGET_DIR="$CRATE_DIR/target"
PKG_DIR="$CRATE_DIR/pkg"
TARGET=wasm32-unknown-unknown
OUT_NAME=lemon_crypto
DEBIAN_LINKER=/usr/lib/llvm-19/bin/wasm-ld
SETUP_HINT="run: bash tools/setup/rust-wasm.sh (from the repository root)"

# rustup and `cargo install`ed tools (wasm-bindgen) may be there without being on PATH.
export PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"

say() { printf 'crypto-wasm: %s\n' "$*"; }
die() { printf 'crypto-wasm: error: %s\n' "$*" >&2; exit 1; }

# --- the one pinned wasm-bindgen version, read from Cargo.toml --------------------------------
WB_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' "$MANIFEST" | head -n 1)"
[[ -n "$WB_VERSION" ]] || die "could not read the pinned wasm-bindgen version (wasm-bindgen = \"=X.Y.Z\") from $MANIFEST"

# --- choose the toolchain ----------------------------------------------------------------------
rustup_has_target() {
  command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}
debian_toolchain_present() {
  [[ -x /usr/bin/cargo && -x /usr/bin/rustc && -x "$DEBIAN_LINKER" ]] &&
    compgen -G '/usr/src/rustc-*/library' >/dev/null
}

route="${LEMON_WASM_TOOLCHAIN:-}"
if [[ -z "$route" ]]; then
  if rustup_has_target; then route=rustup
  elif debian_toolchain_present; then route=debian
  else
    die "no Rust toolchain that can build for $TARGET was found.
  Either 'rustup target add $TARGET', or on Debian
  'apt-get install -y rustc-web cargo-web rust-web-src lld-19'.
  Or simply $SETUP_HINT"
  fi
fi

cargo_args=(build --release --locked --target "$TARGET" --manifest-path "$MANIFEST" --target-dir "$TARGET_DIR")
case "$route" in
  rustup)
    rustup_has_target || die "rustup has no $TARGET target installed; $SETUP_HINT"
    # shellcheck source=scripts/rust-toolchain.sh
    source "$CRATE_DIR/scripts/rust-toolchain.sh"
    use_rustup_toolchain || die "rustup has no usable active toolchain; $SETUP_HINT"
    cargo_cmd=(cargo)
    ;;
  debian)
    debian_toolchain_present || die "Debian's Rust toolchain is incomplete (need /usr/bin/cargo, /usr/bin/rustc, /usr/src/rustc-*/library, $DEBIAN_LINKER); $SETUP_HINT"
    # ~/.cargo/bin usually comes first on PATH: pin rustc/rustdoc so rustup's are not picked up.
    export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
    export RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$DEBIAN_LINKER"
    cargo_cmd=(/usr/bin/cargo)
    cargo_args+=(-Zbuild-std=std,panic_abort)
    ;;
  *) die "LEMON_WASM_TOOLCHAIN must be 'rustup' or 'debian', not '$route'" ;;
esac

# --- check the other tools before spending time compiling -------------------------------------
command -v wasm-bindgen >/dev/null 2>&1 || die "wasm-bindgen (CLI $WB_VERSION) is not on PATH; $SETUP_HINT"
have_wb="$(wasm-bindgen --version | awk '{print $2}')"
[[ "$have_wb" == "$WB_VERSION" ]] ||
  die "wasm-bindgen on PATH is $have_wb but Cargo.toml pins $WB_VERSION; $SETUP_HINT"
WASM_OPT="$ROOT_DIR/node_modules/.bin/wasm-opt"
[[ -x "$WASM_OPT" ]] || die "$WASM_OPT is missing (npm package binaryen); run npm install at the repository root"

# --- build -----------------------------------------------------------------------------------
say "toolchain: $route ($("${cargo_cmd[@]}" --version)), wasm-bindgen $WB_VERSION"
start=$SECONDS
"${cargo_cmd[@]}" "${cargo_args[@]}"
raw_wasm="$TARGET_DIR/$TARGET/release/$OUT_NAME.wasm"
[[ -f "$raw_wasm" ]] || die "cargo finished but $raw_wasm does not exist"

# A stage directory of its own, so that two builds running at once do not trip over each other.
mkdir -p "$TARGET_DIR"
stage="$(mktemp -d "$TARGET_DIR/pkg-stage.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# --omit-default-module-path: the glue never looks the .wasm up by URL; callers pass the bytes.
wasm-bindgen --target web --weak-refs --omit-default-module-path \
  --out-dir "$stage" --out-name "$OUT_NAME" "$raw_wasm"
"$WASM_OPT" -Oz "$stage/${OUT_NAME}_bg.wasm" -o "$stage/${OUT_NAME}_bg.opt.wasm"
bindgen_size=$(wc -c <"$stage/${OUT_NAME}_bg.wasm")
mv -f "$stage/${OUT_NAME}_bg.opt.wasm" "$stage/${OUT_NAME}_bg.wasm"

rm -rf "$PKG_DIR"
mv "$stage" "$PKG_DIR"
trap - EXIT

# The hand-written typings in src/glue.d.ts must still describe the generated glue; a pkg/ that
# does not match them is removed rather than left behind.
if ! "$ROOT_DIR/node_modules/.bin/tsc" -p "$CRATE_DIR/scripts/tsconfig.glue-check.json"; then
  rm -rf "$PKG_DIR"
  die "src/glue.d.ts no longer matches the generated pkg/$OUT_NAME.d.ts; update src/glue.d.ts"
fi
say "built $PKG_DIR in $((SECONDS - start)) s: cargo $(wc -c <"$raw_wasm") B, wasm-bindgen $bindgen_size B, wasm-opt -Oz $(wc -c <"$PKG_DIR/${OUT_NAME}_bg.wasm") B"
