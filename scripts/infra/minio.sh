#!/usr/bin/env bash
# A single-node MinIO for tests and benchmarks, built from source (MinIO is
# source-only now) and bound to 127.0.0.1 (port 19000 or the next free one).
# Records ACCORD_TEST_MINIO_ENDPOINT / _ACCESS_KEY / _SECRET_KEY in
# ~/.cache/accord/run/infra.env.
#
# Usage: minio.sh {start|stop|status}   (all idempotent)
#        minio.sh restart                stop, then start on the same port with the same data
#
# The binary is cached in ~/.cache/accord/bin/minio with the pinned module
# version recorded next to it (minio.version); changing MINIO_VERSION below
# rebuilds it. The build takes about 3 minutes on 2 cores (docs/infrastructure.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

# The newest version the Go module proxy serves (the RELEASE.2025-10-15 pseudo
# version is refused by the proxy).
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN_DIR="$ACCORD_CACHE/bin"
MINIO_BIN="$MINIO_BIN_DIR/minio"
MINIO_STAMP="$MINIO_BIN_DIR/minio.version"
MINIO_PREFERRED_PORT="${ACCORD_MINIO_PORT:-19000}"
MINIO_STATE="$ACCORD_RUN/minio"
MINIO_PIDFILE="$MINIO_STATE/minio.pid"
MINIO_LOG="$MINIO_STATE/minio.log"

binary_ok() {
  [[ -x "$MINIO_BIN" ]] && "$MINIO_BIN" --version >/dev/null 2>&1 || return 1
  if [[ ! -f "$MINIO_STAMP" ]]; then
    # Built before the stamp existed: trust the module version Go embedded.
    command -v go >/dev/null || return 1
    go version -m "$MINIO_BIN" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+github.com/minio/minio[[:space:]]+$MINIO_VERSION([[:space:]]|$)" || return 1
    echo "$MINIO_VERSION" >"$MINIO_STAMP"
  fi
  [[ "$(cat "$MINIO_STAMP")" == "$MINIO_VERSION" ]]
}

ensure_binary() {
  mkdir -p "$MINIO_BIN_DIR" "$ACCORD_CACHE/logs"
  binary_ok && return 0
  # One build at a time, even if several shells run start concurrently.
  exec 9>"$MINIO_BIN_DIR/.minio-build.lock"
  flock 9
  if binary_ok; then flock -u 9; return 0; fi
  command -v go >/dev/null || die "Go is needed to build MinIO (go install); none on PATH"
  local build_log="$ACCORD_CACHE/logs/minio-build.log" t0=$SECONDS
  log "building MinIO $MINIO_VERSION from source (a few minutes; log: $build_log)"
  rm -f "$MINIO_STAMP"
  GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$MINIO_BIN_DIR" GOFLAGS=-trimpath \
    go install -ldflags "-s -w" "github.com/minio/minio@$MINIO_VERSION" >"$build_log" 2>&1 ||
    { tail -n 30 "$build_log" >&2; die "MinIO build failed (log: $build_log)"; }
  echo "$MINIO_VERSION" >"$MINIO_STAMP"
  log "MinIO built in $((SECONDS - t0)) s"
  flock -u 9
}

credentials() {
  local f="$MINIO_STATE/credentials"
  if [[ ! -s "$f" ]]; then
    # Kept across restarts: MinIO encrypts its IAM config with the root credentials.
    (umask 077; printf 'accord-%s\n%s\n' "$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')" \
      "$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')" >"$f")
  fi
  cat "$f"
}

healthy() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/minio/health/live"; }

# Waits for the health endpoint, failing fast if the server process died.
wait_healthy() {
  local port=$1 pid=$2 deadline=$((SECONDS + 60))
  until healthy "$port"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$MINIO_LOG" >&2 || true; die "MinIO exited during start (log: $MINIO_LOG)"; }
    (( SECONDS < deadline )) || die "timed out after 60s waiting for MinIO on port $port (log: $MINIO_LOG)"
    sleep 0.5
  done
}

start() {
  ensure_binary
  mkdir -p "$MINIO_STATE/data"
  local creds user secret port
  creds=$(credentials)
  user=$(sed -n 1p <<<"$creds")
  secret=$(sed -n 2p <<<"$creds")

  if pid_alive "$MINIO_PIDFILE" && [[ -f "$MINIO_STATE/port" ]] && healthy "$(cat "$MINIO_STATE/port")"; then
    port=$(cat "$MINIO_STATE/port")
    log "MinIO already running on 127.0.0.1:$port"
  else
    stop_pidfile "$MINIO_PIDFILE" minio
    port=$(sticky_port minio "$MINIO_PREFERRED_PORT")
    log "starting MinIO on 127.0.0.1:$port (data $MINIO_STATE/data)"
    MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$secret" MINIO_UPDATE=off MINIO_BROWSER=off \
      setsid "$MINIO_BIN" server "$MINIO_STATE/data" --address "127.0.0.1:$port" --quiet \
      >>"$MINIO_LOG" 2>&1 </dev/null &
    echo $! >"$MINIO_PIDFILE"
    echo "$port" >"$MINIO_STATE/port"
    wait_healthy "$port" "$(cat "$MINIO_PIDFILE")"
  fi
  remember_port minio "$port"
  set_env ACCORD_TEST_MINIO_ENDPOINT "http://127.0.0.1:$port"
  set_env ACCORD_TEST_MINIO_ACCESS_KEY "$user"
  set_env ACCORD_TEST_MINIO_SECRET_KEY "$secret"
  log "MinIO ready: http://127.0.0.1:$port"
}

stop() {
  # A server started before ports were remembered: remember it now, so a start comes back on it.
  [[ -s "$MINIO_STATE/port" ]] && remember_port minio "$(cat "$MINIO_STATE/port")"
  stop_pidfile "$MINIO_PIDFILE" minio
  rm -f "$MINIO_STATE/port"
  unset_env ACCORD_TEST_MINIO_ENDPOINT
  unset_env ACCORD_TEST_MINIO_ACCESS_KEY
  unset_env ACCORD_TEST_MINIO_SECRET_KEY
}

status() {
  if pid_alive "$MINIO_PIDFILE" && [[ -f "$MINIO_STATE/port" ]] && healthy "$(cat "$MINIO_STATE/port")"; then
    echo "minio: running on 127.0.0.1:$(cat "$MINIO_STATE/port") (pid $(cat "$MINIO_PIDFILE"), data $MINIO_STATE/data)"
  else
    echo "minio: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; ACCORD_INFRA_SAME_PORT=1 start ;;
  *) die "usage: $0 {start|stop|status|restart}" ;;
esac
