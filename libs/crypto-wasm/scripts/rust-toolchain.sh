# Sourced by the crate's scripts. Puts rustup's active toolchain first on PATH when rustup is
# installed, so cargo, rustc, clippy and rustfmt all come from the same toolchain.
# Needed because Nx's run-commands puts the directory of node (/usr/bin) ahead of ~/.cargo/bin,
# where Debian's own cargo/rustc may live; `rustup run` alone does not fix that, as the
# toolchain's cargo then still finds Debian's rustc on PATH.
# Returns non-zero (changing nothing) when there is no usable rustup toolchain.
use_rustup_toolchain() {
  local rustc_path
  command -v rustup >/dev/null 2>&1 || return 1
  rustc_path="$(rustup which rustc 2>/dev/null)" || return 1
  PATH="$(dirname "$rustc_path"):$PATH"
  export PATH
}
