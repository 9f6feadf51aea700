#!/usr/bin/env bash
# Builds the Ed25519 addon (release) with cargo and prints the path of the
# loadable library. All build output stays under ~/.cache/accord, so a rerun
# with unchanged sources is a no-op; a missing cargo fails loudly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v cargo >/dev/null 2>&1; then
  echo "[accord] cargo not found: the Ed25519 addon needs a Rust toolchain (rustup)" >&2
  exit 1
fi
export CARGO_TARGET_DIR="${ACCORD_CARGO_TARGET_DIR:-$HOME/.cache/accord/cargo-target/ed25519-native}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml" >&2
echo "$CARGO_TARGET_DIR/release/libaccord_ed25519_native.so"
