#!/usr/bin/env bash
# Starts the console as a provider would run it at scale (issue 17), locally: two instances of
# the release server on one PostgreSQL, behind nginx on http://127.0.0.1:8080. Ctrl-C stops
# them all. The database is DATABASE_URL, by default `console_cluster` on the local PostgreSQL
# (created when missing). Used by `make cluster`, after the app and the server are built.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/console_cluster}"
LISTEN="${CLUSTER_LISTEN:-127.0.0.1:8080}"
PORTS=(${CLUSTER_PORTS:-8081 8082})
SERVER="${CARGO_TARGET_DIR:-target}/release/server"
RUN="$(mktemp -d)"
chmod 755 "$RUN" # nginx's workers run as another user

database="${DATABASE_URL##*/}"
if ! psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
  echo "Creating the database $database"
  psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$database\""
fi

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$RUN"
}
trap stop INT TERM EXIT

instances=""
for port in "${PORTS[@]}"; do
  DATABASE_URL="$DATABASE_URL" CONSOLE_TRUSTED_PROXIES=127.0.0.1 CONSOLE_DATA_DIR="data/cluster-$port" \
    CONSOLE_PROOF_KEY=data/cluster-proof-signing.key \
    "$SERVER" --bind "127.0.0.1:$port" --instance "cluster-$port" &
  pids+=($!)
  instances+="server 127.0.0.1:$port max_fails=2 fail_timeout=5s; "
done
for port in "${PORTS[@]}"; do
  until curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; do sleep 0.2; done
done

sed -e "s|@PREFIX@|$RUN|g" -e "s|@LISTEN@|$LISTEN|g" -e "s|@INSTANCES@|$instances|g" \
  deploy/nginx.conf > "$RUN/nginx.conf"
nginx -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo "The console runs at http://$LISTEN: nginx in front of ${#PORTS[@]} instances (ports ${PORTS[*]}) on $DATABASE_URL"
wait -n "${pids[@]}"
