#!/usr/bin/env bash
# Alert export throughput (docs/BENCHMARKS.md, docs/EXPORT.md): 2,000 queued
# alerts sent by the server's sender to Debian's rsyslogd over TCP and to a
# local webhook receiver, on SQLite and PostgreSQL, beside util-linux
# `logger` sending as many CEF messages to the same rsyslogd in the same run.
# Needs rsyslog and bsdutils (logger), which `scripts/setup.sh --tests` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release -q -p server --test api export::export_throughput -- --ignored --nocapture --test-threads 1 2>&1 \
  | grep -o 'BENCH.*'
