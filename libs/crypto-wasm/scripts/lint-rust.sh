#!/usr/bin/env bash
# Rust half of `nx run crypto-wasm:lint`: rustfmt and clippy (warnings are errors), on the host
# (pure logic and tests) and, where rustup has the target, on wasm32 (the bindings in rust/wasm/,
# which are compiled only for wasm32). Tools that are not installed are skipped with a note.
set -euo pipefail

CRATE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=rust-toolchain.sh
source "$CRATE_DIR/scripts/rust-toolchain.sh"
use_rustup_toolchain || true
cargo_args=(--locked --manifest-path "$CRATE_DIR/Cargo.toml" --target-dir "$CRATE_DIR/target")

if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --manifest-path "$CRATE_DIR/Cargo.toml" --check
else
  echo "crypto-wasm lint: rustfmt is not installed, skipping the format check"
fi

if ! cargo clippy --version >/dev/null 2>&1; then
  echo "crypto-wasm lint: clippy is not installed, skipping (rustup component add clippy)"
  exit 0
fi
cargo clippy "${cargo_args[@]}" --all-targets -- -D warnings
if [[ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]]; then
  cargo clippy "${cargo_args[@]}" --target wasm32-unknown-unknown -- -D warnings
else
  echo "crypto-wasm lint: this toolchain has no prebuilt wasm32 std, so rust/wasm/ was not linted"
fi
