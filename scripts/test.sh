#!/usr/bin/env bash
# The one command that runs the whole test suite on a fresh machine:
# installs dependencies, builds, type-checks and lints, starts the real
# Kafka, PostgreSQL and MinIO (scripts/infra), runs the unit and the
# integration tests against them, then the end-to-end tests (local networks,
# the CLI, the demo, the console in Debian's headless chromium) on the
# embedded default and on those servers, and stops the servers it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# PGlite loads its WebAssembly through dynamic import(), which Jest only
# allows with VM modules enabled (electric-sql/pglite#224).
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules"

bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
echo "[accord] type-checking and linting" >&2
npx tsc -p tsconfig.json
# The Nx module-boundary rule is skipped silently without a project graph.
NX_DAEMON=false NX_NO_CLOUD=true npx nx show projects >/dev/null
npx eslint .
npx prettier --check .

echo "[accord] container images (hadolint) and Helm chart checks (lint, template, kubernetes-validate, helm-unittest, schema rejections, dashboards)" >&2
chart_rc=0
bash scripts/images/lint.sh || chart_rc=$?
bash scripts/helm/check.sh || chart_rc=$?

echo "[accord] unit tests" >&2
results=$(mktemp -d)
# Two workers: most specs wait on I/O (PGlite, the embedded log), so both cores stay busy.
unit_rc=0
npx jest --selectProjects unit --ci --forceExit --maxWorkers=2 --json --outputFile="$results/unit.json" || unit_rc=$?

echo "[accord] starting real infrastructure (Kafka, PostgreSQL, MinIO)" >&2
# On exit, stop only the servers this run started (up.sh records them); those
# already running before (another run's, a developer's) stay up.
# ACCORD_KEEP_INFRA=1 leaves running what this run started as well.
started="$results/infra-started"
if [[ "${ACCORD_KEEP_INFRA:-0}" != 1 ]]; then trap 'bash scripts/infra/down.sh --recorded "$started" || true' EXIT; fi
bash scripts/infra/up.sh --record "$started"
# shellcheck disable=SC1090,SC1091  # written by scripts/infra at run time
source "${ACCORD_RUN:-$HOME/.cache/accord/run}/infra.env"

echo "[accord] integration tests (real Kafka, PostgreSQL, MinIO)" >&2
int_rc=0
npx jest --selectProjects integration --ci --runInBand --forceExit --json --outputFile="$results/integration.json" || int_rc=$?

echo "[accord] end-to-end tests (networks, CLI, demo, console; embedded and real servers)" >&2
e2e_rc=0
npx jest --selectProjects e2e --ci --runInBand --forceExit --json --outputFile="$results/e2e.json" || e2e_rc=$?
node scripts/test-summary.mjs "$results/unit.json" "$results/integration.json" "$results/e2e.json" || true
echo "[accord] unit tests exit $unit_rc, integration tests exit $int_rc, end-to-end tests exit $e2e_rc, image and chart checks exit $chart_rc" >&2
(( unit_rc == 0 && int_rc == 0 && e2e_rc == 0 && chart_rc == 0 ))
