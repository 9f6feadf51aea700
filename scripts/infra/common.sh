#!/usr/bin/env bash
# Shared helpers for the infrastructure scripts. Everything binds to 127.0.0.1,
# caches downloads/builds under ~/.cache/accord and keeps runtime state (data
# dirs, pid files, logs) under ~/.cache/accord/run/<service>.
set -euo pipefail

ACCORD_CACHE="${ACCORD_CACHE:-$HOME/.cache/accord}"
ACCORD_RUN="${ACCORD_RUN:-$ACCORD_CACHE/run}"
ACCORD_ENV_FILE="$ACCORD_RUN/infra.env"
mkdir -p "$ACCORD_CACHE" "$ACCORD_RUN"

log() { printf '[accord-infra] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# port_free PORT -> 0 if nothing listens on 127.0.0.1:PORT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port PREFERRED -> prints PREFERRED or the next free port above it
pick_port() {
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}

# wait_until TIMEOUT_S DESCRIPTION CMD... -> polls CMD every 0.5 s
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "timed out after ${timeout}s waiting for $what"
    sleep 0.5
  done
}

# sticky_port NAME PREFERRED -> the port NAME listened on last time (kept in
# $ACCORD_RUN/NAME.port across stops) if it is free, else PREFERRED or the next
# free port. With ACCORD_INFRA_SAME_PORT=1 (what `restart` sets) it waits up to
# 30 s for the remembered port to be free and fails rather than move: the
# services under test keep the address they were configured with, so a
# server restarted for a fault must come back where it was.
sticky_port() {
  local name=$1 preferred=$2 file="$ACCORD_RUN/$1.port" last
  if [[ -s $file ]]; then
    last=$(cat "$file")
    if [[ ${ACCORD_INFRA_SAME_PORT:-0} == 1 ]]; then
      wait_until 30 "port $last ($name) to be free" port_free "$last"
      echo "$last"
      return 0
    fi
    if port_free "$last"; then echo "$last"; return 0; fi
  elif [[ ${ACCORD_INFRA_SAME_PORT:-0} == 1 ]]; then
    die "$name has no remembered port ($file): start it once before restarting it"
  fi
  pick_port "$preferred"
}

# remember_port NAME PORT -> what sticky_port answers next time.
remember_port() { echo "$2" >"$ACCORD_RUN/$1.port"; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pidfile PIDFILE NAME -> SIGTERM, wait up to 30 s, then SIGKILL
stop_pidfile() {
  local pidfile=$1 name=$2
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# set_env KEY VALUE -> records KEY=VALUE in the shared infra env file that
# tests and benchmarks source (one line per key, last write wins).
set_env() {
  local key=$1 value=$2 tmp
  tmp=$(mktemp)
  { [[ -f "$ACCORD_ENV_FILE" ]] && grep -v "^export $key=" "$ACCORD_ENV_FILE" || true; echo "export $key='$value'"; } >"$tmp"
  mv "$tmp" "$ACCORD_ENV_FILE"
}
unset_env() {
  local key=$1 tmp
  [[ -f "$ACCORD_ENV_FILE" ]] || return 0
  tmp=$(mktemp); grep -v "^export $key=" "$ACCORD_ENV_FILE" >"$tmp" || true; mv "$tmp" "$ACCORD_ENV_FILE"
}
