#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the
# lockfile, then builds the Ed25519 addon (cargo) and every package (both
# incremental, so reruns are cheap).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.accord-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "[accord] installing npm dependencies (locked versions)" >&2
  # Not `npm ci`: the registry mirror these machines reach does not serve the
  # other platforms' optional binaries (e.g. @swc/core-darwin-*), so the
  # lockfile cannot list them and `npm ci` refuses it as out of sync.
  # `npm install` installs exactly the locked versions all the same; --no-save
  # keeps it from writing those platforms' entries back into the lockfile.
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
# The Ed25519 addon the ledger's signature workers verify with (about 3x
# node:crypto, same verdicts; native/ed25519). Needs cargo and fails
# loudly without it; the build output stays under ~/.cache/accord.
echo "[accord] building the Ed25519 addon (cargo)" >&2
bash native/ed25519/build.sh >/dev/null
echo "[accord] building (tsc -b)" >&2
npx tsc -b tsconfig.build.json
# The console's front end: type-checked (DOM/TSX) and bundled by esbuild into tools/console/dist/web.
echo "[accord] building the console's front end (esbuild)" >&2
npm run build -w @accord/console --silent
