#!/usr/bin/env bash
# Stops everything scripts/infra/up.sh started.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
for s in minio kafka postgres; do bash "$here/$s.sh" stop || rc=1; done
exit $rc
