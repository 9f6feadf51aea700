#!/usr/bin/env bash
# Starts every real server the integration tests and benchmarks need:
# Kafka (KRaft), PostgreSQL and MinIO, each bound to 127.0.0.1. Idempotent.
# Connection settings land in ~/.cache/accord/run/infra.env.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/postgres.sh" start
bash "$here/kafka.sh" start
bash "$here/minio.sh" start
