#!/usr/bin/env bash
# The map page in Chromium with 2,000 assets and 10,000 edges: the layout
# time and each frame's drawing time while the map is panned
# (docs/BENCHMARKS.md, "Communication map"). Needs the compiled site
# (./scripts/build.sh) and the test tools (scripts/setup.sh --tests).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q -p server --test api map_frames:: -- --ignored --nocapture --test-threads 1 2>&1 \
  | sed 's/^[.]*BENCH/BENCH/' | sed -n '/^BENCH/,/^laid out again/p'
