#!/usr/bin/env bash
# Runs the benchmark scripts against the real infrastructure (started here if
# needed; what was started here is stopped again unless ACCORD_KEEP_INFRA=1).
# Prints tables; asserts nothing.
# Usage: bash scripts/bench.sh [foundation|ledger|ledger-idle|ed25519|catalog-projection|catalog-search|storage-gateway|contracts|write-path|start-ready|system-load|all]   (BENCH_SCALE=0.1 for a quick run)
# write-path: the figures of issue 13 in one run (ed25519, ledger, contracts, one after the other).
# start-ready: start→ready of each service after kill -9 and SIGTERM (issue 14); with START_BENCH_BROKER=1 it also
#   restarts the Kafka broker of $ACCORD_RUN, so only on servers of your own (ACCORD_RUN=~/.cache/accord/run-start).
# system-load: issue 14's load run on process networks of 1, 3 and 5 departments (BENCH_SYSTEM_DEPARTMENTS, BENCH_SYSTEM_SECONDS, BENCH_SYSTEM_WORKERS, BENCH_SYSTEM_OBJECT_KIB; docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
which=${1:-all}
bash scripts/ensure-deps.sh
# On exit, stop only the servers this run started (as scripts/test.sh does).
started=$(mktemp)
if [[ "${ACCORD_KEEP_INFRA:-0}" != 1 ]]; then
  trap 'bash scripts/infra/down.sh --recorded "$started" || true; rm -f "$started"' EXIT
else
  trap 'rm -f "$started"' EXIT
fi
bash scripts/infra/up.sh --record "$started"
# shellcheck disable=SC1090,SC1091  # written by scripts/infra at run time
source "${ACCORD_RUN:-$HOME/.cache/accord/run}/infra.env"
case $which in
  foundation) node tools/bench/dist/foundation.bench.js ;;
  # system-load starts networks of up to 5 departments for minutes each: run on its own, not in `all`.
  all) for f in tools/bench/dist/*.bench.js; do [[ $f == */system-load.bench.js ]] || node "$f"; done ;;
  write-path) for n in ed25519 ledger contracts; do node "tools/bench/dist/$n.bench.js"; done ;;
  start-ready) node tools/bench/dist/start-ready.bench.js ;;
  *) node "tools/bench/dist/$which.bench.js" ;;
esac
