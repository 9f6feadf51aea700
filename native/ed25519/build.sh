#!/usr/bin/env bash
# Builds the Ed25519 addon (release) and prints the path of the loadable
# library. The crates are fetched once at the versions of Cargo.lock (into
# cargo's own cache) and the build then runs offline; all build output stays
# under ~/.cache/accord, so a rerun with unchanged sources is a no-op.
# A missing cargo fails loudly: ensure-deps must not leave a ledger machine
# silently on the slower verifier.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cargo=$(command -v cargo || true)
if [[ -z $cargo && -x $HOME/.cargo/bin/cargo ]]; then cargo=$HOME/.cargo/bin/cargo; fi
if [[ -z $cargo ]]; then
  echo "[accord] cargo not found: the Ed25519 addon (native/ed25519) needs a Rust toolchain (rustup, stable)" >&2
  exit 1
fi
export CARGO_TARGET_DIR="${ACCORD_ED25519_TARGET_DIR:-$HOME/.cache/accord/cargo-target/ed25519-native}"
"$cargo" fetch --locked --quiet --manifest-path "$here/Cargo.toml" >&2
"$cargo" build --release --locked --offline --quiet --manifest-path "$here/Cargo.toml" >&2
echo "$CARGO_TARGET_DIR/release/libaccord_ed25519_native.so"
