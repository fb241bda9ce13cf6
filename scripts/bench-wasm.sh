#!/usr/bin/env bash
# The contract engine in WASM, timed in Chromium (1,000 recomputations of the
# reference quote), next to the native criterion figure for the same quote,
# measured in the same run. Builds the release with the `bench` feature of
# `frontend` (the entry points are not in the normal bundle), then restores
# the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
PORT=3199
./scripts/build.sh --wasm-features bench
trap './scripts/build.sh >/dev/null 2>&1 || true' EXIT
db=$(mktemp -d)/bench.db
OTLENS_DEMO_PASSWORD=bench-demo-password LEPTOS_SITE_ROOT=target/site OTLENS_LOG=warn \
  target/release/server --demo --database-url "sqlite://$db" --listen 127.0.0.1:$PORT &
server=$!
trap 'kill $server 2>/dev/null || true; ./scripts/build.sh >/dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
echo "== WASM in Chromium =="
js=/pkg/$(basename "$(ls target/site/pkg/otlens.*.js | head -1)")
wasm=/pkg/$(basename "$(ls target/site/pkg/otlens.*.wasm | head -1)")
(cd end2end && OTLENS_BENCH_URL=http://127.0.0.1:$PORT OTLENS_BENCH_JS=$js OTLENS_BENCH_WASM=$wasm \
  RUNS=${RUNS:-1000} node bench/wasm-quote.mjs)
echo "== native (criterion) =="
cargo bench -p contract --bench quote -- --warm-up-time 1 --measurement-time 5 2>&1 | grep -E "time:|quote_60"
