#!/usr/bin/env bash
# Starts every real server the integration tests and benchmarks need:
# Kafka (KRaft), PostgreSQL and MinIO, each bound to 127.0.0.1. Idempotent.
# Connection settings land in ~/.cache/accord/run/infra.env.
#
# Usage: up.sh [--record FILE]
#   --record FILE  appends to FILE the name of each server (postgres, kafka,
#                  minio; one a line) that was not running before this call,
#                  so that `down.sh $(cat FILE)` stops only what this call
#                  started and leaves servers someone else started running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
record=
case "${1:-}" in
  --record) record=${2:?"usage: $0 [--record FILE]"} ;;
  '') ;;
  *) echo "usage: $0 [--record FILE]" >&2; exit 2 ;;
esac
for s in postgres kafka minio; do
  # Recorded before the start, so that a start failing halfway is stopped too.
  if [[ -n $record ]] && ! bash "$here/$s.sh" status >/dev/null 2>&1; then echo "$s" >>"$record"; fi
  # Runs for a running server too (idempotent), as it always did.
  bash "$here/$s.sh" start
done
