#!/usr/bin/env bash
# Command 1: install what is missing, build a release, start OT Lens on SQLite
# with demo data at http://127.0.0.1:3000 (credentials are printed at start).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# wasm-opt from end2end/node_modules (see setup.sh) comes first.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# --split: each area of the app (portal, simulator, admin) is its own WASM
# chunk, loaded with its page (lazy routes in app/src/lib.rs).
cargo leptos build --release --split
export LEPTOS_SITE_ROOT=target/site
exec ./target/release/server --demo --database-url "${DATABASE_URL:-sqlite://otlens.db}" "$@"
