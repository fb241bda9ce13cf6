#!/usr/bin/env bash
# SSR throughput of the login page: the release server on a fresh SQLite file,
# loaded by Debian's wrk from the same machine. Run after `scripts/build.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-3200}
db=$(mktemp -u /tmp/otlens-bench.XXXXXX).db
LEPTOS_SITE_ROOT=target/site OTLENS_LOG=warn ./target/release/server \
  --database-url "sqlite://$db" --listen "127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$db"*' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
wrk -t2 -c32 -d20s "http://127.0.0.1:$port/login"
