#!/usr/bin/env bash
# Command 1: install what is missing, build a release, start OT Lens on SQLite
# with demo data at http://127.0.0.1:3000 (credentials are printed at start).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# wasm-opt from end2end/node_modules (see setup.sh) comes first.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# A second start with nothing changed skips the build, which would still
# take cargo's checks and the WASM's split and glue (seconds to a minute)
# every time. The stamp is written only after a whole build.
stamp=target/site/.built-from-sources
sources=(Cargo.toml Cargo.lock app frontend server store model contract traffic analysis maplayout sitebuild style public scripts/build.sh)
if [ -x target/release/server ] && [ -f "$stamp" ] \
  && [ -z "$(find "${sources[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "[start] nothing changed since the last build: starting it"
else
  echo "[start] building the release (server and WASM; the first time about 15 minutes on 2 cores, then minutes)"
  ./scripts/build.sh
  touch "$stamp"
fi
export LEPTOS_SITE_ROOT=target/site
exec ./target/release/server --demo --demo-captures traffic/testdata/pcaps \
  --database-url "${DATABASE_URL:-sqlite://otlens.db}" "$@"
