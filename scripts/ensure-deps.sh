#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than the
# lockfile, then builds every package (tsc -b is incremental, so reruns are cheap).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stamp=node_modules/.accord-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "[accord] installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
echo "[accord] building (tsc -b)" >&2
npx tsc -b tsconfig.build.json
