#!/usr/bin/env bash
# The delay from traffic on the wire to the alert in the portal, at rsyslogd
# and at a webhook (docs/BENCHMARKS.md): a live sensor on a veth pair, the
# S7 block download replayed at seconds 5, 30 and 55 of the minute, on
# SQLite and PostgreSQL. Needs root (network namespaces), tcpreplay and
# rsyslog, which `scripts/setup.sh --tests` installs, and PostgreSQL at
# OTLENS_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q -p server --test api alert_delay:: -- --ignored --nocapture --test-threads 1 2>&1 \
  | grep -o 'BENCH.*'
