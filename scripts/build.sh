#!/usr/bin/env bash
# The release build: the server binary (target/release/server) and the site
# it serves (target/site: the WASM split into lazy chunks, its JS glue, the
# stylesheet, the assets, every code file named after its content).
# Used by start.sh, test.sh and the benchmarks. Options:
#   --wasm-features F   extra features of the frontend crate (bench-wasm.sh: bench)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

wasm_features=""
while [ $# -gt 0 ]; do
  case "$1" in
    --wasm-features) wasm_features="$2"; shift 2 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }
started=$SECONDS
since() { local s=$((SECONDS - $1)); printf '%d min %02d s' $((s / 60)) $((s % 60)); }

# The WASM first, then the server while the site is made from the WASM.
# With both compilers at once, the WASM took 12 minutes instead of under 5
# alone, and a first run 27 minutes (docs/BENCHMARKS.md, session 16).
# Each in its own target directory: the WASM's compiler settings differ,
# and the server's build must not wait for the WASM's lock.
wasm_ok=true
log "compiling the site tool (about a minute the first time)"
# Unoptimised: it compiles in a minute instead of several (a first run pays
# that) and its own work takes seconds either way.
cargo build -p sitebuild --target-dir target/front --quiet || wasm_ok=false
if $wasm_ok; then
  log "compiling the browser code (WASM, size-optimised; 3 to 5 minutes the first time)"
  # The splitter needs the relocations in the linked WASM.
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-args=--emit-relocs" \
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features ${wasm_features:+--features "$wasm_features"} \
    --target-dir target/front --quiet || wasm_ok=false
fi
$wasm_ok || { echo "build.sh: the browser code did not compile (see above)" >&2; exit 1; }

log "compiling the server (release; about 10 minutes the first time on 2 cores, seconds when nothing changed)"
server_log=$(mktemp)
cargo build -p server --bin server --release --no-default-features >"$server_log" 2>&1 &
server_pid=$!
log "making the site beside it (split, JS glue, wasm-opt, minify: about 10 minutes the first time, seconds when the WASM did not change)"
# At the lowest priority: wasm-opt then takes the cores the server's
# compiler leaves idle (its single-threaded phases, and both once it is
# done) instead of slowing it down. wasm-opt's outputs are kept by input
# hash (target/sitebuild-cache), so unchanged WASM files are not redone.
nice -n 19 ./target/front/debug/sitebuild --jobs 2 || wasm_ok=false

if ! wait "$server_pid"; then
  cat "$server_log" >&2
  rm -f "$server_log"
  echo "build.sh: the server did not compile (its output is above)" >&2
  exit 1
fi
rm -f "$server_log"
$wasm_ok || { echo "build.sh: making the site failed (see above)" >&2; exit 1; }
log "release built in $(since "$started"): target/release/server and target/site"
