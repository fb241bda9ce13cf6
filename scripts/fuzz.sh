#!/usr/bin/env bash
# Runs every cargo-fuzz target of traffic/fuzz for a bounded time, seeded from
# the captures in traffic/testdata/pcaps. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# cargo-fuzz needs nightly-only compiler flags (sanitizers, coverage passes);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them, since this machine
# can install no other toolchain. A crash fails the script and leaves the
# input in traffic/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-20}
export PATH="$HOME/.cargo/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] installing cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

corpus="$PWD/traffic/fuzz/corpus"
cargo run -q -p traffic --example fuzz_seeds -- traffic/testdata/pcaps "$corpus"

cd traffic/fuzz
export RUSTC_BOOTSTRAP=1
targets=$(cargo fuzz list)
# One build for all targets, then each runs from its seeds.
cargo fuzz build -O
for target in $targets; do
  mkdir -p "corpus/$target"
  echo "[fuzz] $target for ${SECONDS_PER_TARGET}s ($(ls "corpus/$target" | wc -l) inputs in corpus)"
  log="$(mktemp)"
  status=0
  cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|new_units_added)" "$log" | tr '\n' ' ' || true
  echo
  if [ "$status" -ne 0 ]; then
    tail -60 "$log"
    echo "[fuzz] $target FAILED (exit $status); the input is in traffic/fuzz/artifacts/$target/"
    exit 1
  fi
  rm -f "$log"
done
echo "[fuzz] all targets ran ${SECONDS_PER_TARGET}s without a crash"
