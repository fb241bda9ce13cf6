#!/usr/bin/env bash
# Bytes on the wire and time to interactive of the login page, the portal
# and the simulator, first and repeat visit, in Chromium
# (end2end/bench/page-bytes.mjs), and the gzip size of the code each page
# loads. Needs `scripts/build.sh` first.
# SERVER names another server binary and LEPTOS_SITE_ROOT another site
# folder (an older build, to compare before and after); THROTTLE_MBPS
# slows Chromium's network to that many Mbit/s with 40 ms latency; SETTLE
# is how long to let the server compress its files first.
#   ./scripts/bench-pages.sh
#   THROTTLE_MBPS=4 ./scripts/bench-pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
SERVER=${SERVER:-target/release/server}
PORT=3198
PASSWORD=bench-pages-password
tmp=$(mktemp -d)
# The output name the server was compiled with (.cargo/config.toml), for binaries built otherwise.
LEPTOS_OUTPUT_NAME=otlens OTLENS_DEMO_PASSWORD=$PASSWORD OTLENS_LOG=warn LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} \
  "$SERVER" --demo --database-url "sqlite://$tmp/pages.db" --listen 127.0.0.1:$PORT >"$tmp/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
# Give the server's background compression of the static files time to finish.
sleep "${SETTLE:-5}"
(cd end2end && OTLENS_BENCH_URL=http://127.0.0.1:$PORT OTLENS_BENCH_PASSWORD=$PASSWORD node bench/page-bytes.mjs)
