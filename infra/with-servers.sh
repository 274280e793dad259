#!/usr/bin/env bash
# Run a command with PostgreSQL and Kafka up; stop afterwards only what this script started.
#   infra/with-servers.sh .venv/bin/pytest
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

started=()
if [[ -z "${DATABASE_URL:-}" ]] && ! "$INFRA_DIR/postgres.sh" status >/dev/null 2>&1; then
  started+=(postgres)
fi
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] && ! "$INFRA_DIR/kafka.sh" status >/dev/null 2>&1; then
  started+=(kafka)
fi
"$INFRA_DIR/servers.sh" start || exit 1

"$@"
rc=$?

for name in "${started[@]}"; do
  "$INFRA_DIR/$name.sh" stop || true
done
exit "$rc"
