#!/usr/bin/env bash
# Command 2: the whole suite. Unit and integration tests against SQLite and
# PostgreSQL, then the end-to-end tests in headless Chromium against the
# release build. Never skips: a missing PostgreSQL is started, not ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# wasm-opt from end2end/node_modules (see setup.sh) comes first.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "PostgreSQL for the integration tests"
OTLENS_TEST_POSTGRES_URL=$(./scripts/pg-throwaway.sh)
export OTLENS_TEST_POSTGRES_URL
echo "using $OTLENS_TEST_POSTGRES_URL"
# Drop databases left by earlier runs.
psql "$OTLENS_TEST_POSTGRES_URL" -Atc "select datname from pg_database where datname like 'otlens_test_%'" \
  | while read -r db; do psql "$OTLENS_TEST_POSTGRES_URL" -qc "drop database if exists $db" >/dev/null || true; done

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace

step "release build (server and WASM)"
cargo leptos build --release

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)
