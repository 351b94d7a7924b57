#!/usr/bin/env bash
# `cargo "$@"` with one consistent toolchain (see rust-toolchain.sh): rustup's when installed,
# otherwise the cargo on PATH (e.g. Debian's /usr/bin/cargo, which builds for the host fine).
set -euo pipefail
# shellcheck source=rust-toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/rust-toolchain.sh"
use_rustup_toolchain || true
exec cargo "$@"
