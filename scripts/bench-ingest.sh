#!/usr/bin/env bash
# Ingestion and the analysis behind it: 100 simulated sensors upload minute
# batches of flow records concurrently to the release server, on SQLite and
# on PostgreSQL, each measured two ways on a fresh database:
#  - together: the analysis job runs while the uploads arrive, as in
#    service; how fast they are stored, how far the analysis falls behind
#    (its backlog, sampled four times a second) and when it has caught up;
#  - apart: the uploads to a server whose analysis job is off
#    (`--analysis false`), then a server with it on over the same database:
#    the storing rate alone and the analysis's own rate (the job's
#    "analysis caught up" log line: batches and milliseconds).
# With the server's peak RSS and the disk each flow record takes. Needs
# `scripts/build.sh` first (or any release build of the server binary).
#   SENSORS=100 BATCHES=10 FLOWS=1000 ./scripts/bench-ingest.sh
# PLANT=1: each sensor's records are a plant the analysis has work with
# (20 HMIs polling 50 PLCs over Modbus/TCP, `ingest_load --plant`: 7,000
# assets and 10,000 edges for 100 sensors); unset, flows of no recognised
# protocol, which the analysis reads and skips.
# SERVER and LOADER name other binaries, e.g. an older build to compare
# before and after in one run (a server before `--analysis` measures
# "together" only: set TOGETHER_ONLY=1).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=3195
PASSWORD=bench-ingest-password
PG_ADMIN=${OTLENS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SERVER=${SERVER:-target/release/server}
LOADER=${LOADER:-target/release/examples/ingest_load}
FLOWS=${FLOWS:-1000}
if [ "$LOADER" = target/release/examples/ingest_load ]; then
  cargo build -q --release -p server --example ingest_load
fi
tmp=$(mktemp -d)
server_pid=
trap '[ -z "$server_pid" ] || kill $server_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

# The database's size on disk: the SQLite file with its WAL, or PostgreSQL's
# pg_database_size.
db_bytes() {
  case $1 in
    sqlite*) du -cb "${1#sqlite://}"* | tail -1 | cut -f1 ;;
    *) psql "$1" -Atc "select pg_database_size(current_database())" ;;
  esac
}

# One value from the database at $1.
query() {
  case $1 in
    sqlite*) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "${1#sqlite://}" "$2" ;;
    *) psql "$1" -Atc "$2" ;;
  esac
}

# Stored batches not yet analysed, and their flow records.
BACKLOG="SELECT COUNT(*) || ' ' || COALESCE(SUM(b.flows), 0) FROM batches b
  LEFT JOIN analysis_progress p ON p.tenant_id = b.tenant_id AND p.sensor_id = b.sensor_id
  WHERE b.sequence > COALESCE(p.analysed_sequence, 0)"

# Starts the server on database $1 with the analysis job on or off ($2),
# logging to $3.
start_server() {
  OTLENS_DEMO_PASSWORD=$PASSWORD OTLENS_LOG=warn,server::analysis_job=debug OTLENS_ANALYSIS=$2 \
    LEPTOS_SITE_ROOT=target/site "$SERVER" --demo --database-url "$1" --listen 127.0.0.1:$PORT >"$3" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && return; sleep 0.2; done
  echo "the server did not start: $(tail -3 "$3")" >&2
  exit 1
}

stop_server() {
  echo "server peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' /proc/$server_pid/status)"
  kill $server_pid
  wait $server_pid 2>/dev/null || true
  server_pid=
}

upload() {
  "$LOADER" --server http://127.0.0.1:$PORT --admin-password $PASSWORD \
    --sensors "${SENSORS:-100}" --batches "${BATCHES:-10}" --flows "$FLOWS" ${PLANT:+--plant}
}

# Disk per flow record: the whole database (tables, indexes, WAL
# checkpointed at shutdown) over the flow records stored.
disk() {
  local url=$1 empty=$2 what=$3 bytes rows
  bytes=$(( $(db_bytes "$url") - empty ))
  rows=$(query "$url" "select count(*) from flow_minutes")
  echo "database $what: $bytes bytes for $rows flow records = $((bytes / rows)) bytes per flow record;" \
    "a sensor reporting 1,000 flow records a minute fills $((bytes / rows * 1440000 / 1000000)) MB a day"
}

