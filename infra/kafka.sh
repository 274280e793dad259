#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller) for Alur development and tests.
# The jars come from Maven Central via infra/kafka/pom.xml (no tarball download).
#
#   infra/kafka.sh install            copy the broker's runtime jars to $ALUR_RUN_DIR/kafka/libs
#   infra/kafka.sh start              install if needed, format once, start, wait until it serves
#   infra/kafka.sh stop               stop the broker recorded in $ALUR_RUN_DIR/pids/kafka.pid
#   infra/kafka.sh status             exit 0 if running, 1 if not
#   infra/kafka.sh tool CLASS ARGS..  run a Kafka CLI main class with the installed jars, e.g.
#                                     tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Env: ALUR_RUN_DIR (default <repo>/.run), ALUR_KAFKA_PORT (default 9092),
#      ALUR_KAFKA_CONTROLLER_PORT (default 9093), ALUR_KAFKA_START_TIMEOUT (s, default 90),
#      ALUR_KAFKA_HEAP (default "-Xms256m -Xmx768m").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_PORT="${ALUR_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${ALUR_KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_TIMEOUT="${ALUR_KAFKA_START_TIMEOUT:-90}"
KAFKA_HEAP="${ALUR_KAFKA_HEAP:--Xms256m -Xmx768m}"

POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_HOME="$ALUR_RUN_DIR/kafka"
LIBS="$KAFKA_HOME/libs"
DATA_DIR="$KAFKA_HOME/data"          # log.dirs (topics + KRaft metadata)
CLUSTER_ID_FILE="$KAFKA_HOME/cluster.id"
PROPS="$KAFKA_HOME/server.properties"
KAFKA_LOG="$LOG_DIR/kafka.log"
PID_FILE="$PID_DIR/kafka.pid"

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM"; }
# The install is keyed on the pom's content: any change to it reinstalls.
install_stamp() { echo "$(kafka_version) $(sha256sum "$POM" | cut -c1-16)"; }
installed() { [[ -f "$LIBS/.installed" && "$(cat "$LIBS/.installed")" == "$(install_stamp)" ]]; }

cmd_install() {
  ensure_run_dir
  if installed; then
    log "Kafka $(kafka_version) already installed in $LIBS"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
  command -v java >/dev/null || die "java not found (apt-get install openjdk-17-jre-headless)"
  log "installing Kafka $(kafka_version) jars from Maven into $LIBS"
  local tmp="$KAFKA_HOME/libs.tmp"
  rm -rf "$tmp"
  local mvn_log="$LOG_DIR/kafka-install.log"
  mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
    >"$mvn_log" 2>&1 || { cat "$mvn_log" >&2; die "mvn dependency:copy-dependencies failed"; }
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "broker jar missing after mvn"
  install_stamp >"$tmp/.installed"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "installed $(ls "$LIBS"/*.jar | wc -l) jars"
}

# Runs a Kafka main class in the foreground with the installed jars.
run_class() {
  java -Xmx256m -Dlog4j.configuration="file:$INFRA_DIR/kafka/tools-log4j.properties" -cp "$LIBS/*" "$@"
}

# PLAINTEXT port of the rendered config (= of the running broker, which may differ from $KAFKA_PORT).
props_port() { sed -n 's|^listeners=PLAINTEXT://[^:]*:\([0-9]*\).*|\1|p' "$PROPS" 2>/dev/null; }

kafka_pid() {
  local pid
  pid="$(read_pid "$PID_FILE")"
  # Only trust the pid file if that process really is our broker (pids get reused).
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS"; then
    echo "$pid"
  fi
}

write_props() {
  sed -e "s|\${KAFKA_PORT}|$KAFKA_PORT|g" \
      -e "s|\${KAFKA_CONTROLLER_PORT}|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|\${KAFKA_LOG_DIRS}|$DATA_DIR|g" \
      "$INFRA_DIR/kafka/server.properties" >"$PROPS"
}

format_storage() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    run_class kafka.tools.StorageTool random-uuid >"$CLUSTER_ID_FILE"
  fi
  log "formatting $DATA_DIR (cluster id $(cat "$CLUSTER_ID_FILE"))"
  run_class kafka.tools.StorageTool format -t "$(cat "$CLUSTER_ID_FILE")" -c "$PROPS" >/dev/null \
    || die "StorageTool format failed"
}

# Ready = our process is alive, the PLAINTEXT port accepts connections and the
# broker has logged that it finished starting (KafkaRaftServer "Kafka Server started").
wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_TIMEOUT))
  while :; do
    if ! pid_alive "$pid"; then
      tail -n 40 "$KAFKA_LOG" >&2
      rm -f "$PID_FILE"
      die "broker exited during startup (log: $KAFKA_LOG)"
    fi
    if port_open "$(props_port)" && grep -q "Kafka Server started" "$KAFKA_LOG"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$KAFKA_LOG" >&2
      die "broker not ready after ${KAFKA_TIMEOUT}s (still running as pid $pid; log: $KAFKA_LOG)"
    fi
    sleep 0.5
  done
}

cmd_start() {
  ensure_run_dir
  local pid
  pid="$(kafka_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid"  # a concurrent start may still be waiting for it
    [[ "$(props_port)" == "$KAFKA_PORT" ]] \
      || die "already running (pid $pid) on port $(props_port), not $KAFKA_PORT: stop it first"
    log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$p" && die "port $p is already used by another process (set ALUR_KAFKA_PORT / ALUR_KAFKA_CONTROLLER_PORT)"
  done
  installed || cmd_install
  mkdir -p "$DATA_DIR"
  write_props
  format_storage

  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  log "starting Kafka $(kafka_version) on 127.0.0.1:$KAFKA_PORT (log: $KAFKA_LOG)"
  # setsid: own session, so the broker outlives the calling shell/terminal.
  # The inner bash writes its own pid, then execs java: the pid file is the JVM's pid.
  # shellcheck disable=SC2086,SC2016
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $KAFKA_HEAP -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
      -Djava.awt.headless=true \
      -Dlog4j.configuration="file:$INFRA_DIR/kafka/log4j.properties" \
      -Dkafka.logs.dir="$LOG_DIR" \
      -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    >"$KAFKA_LOG" 2>&1 </dev/null &
  local deadline=$((SECONDS + 10))
  until [[ -s "$PID_FILE" ]]; do
    ((SECONDS < deadline)) || die "broker process did not start"
    sleep 0.1
  done
  pid="$(read_pid "$PID_FILE")"
  wait_ready "$pid"
  log "ready (pid $pid): bootstrap servers 127.0.0.1:$KAFKA_PORT"
}

cmd_stop() {
  local pid
  pid="$(kafka_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  log "stopping (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if pid_alive "$pid"; then
    log "still running after 30s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  pid="$(kafka_pid)"
  if [[ -n "$pid" ]] && port_open "$(props_port)"; then
    echo "kafka: running (pid $pid) bootstrap 127.0.0.1:$(props_port)"
  else
    echo "kafka: stopped"
    return 1
  fi
}

cmd_tool() {
  installed || die "not installed (run: $0 install)"
  run_class "$@"
}

run_command "install|start|stop|status|tool CLASS ARGS..." "$@"
