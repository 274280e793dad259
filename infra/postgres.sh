#!/usr/bin/env bash
# Local PostgreSQL for Alur development and tests.
#
#   infra/postgres.sh start    init (first time) + start + wait until ready; idempotent
#   infra/postgres.sh stop     stop the server started from $ALUR_RUN_DIR/pg
#   infra/postgres.sh status   exit 0 if running, 1 if not
#   infra/postgres.sh url      print the connection URL
#
# Env: ALUR_RUN_DIR (default <repo>/.run), ALUR_PG_PORT (default 55432),
#      ALUR_PG_BIN (default: newest /usr/lib/postgresql/*/bin), ALUR_PG_START_TIMEOUT (s, default 60).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_PORT="${ALUR_PG_PORT:-55432}"
PG_DATA="$ALUR_RUN_DIR/pg"
PG_SOCK="$ALUR_RUN_DIR/pg-socket"
PG_LOG="$LOG_DIR/postgres.log"
PG_PID_FILE="$PID_DIR/postgres.pid"
PG_TIMEOUT="${ALUR_PG_START_TIMEOUT:-60}"
PG_URL="postgresql://alur:alur@127.0.0.1:$PG_PORT/alur"

find_pg_bin() {
  if [[ -n "${ALUR_PG_BIN:-}" ]]; then echo "$ALUR_PG_BIN"; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$d" ]] || die "PostgreSQL binaries not found (apt-get install postgresql-15, or set ALUR_PG_BIN)"
  echo "$d"
}
PG_BIN="$(find_pg_bin)"

# PostgreSQL refuses to run as root: run its tools as the 'postgres' OS user then.
if [[ "$(id -u)" == 0 ]]; then
  PG_USER=postgres
  as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }
else
  PG_USER="$(id -un)"
  as_pg() { "$@"; }
fi

pg_running() { as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }
postmaster_pid() { head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true; }

prepare_dirs() {
  ensure_run_dir
  mkdir -p "$PG_DATA" "$PG_SOCK"
  chmod 700 "$PG_DATA"
  touch "$PG_LOG"
  if [[ "$(id -u)" == 0 ]]; then
    id "$PG_USER" >/dev/null 2>&1 || die "OS user '$PG_USER' missing (it comes with the postgresql package)"
    chown "$PG_USER:" "$PG_DATA" "$PG_SOCK" "$PG_LOG"
    as_pg test -w "$PG_DATA" \
      || die "user $PG_USER cannot reach $PG_DATA (a parent directory is not world-executable?)"
  fi
}

init_cluster() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
  log "initdb in $PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 \
    || { tail -n 30 "$PG_LOG" >&2; die "initdb failed"; }
  echo "include_if_exists = 'alur.conf'" >>"$PG_DATA/postgresql.conf"
}

# Rewritten on every start so that a changed ALUR_PG_PORT or run dir takes effect.
write_config() {
  cat >"$PG_DATA/alur.conf" <<EOF
# Written by infra/postgres.sh on each start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 400
shared_buffers = 256MB
effective_cache_size = 2GB
work_mem = 8MB
maintenance_work_mem = 128MB
# Durability stays ON: benchmarks compare against real commits.
fsync = on
synchronous_commit = on
full_page_writes = on
max_wal_size = 2GB
checkpoint_timeout = 15min
log_min_duration_statement = -1
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  [[ "$(id -u)" == 0 ]] && chown "$PG_USER:" "$PG_DATA/alur.conf"
  return 0
}

bootstrap_roles() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alur') THEN
    CREATE ROLE alur LOGIN SUPERUSER PASSWORD 'alur';
  END IF;
END $$;
SELECT 'CREATE DATABASE alur OWNER alur' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'alur')\gexec
SQL
}

wait_ready() {
  local deadline=$((SECONDS + PG_TIMEOUT))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; do
    ((SECONDS < deadline)) || { tail -n 30 "$PG_LOG" >&2; die "not ready after ${PG_TIMEOUT}s"; }
    sleep 0.2
  done
}

cmd_start() {
  prepare_dirs
  if pg_running; then
    postmaster_pid >"$PG_PID_FILE"
    grep -qx "port = $PG_PORT" "$PG_DATA/alur.conf" \
      || die "already running (pid $(postmaster_pid)) on another port than $PG_PORT: stop it first"
    wait_ready
    log "already running (pid $(postmaster_pid)) on 127.0.0.1:$PG_PORT"
    return 0
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is already used by another process (set ALUR_PG_PORT)"
  init_cluster
  write_config
  log "starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_TIMEOUT" -s \
    || { tail -n 30 "$PG_LOG" >&2; die "pg_ctl start failed"; }
  wait_ready
  postmaster_pid >"$PG_PID_FILE"
  bootstrap_roles
  log "ready (pid $(postmaster_pid)): $PG_URL"
}

cmd_stop() {
  local pid
  pid="$(read_pid "$PG_PID_FILE")"
  if pg_running; then
    # pg_ctl signals the postmaster recorded in $PG_DATA/postmaster.pid: exactly our server.
    [[ -z "$pid" || "$pid" == "$(postmaster_pid)" ]] \
      || log "warning: pid file says $pid, data dir says $(postmaster_pid); stopping the latter"
    log "stopping (pid $(postmaster_pid))"
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 -s
  else
    log "not running"
  fi
  rm -f "$PG_PID_FILE"
}

cmd_status() {
  if pg_running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    echo "postgres: running (pid $(postmaster_pid)) $PG_URL"
  else
    echo "postgres: stopped"
    return 1
  fi
}

cmd_url() { echo "$PG_URL"; }

run_command "start|stop|status|url" "$@"
