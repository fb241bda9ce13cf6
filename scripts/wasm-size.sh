#!/usr/bin/env bash
# Size of the release WASM bundle, raw and gzipped (gzip -9).
set -euo pipefail
cd "$(dirname "$0")/.."
# The main file: otlens.<content hash>.wasm (sitebuild names it).
f=$(ls target/site/pkg/otlens.*.wasm | head -1)
raw=$(stat -c %s "$f")
gz=$(gzip -9 -c "$f" | wc -c)
echo "$(basename "$f"): $raw bytes raw, $gz bytes gzip -9"
