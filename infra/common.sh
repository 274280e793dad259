# Shared helpers for infra/*.sh. Sourced, not executed.
# shellcheck shell=bash

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$INFRA_DIR")"
ALUR_RUN_DIR="${ALUR_RUN_DIR:-$REPO_ROOT/.run}"
LOG_DIR="$ALUR_RUN_DIR/logs"
PID_DIR="$ALUR_RUN_DIR/pids"

log() { echo "[$(basename "$0" .sh)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ensure_run_dir() {
  mkdir -p "$ALUR_RUN_DIR" "$LOG_DIR" "$PID_DIR"
  # Keep the run dir out of git even if the repo has no .gitignore entry for it.
  [[ -e "$ALUR_RUN_DIR/.gitignore" ]] || echo '*' >"$ALUR_RUN_DIR/.gitignore"
}

# install_debian_packages SCRIPT PACKAGE... -> apt-get installs the packages, as root or through
# a password-less sudo; otherwise says how to install them and fails.
install_debian_packages() {
  local script="$1" run=()
  shift
  if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      run=(sudo -n)
    else
      echo "$script: $* missing; install as root:" >&2
      echo "  apt-get install -y $*" >&2
      return 1
    fi
  fi
  echo "$script: installing $* (Debian packages)"
  "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# pid_alive PID -> true if a process with that pid exists and is not a zombie.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]
}

# read_pid FILE -> prints the pid stored in FILE (empty if missing).
read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

# port_open PORT -> true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# run_command USAGE [COMMAND ARGS...] -> runs the script's cmd_COMMAND with ARGS, or prints
# "usage: SCRIPT USAGE" and exits 2 when the script has no such command.
run_command() {
  local usage="$1" command="${2:-}"
  if [[ -z "$command" ]] || ! declare -F "cmd_$command" >/dev/null; then
    echo "usage: $0 $usage" >&2
    exit 2
  fi
  shift 2
  "cmd_$command" "$@"
}
