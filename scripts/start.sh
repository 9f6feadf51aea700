#!/usr/bin/env bash
# The local network in one command, on a fresh machine: installs npm
# dependencies when node_modules is missing or older than package-lock.json,
# builds (services, CLI, the console's front end), then runs `accord up`:
# three departments' services, the founding channel and the console in one
# process, until Ctrl-C (docs/network.md). Arguments go to `accord up`, e.g.
#   bash scripts/start.sh --departments tax,police --base-port 8100 --data-dir /tmp/net
# Data (PGlite databases, keys, API tokens, logs) lands in ./.accord/.
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
echo "[accord] starting the local network (accord up $*)" >&2
# exec: Ctrl-C and SIGTERM reach node directly, which shuts down gracefully.
exec node "$cli" up "$@"
