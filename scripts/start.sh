#!/usr/bin/env bash
# Embedded mode in one command, on a fresh machine: installs npm dependencies
# when node_modules is missing or older than package-lock.json, builds, then
# runs ONE department's four services in one process (`accord up`) until
# Ctrl-C. Arguments go to `accord up`, e.g.
#   bash scripts/start.sh --department health --base-port 7200 --data-dir .accord
# Data (PGlite databases, keys, dev API token) lands in ./.accord/<department>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( major < 20 )); then
  echo "[accord] Node.js 20.19 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci when the lockfile hash differs from the stamp, then tsc -b (incremental).
bash scripts/ensure-deps.sh

cli=tools/cli/dist/main.js
[[ -f $cli ]] || { echo "[accord] $cli is missing after the build" >&2; exit 1; }
echo "[accord] starting embedded mode (accord up $*)" >&2
# exec: Ctrl-C and SIGTERM reach node directly, which shuts down gracefully.
exec node "$cli" up "$@"
