#!/usr/bin/env bash
# Start/stop Alur's own workers in the background (logs in .run/logs, pids in .run/pids).
#
#   infra/services.sh start    web, relay, projections, notifier, routing, sla, retention, mail; waits until /health answers ok
#   infra/services.sh stop     stops exactly the workers this script started
#   infra/services.sh status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SERVICES=(relay projections notifier routing sla retention mail web)
ALUR="$REPO_ROOT/.venv/bin/alur"
HOST="${ALUR_HTTP_HOST:-127.0.0.1}"
PORT="${ALUR_HTTP_PORT:-8080}"

cmd_start() {
  ensure_run_dir
  local name pid
  for name in "${SERVICES[@]}"; do
    pid="$(read_pid "$PID_DIR/$name.pid")"
    if pid_alive "$pid"; then
      log "$name already running (pid $pid)"
      continue
    fi
    setsid nohup "$ALUR" serve "$name" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$PID_DIR/$name.pid"
    log "$name started (pid $!), log: $LOG_DIR/$name.log"
  done
  local deadline=$((SECONDS + 90))
  until curl -fsS "http://$HOST:$PORT/health" >/dev/null 2>&1; do
    for name in "${SERVICES[@]}"; do
      pid_alive "$(read_pid "$PID_DIR/$name.pid")" || { tail -n 30 "$LOG_DIR/$name.log" >&2; die "$name exited"; }
    done
    ((SECONDS < deadline)) || die "web did not become healthy in 90 s (see $LOG_DIR)"
    sleep 0.5
  done
  log "Alur is ready: complaint form http://$HOST:$PORT/lapor, register http://$HOST:$PORT/register, dashboard http://$HOST:$PORT/dasbor"
  log "SOPs: http://$HOST:$PORT/api/sops; add an officer: .venv/bin/alur users add NAME --role ROLE"
}

cmd_stop() {
  local name pid
  for name in web mail retention sla routing notifier projections relay; do
    pid="$(read_pid "$PID_DIR/$name.pid")"
    if pid_alive "$pid"; then
      kill -TERM "$pid"
      for _ in $(seq 1 40); do pid_alive "$pid" || break; sleep 0.5; done
      pid_alive "$pid" && kill -KILL "$pid"
      log "$name stopped"
    fi
    rm -f "$PID_DIR/$name.pid"
  done
}

cmd_status() {
  local rc=0 name pid
  for name in "${SERVICES[@]}"; do
    pid="$(read_pid "$PID_DIR/$name.pid")"
    if pid_alive "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; rc=1; fi
  done
  return "$rc"
}

run_command "start|stop|status" "$@"
