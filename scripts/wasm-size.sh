#!/usr/bin/env bash
# Size of the release WASM bundle, raw and gzipped (gzip -9).
set -euo pipefail
cd "$(dirname "$0")/.."
f=target/site/pkg/otlens.wasm
raw=$(stat -c %s "$f")
gz=$(gzip -9 -c "$f" | wc -c)
echo "otlens.wasm: $raw bytes raw, $gz bytes gzip -9"
