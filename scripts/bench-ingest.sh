#!/usr/bin/env bash
# Ingestion throughput: 100 simulated sensors upload minute batches of flow
# records concurrently to the release server, on SQLite and on PostgreSQL,
# then how long the server's analysis job takes to analyse them all, with
# the server's peak RSS. Needs `scripts/build.sh` first
# (or any release build of the server binary).
#   SENSORS=100 BATCHES=10 FLOWS=1000 ./scripts/bench-ingest.sh
# SERVER and LOADER name other binaries, e.g. an older build to compare
# before and after in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=3195
PASSWORD=bench-ingest-password
PG_ADMIN=${OTLENS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SERVER=${SERVER:-target/release/server}
LOADER=${LOADER:-target/release/examples/ingest_load}
if [ "$LOADER" = target/release/examples/ingest_load ]; then
  cargo build -q --release -p server --example ingest_load
fi
tmp=$(mktemp -d)

# The database's size on disk: the SQLite file with its WAL, or PostgreSQL's
# pg_database_size.
db_bytes() {
  case $1 in
    sqlite*) du -cb "$tmp"/bench.db* | tail -1 | cut -f1 ;;
    *) psql "$1" -Atc "select pg_database_size(current_database())" ;;
  esac
}

# One number from the database at $1.
query() {
  case $1 in
    sqlite*) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$tmp/bench.db" "$2" ;;
    *) psql "$1" -Atc "$2" ;;
  esac
}
run() {
  local url=$1 label=$2
  OTLENS_DEMO_PASSWORD=$PASSWORD OTLENS_LOG=warn LEPTOS_SITE_ROOT=target/site \
    "$SERVER" --demo --database-url "$url" --listen 127.0.0.1:$PORT >"/tmp/otlens-bench-ingest-$label.log" 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
  echo "== $label =="
  local empty
  empty=$(db_bytes "$url")
  local started
  started=$(date +%s.%N)
  "$LOADER" --server http://127.0.0.1:$PORT --admin-password $PASSWORD \
    --sensors "${SENSORS:-100}" --batches "${BATCHES:-10}" --flows "${FLOWS:-1000}"
  local ingested
  ingested=$(date +%s.%N)
  # Analysis runs behind ingestion in the same server: wait until no stored
  # batch is left unanalysed, and say how long after the first upload.
  local pending=1 waited=0
  while [ "$pending" != 0 ] && [ $waited -lt "${ANALYSIS_WAIT:-1800}" ]; do
    pending=$(query "$url" "SELECT COUNT(*) FROM batches b LEFT JOIN analysis_progress p
      ON p.tenant_id = b.tenant_id AND p.sensor_id = b.sensor_id
      WHERE b.sequence > COALESCE(p.analysed_sequence, 0)")
    [ "$pending" = 0 ] || { sleep 0.5; waited=$((waited + 1)); }
  done
  local analysed flows
  analysed=$(date +%s.%N)
  flows=$(query "$url" "SELECT COALESCE(SUM(flows), 0) FROM batches")
  python3 - "$started" "$ingested" "$analysed" "$flows" "$pending" <<'PY'
import sys
started, ingested, analysed, flows, pending = map(float, sys.argv[1:])
if pending:
    print(f"analysis: {int(pending)} batches still pending after {analysed - started:.1f} s (gave up waiting)")
else:
    print(f"analysis: all {int(flows)} flow records analysed {analysed - started:.2f} s after the first upload "
          f"({analysed - ingested:.2f} s after the last was acknowledged) = {flows / (analysed - started):.0f} flow records/s")
PY
  echo "server peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  kill $pid; wait $pid 2>/dev/null || true
  # Disk per flow record: the whole database (tables, indexes, WAL
  # checkpointed at shutdown) over the flow records stored.
  local bytes rows
  bytes=$(( $(db_bytes "$url") - empty ))
  case $url in
    sqlite*) rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from flow_minutes').fetchone()[0])" "$tmp/bench.db") ;;
    *) rows=$(psql "$url" -Atc "select count(*) from flow_minutes") ;;
  esac
  echo "database: $bytes bytes for $rows flow records = $((bytes / rows)) bytes per flow record;" \
    "a sensor reporting 1,000 flow records a minute fills $((bytes / rows * 1440000 / 1000000)) MB a day"
}

run "sqlite://$tmp/bench.db" SQLite
db=otlens_bench_$$
psql "$PG_ADMIN" -qc "CREATE DATABASE $db"
run "${PG_ADMIN%/*}/$db" PostgreSQL
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $db"
rm -rf "$tmp"
