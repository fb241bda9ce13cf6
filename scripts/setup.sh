#!/usr/bin/env bash
# Installs what building and running OT Lens needs, skipping what is already
# there; with --tests, also what only the test suite needs (scripts/test.sh
# passes it). Safe to run again: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# cargo-fuzz only orchestrates: its own speed does not matter, so it is
# compiled in a cheap profile (no LTO, many codegen units, light
# optimisation) instead of its release profile.
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

# Fuzzing (scripts/fuzz.sh) runs in the test suite.
if $tests && ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  tool_install cargo-fuzz --version 0.13.2 --locked
fi

# No cargo-leptos or wasm-bindgen-cli: the release build (scripts/build.sh)
# splits the WASM and generates its JS glue with sitebuild, a crate of this
# workspace, so the wasm-bindgen it uses is the one Cargo.lock pins.
# end2end/package.json brings what the build runs besides cargo: wasm-opt
# (binaryen 132; Debian's binaryen 108 corrupts the reference-types WASM
# that current rustc emits) and esbuild (minifies the JS and the stylesheet).
if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -x end2end/node_modules/.bin/wasm-opt ] \
  || [ ! -x end2end/node_modules/.bin/esbuild ]; then
  log "installing the npm packages of end2end/ (wasm-opt, esbuild, Playwright's test runner; seconds)"
  (cd end2end && npm ci --no-audit --no-fund)
fi
log "tools ready"
