#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser tests
# (tools/console/src/*.e2e-spec.ts drive it through playwright-core) when it
# is missing. Never `playwright install`: the browser comes from apt.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
echo "[accord] installing chromium (apt) for the console's browser tests" >&2
if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version >&2
