#!/usr/bin/env bash
# Command 2: the whole suite. Unit and integration tests against SQLite and
# PostgreSQL, then the end-to-end tests in headless Chromium against the
# release build. Never skips: a missing PostgreSQL is started, not ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --tests
# wasm-opt from end2end/node_modules (see setup.sh) comes first.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "PostgreSQL for the integration tests"
export OTLENS_PG_THROWAWAY_FILE
OTLENS_PG_THROWAWAY_FILE=$(mktemp)
stop_throwaway() {
  local data
  data=$(cat "$OTLENS_PG_THROWAWAY_FILE" 2>/dev/null || true)
  if [ -n "$data" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$data" stop -m fast >/dev/null || true
    else "$bindir/pg_ctl" -D "$data" stop -m fast >/dev/null || true; fi
    rm -rf "$(dirname "$data")"
  fi
  rm -f "$OTLENS_PG_THROWAWAY_FILE"
}
trap stop_throwaway EXIT
OTLENS_TEST_POSTGRES_URL=$(./scripts/pg-throwaway.sh)
export OTLENS_TEST_POSTGRES_URL
echo "using $OTLENS_TEST_POSTGRES_URL"
# Drop databases left by earlier runs.
psql "$OTLENS_TEST_POSTGRES_URL" -Atc "select datname from pg_database where datname like 'otlens_test_%'" \
  | while read -r db; do psql "$OTLENS_TEST_POSTGRES_URL" -qc "drop database if exists $db" >/dev/null || true; done

step "no import circles between the modules of a crate"
python3 scripts/module-cycles.py

step "unit and integration tests (SQLite and PostgreSQL)"
# The live-capture tests build a veth pair in a network namespace; here they
# must run, not skip (they need root, as CI has).
export OTLENS_REQUIRE_LIVE_TEST=1
# `frontend` is left out: building it in the same cargo run would unify the
# `hydrate` feature into `app` and turn the server's tests into browser code.
# Its code is compiled by the release build below.
cargo test --workspace --exclude frontend

step "crash safety: the server killed (SIGKILL) under upload load, SQLite and PostgreSQL"
./scripts/crash-safety.sh short

step "fuzzing: every dissector and file reader, 20 s each, seeded from the test captures"
./scripts/fuzz.sh 20

step "release build (server and WASM)"
./scripts/build.sh
# The engine benchmark's entry points belong to the `bench` build only.
if grep -q bench_quote target/site/pkg/otlens.*.js; then
  echo "the release bundle exports bench_quote (frontend's bench feature leaked in)" >&2
  exit 1
fi

step "end-to-end tests in headless Chromium"
(cd end2end && npx playwright test)
