#!/usr/bin/env bash
# Crash safety: simulated sensors upload without pause while the server is
# killed with SIGKILL again and again (and restarted), on SQLite and on
# PostgreSQL. Afterwards every batch must be stored exactly once: per sensor
# sequences 1..N with no gap, every flow row of every batch present once,
# and the sensor's batch and packet counters equal to what was sent (a batch
# half-written, or counted twice, shows here).
#
#   ./scripts/crash-safety.sh            # short: the suite runs this
#   ./scripts/crash-safety.sh long       # 3 sensors × 3,000 batches, 10 kills per database
#   SERVER=target/release/server ./scripts/crash-safety.sh
#
# Results of the last long run: docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-short}
case $mode in
  short) sensors=3 batches=500 flows=100 kills=3 ;;
  long) sensors=3 batches=3000 flows=200 kills=10 ;;
  *) echo "usage: $0 [short|long]" >&2; exit 2 ;;
esac
SERVER=${SERVER:-target/debug/server}
PG_ADMIN=${OTLENS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PASSWORD=crash-safety-password

cargo build -q -p server --example ingest_load
if [ "$SERVER" = target/debug/server ]; then
  cargo build -q -p server --bin server
fi
LOADER=target/debug/examples/ingest_load

tmp=$(mktemp -d)
server_pid=""
loader_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  [ -n "$loader_pid" ] && kill -9 "$loader_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

start_server() {
  OTLENS_DEMO_PASSWORD=$PASSWORD OTLENS_LOG=warn \
    "$SERVER" --demo --database-url "$1" --listen "127.0.0.1:$port" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not start; its log:" >&2
  tail -20 "$tmp/server.log" >&2
  exit 1
}

# Prints "<name>|<batches>|<min seq>|<max seq>|<flow rows>|<batches counter>|<packets counter>" per load sensor.
stored_sqlite() {
  python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute("""
    SELECT s.name, COUNT(b.sequence), MIN(b.sequence), MAX(b.sequence),
           (SELECT COUNT(*) FROM flow_minutes f WHERE f.sensor_id = s.id),
           s.batches, s.packets_total
    FROM sensors s LEFT JOIN batches b ON b.sensor_id = s.id
    WHERE s.name LIKE 'load %' GROUP BY s.id ORDER BY s.name"""):
    print("|".join(str(v) for v in row))
EOF
}

stored_postgres() {
  psql "$1" -Atc "
    SELECT s.name, COUNT(b.sequence), MIN(b.sequence), MAX(b.sequence),
           (SELECT COUNT(*) FROM flow_minutes f WHERE f.sensor_id = s.id),
           s.batches, s.packets_total
    FROM sensors s LEFT JOIN batches b ON b.sensor_id = s.id
    WHERE s.name LIKE 'load %' GROUP BY s.id ORDER BY s.name"
}

run() {
  local label=$1 url=$2 stored=$3 where=$4
  : >"$tmp/server.log"
  start_server "$url"
  "$LOADER" --server "http://127.0.0.1:$port" --admin-password "$PASSWORD" \
    --sensors "$sensors" --batches "$batches" --flows "$flows" --until-acknowledged \
    >"$tmp/loader.out" 2>"$tmp/loader.err" &
  loader_pid=$!
  for _ in $(seq 600); do grep -q '^uploading' "$tmp/loader.err" && break; sleep 0.1; done
  local killed=0
  while [ $killed -lt "$kills" ] && kill -0 "$loader_pid" 2>/dev/null; do
    # A random moment within the next 0.5–2.5 s of uploads.
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 2.5), 2))')"
    kill -0 "$loader_pid" 2>/dev/null || break
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    killed=$((killed + 1))
    start_server "$url"
  done
  if ! wait "$loader_pid"; then
    loader_pid=""
    echo "[$label] the load generator failed:" >&2
    cat "$tmp/loader.err" >&2
    exit 1
  fi
  loader_pid=""
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
  local expected_packets=$((batches * flows * 20)) failed=0 rows=0
  while IFS='|' read -r name count lo hi flow_rows counter packets; do
    rows=$((rows + 1))
    if [ "$count" != "$batches" ] || [ "$lo" != 1 ] || [ "$hi" != "$batches" ] \
      || [ "$flow_rows" != $((batches * flows)) ] || [ "$counter" != "$batches" ] \
      || [ "$packets" != "$expected_packets" ]; then
      echo "[$label] $name: $count batches (sequences $lo..$hi), $flow_rows flow rows, counters $counter batches / $packets packets; expected $batches, 1..$batches, $((batches * flows)), $batches / $expected_packets" >&2
      failed=1
    fi
  done < <($stored "$where")
  if [ $killed -eq 0 ]; then
    echo "[$label] the load finished before the first kill; nothing was tried" >&2
    exit 1
  fi
  if [ $rows -ne "$sensors" ] || [ $failed -ne 0 ]; then
    echo "[$label] FAILED after $killed kills" >&2
    exit 1
  fi
  echo "[$label] $killed kills during $((sensors * batches)) uploads of $flows flows: every batch stored exactly once"
}

run SQLite "sqlite://$tmp/crash.db" stored_sqlite "$tmp/crash.db"

db=otlens_crash_$$
psql "$PG_ADMIN" -qc "CREATE DATABASE $db"
pg_url="${PG_ADMIN%/*}/$db"
run PostgreSQL "$pg_url" stored_postgres "$pg_url"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $db"
