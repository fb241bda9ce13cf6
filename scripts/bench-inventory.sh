#!/usr/bin/env bash
# The portal's map data and asset table with 10,000 assets and 100,000
# edges under `wrk -t2 -c32 -d20s`, through the real HTTP server, on SQLite
# and PostgreSQL, with 20 minutes and then with 30 days of minute data
# (docs/BENCHMARKS.md, "Inventory at scale"; about 3 GB of disk). Needs wrk
# (`scripts/setup.sh --tests`) and PostgreSQL at OTLENS_TEST_POSTGRES_URL
# (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q -p server --test api inventory_load:: -- --ignored --nocapture --test-threads 1 2>&1 \
  | sed 's/^[.]*BENCH/BENCH/' | sed -n '/^BENCH/,/^Transfer/p'
