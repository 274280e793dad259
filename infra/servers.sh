#!/usr/bin/env bash
# Start/stop all local servers Alur needs.
#
#   infra/servers.sh start    postgres (unless DATABASE_URL is set) + kafka (unless KAFKA_BOOTSTRAP_SERVERS is set)
#   infra/servers.sh stop     stop whichever of them has a pid file in $ALUR_RUN_DIR/pids
#   infra/servers.sh status   show both; exit 0 only if both are running
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cmd_start() {
  if [[ -n "${DATABASE_URL:-}" ]]; then
    log "DATABASE_URL is set: not starting postgres"
  else
    "$INFRA_DIR/postgres.sh" start
  fi
  if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
    log "KAFKA_BOOTSTRAP_SERVERS is set: not starting kafka"
  else
    "$INFRA_DIR/kafka.sh" start
  fi
}

cmd_stop() {
  local rc=0 name
  for name in kafka postgres; do
    if [[ -f "$PID_DIR/$name.pid" ]]; then
      "$INFRA_DIR/$name.sh" stop || rc=1
    fi
  done
  return "$rc"
}

cmd_status() {
  local rc=0
  "$INFRA_DIR/postgres.sh" status || rc=1
  "$INFRA_DIR/kafka.sh" status || rc=1
  return "$rc"
}

run_command "start|stop|status" "$@"