together() {
  local url=$1 label=$2
  local log="/tmp/otlens-bench-ingest-$label-together.log"
  start_server "$url" true "$log"
  echo "-- $label, uploads and analysis together --"
  local empty
  empty=$(db_bytes "$url")
  # A watcher samples the backlog from the first upload until, after the
  # last acknowledgement, it is empty.
  local backlog="$tmp/backlog-$label" done_flag="$tmp/uploaded-$label"
  : >"$backlog"
  (
    start=$(date +%s.%N)
    for _ in $(seq $((${ANALYSIS_WAIT:-1800} * 4))); do
      now=$(date +%s.%N)
      left=$(query "$url" "$BACKLOG")
      uploaded=0; [ -e "$done_flag" ] && uploaded=1
      echo "$(awk -v a="$now" -v b="$start" 'BEGIN { printf "%.3f", a - b }') $uploaded $left" >>"$backlog"
      [ $uploaded = 1 ] && [ "${left%% *}" = 0 ] && break
      sleep 0.25
    done
  ) &
  local watcher=$!
  local started ingested
  started=$(date +%s.%N)
  upload
  ingested=$(date +%s.%N)
  touch "$done_flag"
  wait $watcher
  python3 - "$started" "$ingested" "$backlog" <<'PY'
import sys
started, ingested = map(float, sys.argv[1:3])
# Samples: seconds since the watcher started, uploads done, batches and
# flow records stored but not analysed.
samples = [tuple(map(float, line.split())) for line in open(sys.argv[3]) if line.strip()]
during = [s for s in samples if not s[1]]
after = [s for s in samples if s[1]]
if not after or after[-1][2]:
    print(f"analysis: {int(after[-1][2]) if after else '?'} batches still pending (gave up waiting)")
    sys.exit()
first_after, last = after[0], after[-1]
biggest = max(during, key=lambda s: s[2], default=(0, 0, 0, 0))
print(f"analysis: all analysed {last[0]:.2f} s after the load generator started "
      f"({last[0] - (ingested - started):.2f} s after the last upload was acknowledged); "
      f"backlog at most {int(biggest[2])} batches ({int(biggest[3])} flow records) while uploading, "
      f"{int(first_after[2])} batches ({int(first_after[3])} flow records) at the last acknowledgement")
PY
  stop_server
  disk "$url" "$empty" "after analysis (kept uploads cleared)"
}

apart() {
  local url=$1 label=$2
  echo "-- $label, uploads alone, then the analysis alone --"
  start_server "$url" false "/tmp/otlens-bench-ingest-$label-uploads.log"
  local empty
  empty=$(db_bytes "$url")
  upload
  stop_server
  disk "$url" "$empty" "before analysis (every upload kept)"
  local log="/tmp/otlens-bench-ingest-$label-analysis.log"
  start_server "$url" true "$log"
  local left=1
  for _ in $(seq $((${ANALYSIS_WAIT:-1800} * 10))); do
    left=$(query "$url" "$BACKLOG")
    [ "${left%% *}" = 0 ] && break
    sleep 0.1
  done
  # The job logs each backlog it worked through; the first is this one.
  python3 - "$log" "$FLOWS" <<'PY'
import re, sys
flows = int(sys.argv[2])
for line in open(sys.argv[1]):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if "analysis caught up" in line:
        batches = int(re.search(r"batches=(\d+)", line).group(1))
        ms = float(re.search(r"ms=([0-9.]+)", line).group(1))
        print(f"analysis alone: {batches} batches ({batches * flows} flow records) in {ms:.0f} ms "
              f"= {batches * flows / ms * 1000:.0f} flow records/s")
        break
else:
    print("analysis alone: no 'analysis caught up' line in the log")
PY
  stop_server
}

both() {
  local make=$1 drop=$2 label=$3
  local url
  url=$($make 1)
  together "$url" "$label"
  $drop "$url"
  if [ -z "${TOGETHER_ONLY:-}" ]; then
    url=$($make 2)
    apart "$url" "$label"
    $drop "$url"
  fi
}

sqlite_db() { echo "sqlite://$tmp/bench-$1.db"; }
sqlite_drop() { rm -f "${1#sqlite://}"*; }
pg_db() {
  local db=otlens_bench_$$_$1
  psql "$PG_ADMIN" -qc "CREATE DATABASE $db"
  echo "${PG_ADMIN%/*}/$db"
}
pg_drop() { psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS ${1##*/}"; }

echo "== SQLite =="
both sqlite_db sqlite_drop SQLite
echo "== PostgreSQL =="
both pg_db pg_drop PostgreSQL
