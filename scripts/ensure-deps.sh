#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the
# lockfile, then builds every package (tsc -b is incremental, so reruns are cheap).
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
echo "[accord] building (tsc -b)" >&2
npx tsc -b tsconfig.build.json
# The console's front end: type-checked (DOM/TSX) and bundled by esbuild into tools/console/dist/web.
echo "[accord] building the console's front end (esbuild)" >&2
npm run build -w @accord/console --silent
