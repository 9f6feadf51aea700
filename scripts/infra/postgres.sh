#!/usr/bin/env bash
# A dedicated PostgreSQL 15 instance for tests and benchmarks (not the Debian
# system cluster): owned by the `postgres` OS user, listening only on
# 127.0.0.1 (port 15432 or the next free one), role and database `accord`.
# Records ACCORD_TEST_PG_URL in ~/.cache/accord/run/infra.env.
#
# Usage: postgres.sh {start|stop|status}   (all idempotent)
#        postgres.sh restart                stop, then start on the same port with the same data
#
# Layout: state owned by root (password, data-dir location) lives in
# ~/.cache/accord/run/postgres. The cluster itself must be reachable by the
# `postgres` user; root's home is usually mode 700, so in that case the data
# dir, log and socket go to /var/tmp/accord-pg (override: ACCORD_PG_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_PREFERRED_PORT="${ACCORD_PG_PORT:-15432}"
PG_STATE="$ACCORD_RUN/postgres"
PG_ROLE=accord
PG_DB=accord
export LANG=C.UTF-8 LC_ALL=C.UTF-8

as_pg() { runuser -u postgres -- "$@"; }

ensure_binaries() {
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] && return 0
  log "installing PostgreSQL $PG_MAJOR from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "postgresql-$PG_MAJOR" >&2; then
    apt-get update -q >&2
    apt-get install -y -q "postgresql-$PG_MAJOR" >&2
  fi
  [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL $PG_MAJOR binaries not found in $PG_BIN after install"
}

# The directory that holds data/, the log and the socket. Chosen once per
# machine and remembered, so stop/status find what start created.
pg_base() {
  if [[ -f "$PG_STATE/base" ]]; then cat "$PG_STATE/base"; return; fi
  local base
  if [[ -n "${ACCORD_PG_DIR:-}" ]]; then
    base=$ACCORD_PG_DIR
  elif runuser -u postgres -- test -x "$PG_STATE" 2>/dev/null && runuser -u postgres -- test -x "$ACCORD_RUN" 2>/dev/null; then
    base="$PG_STATE/cluster"
  elif [[ $ACCORD_RUN == "$ACCORD_CACHE/run" ]]; then
    # The postgres user cannot traverse root's home: keep the cluster outside it.
    base=/var/tmp/accord-pg
  else
    # Another run directory (ACCORD_RUN) is another set of servers: its own
    # cluster, or its start would adopt (and re-password) the default one.
    base="/var/tmp/accord-pg-$(basename "$ACCORD_RUN")"
  fi
  echo "$base" >"$PG_STATE/base"
  echo "$base"
}

running_port() {
  # postmaster.pid line 4 is the port of the running server.
  local data=$1
  [[ -f "$data/postmaster.pid" ]] || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
  sed -n 4p "$data/postmaster.pid"
}

write_config() {
  local base=$1 data=$2 port=$3
  # Tuned for a small test machine. fsync and synchronous_commit stay ON:
  # the tests check durability, and a tuned-away fsync would hide bugs.
  cat >"$data/accord.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base/sock'
max_connections = 200
shared_buffers = 32MB
work_mem = 4MB
maintenance_work_mem = 32MB
fsync = on
synchronous_commit = on
full_page_writes = on
max_wal_size = 256MB
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  chown postgres:postgres "$data/accord.conf"
  grep -q "^include_if_exists = 'accord.conf'" "$data/postgresql.conf" ||
    echo "include_if_exists = 'accord.conf'" >>"$data/postgresql.conf"
}

password() {
  local f="$PG_STATE/password"
  if [[ ! -s "$f" ]]; then
    (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$f")
  fi
  cat "$f"
}

ensure_role_and_db() {
  local base=$1 port=$2 pw=$3
  as_pg "$PG_BIN/psql" -X -q -h "$base/sock" -p "$port" -d postgres -v ON_ERROR_STOP=1 -v pw="$pw" >/dev/null <<SQL
SELECT 'CREATE ROLE $PG_ROLE LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE') \gexec
ALTER ROLE $PG_ROLE WITH LOGIN PASSWORD :'pw';
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE ENCODING ''UTF8'' TEMPLATE template0' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
}

start() {
  ensure_binaries
  mkdir -p "$PG_STATE"
  local base data port pw
  base=$(pg_base)
  data="$base/data"
  mkdir -p "$base/sock"
  chown postgres:postgres "$base" "$base/sock"
  chmod 700 "$base"

  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "initialising PostgreSQL data dir $data"
    install -d -o postgres -g postgres -m 700 "$data"
    as_pg "$PG_BIN/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 -U postgres \
      --auth-local=peer --auth-host=scram-sha-256 >"$base/initdb.log" 2>&1 ||
      { cat "$base/initdb.log" >&2; die "initdb failed"; }
  fi

  if port=$(running_port "$data"); then
    log "PostgreSQL already running on 127.0.0.1:$port"
  else
    port=$(sticky_port postgres "$PG_PREFERRED_PORT")
    write_config "$base" "$data" "$port"
    log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$port (data $data)"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$base/postgres.log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$base/postgres.log" >&2 || true; die "PostgreSQL failed to start (log: $base/postgres.log)"; }
  fi
  wait_until 60 "PostgreSQL on port $port" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"
  remember_port postgres "$port"

  pw=$(password)
  ensure_role_and_db "$base" "$port" "$pw"
  set_env ACCORD_TEST_PG_URL "postgres://$PG_ROLE:$pw@127.0.0.1:$port/$PG_DB"
  log "PostgreSQL ready: postgres://$PG_ROLE:***@127.0.0.1:$port/$PG_DB"
}

stop() {
  if [[ -f "$PG_STATE/base" && -x "$PG_BIN/pg_ctl" ]]; then
    local data
    data="$(cat "$PG_STATE/base")/data"
    local port
    if port=$(running_port "$data"); then
      # A server started before ports were remembered: remember it now, so a start comes back on it.
      remember_port postgres "$port"
      log "stopping PostgreSQL ($data)"
      as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
  fi
  unset_env ACCORD_TEST_PG_URL
}

status() {
  local port
  if [[ -f "$PG_STATE/base" ]] && [[ -x "$PG_BIN/pg_ctl" ]] && port=$(running_port "$(cat "$PG_STATE/base")/data"); then
    echo "postgres: running on 127.0.0.1:$port (data $(cat "$PG_STATE/base")/data)"
  else
    echo "postgres: stopped"
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
