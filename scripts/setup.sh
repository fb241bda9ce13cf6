#!/usr/bin/env bash
# Installs what building and running OT Lens needs, skipping what is already
# there; with --tests, also what only the test suite needs (scripts/test.sh
# passes it). Safe to run again: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10

# Build tools (cargo-leptos, wasm-bindgen-cli, cargo-fuzz) only orchestrate:
# their own speed does not matter, so they are compiled in a cheap profile
# (no LTO, many codegen units, light optimisation) instead of their release
# profile with fat LTO and one codegen unit, which took 22 minutes for
# cargo-leptos alone on a 2-core machine.
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
  CARGO_PROFILE_RELEASE_DEBUG=false \
  CARGO_PROFILE_RELEASE_STRIP=true \
    cargo install "$@"
}

tests=false
[ "${1:-}" = --tests ] && tests=true

apt_missing=()
need_apt() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }
if $tests; then
  # End-to-end tests and page benchmarks; Japanese needs a CJK font.
  need_apt chromium
  need_apt fonts-noto-cjk
  need_apt wrk
  # Live-capture test: replays captures into a veth pair.
  need_apt tcpreplay
  need_apt iproute2
  # scripts/module-cycles.py
  need_apt python3
  # systemd-analyze checks the sensor's unit files.
  need_apt systemd
  # The alert export test sends to a real rsyslogd; the export benchmark
  # compares with util-linux logger (bsdutils).
  need_apt rsyslog
  # Its TLS input (gtls) for syslog over TLS; openssl makes the test's CA.
  need_apt rsyslog-gnutls
  need_apt openssl
  need_apt bsdutils
  # PostgreSQL server binaries, for the throwaway cluster when none is running.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt postgresql; fi
fi
if ! command -v node >/dev/null 2>&1; then need_apt nodejs; need_apt npm; fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${apt_missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; about 19 minutes on 2 cores, the longest step of a first setup)"
  tool_install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# Fuzzing (scripts/fuzz.sh) runs in the test suite.
if $tests && ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  tool_install cargo-fuzz --version 0.13.2 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION (once; about 3 minutes)"
  tool_install wasm-bindgen-cli --version "$WB_VERSION"
fi

# end2end/package.json also brings wasm-opt (binaryen 132) for release builds:
# Debian's binaryen 108 corrupts the reference-types WASM that current rustc emits.
if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -x end2end/node_modules/.bin/wasm-opt ]; then
  log "installing end-to-end test packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi
log "tools ready"
