#!/usr/bin/env bash
# The communication map's layout (2,000 nodes, 10,000 edges): compiled to
# WASM with the product's size profile and timed in Chromium, next to the
# native criterion figure for the same graph, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cargo build --release --target wasm32-unknown-unknown \
  --manifest-path maplayout/wasm-bench/Cargo.toml --target-dir target/wasm-bench
echo "== WASM in Chromium =="
(cd end2end && node bench/map-layout.mjs ../target/wasm-bench/wasm32-unknown-unknown/release/maplayout_wasm_bench.wasm)
echo "== native (criterion) =="
cargo bench -p maplayout --bench layout -- --warm-up-time 1 --measurement-time 5 2>&1 | grep -E "time:|layout_2000"
