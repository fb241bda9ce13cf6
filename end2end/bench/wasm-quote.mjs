// Times the contract engine compiled to WASM, in Debian's Chromium: the
// reference quote (contract::sample — 60 months, 100 sensor contracts of
// which 20 are changes, 3 ancillary items) recomputed RUNS times, each run
// timed with performance.now() inside the page by `bench_quote` (frontend
// crate). Run through scripts/bench-wasm.sh, which starts the server.
import { chromium } from '@playwright/test';

const base = process.env.OTLENS_BENCH_URL ?? 'http://127.0.0.1:3199';
const runs = Number(process.env.RUNS ?? 1000);
// The build's file names carry their content hash; the script passes them.
const js = process.env.OTLENS_BENCH_JS ?? '/pkg/otlens.js';
const wasm = process.env.OTLENS_BENCH_WASM ?? '/pkg/otlens.wasm';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
// Any same-origin page will do; /healthz loads nothing else.
await page.goto(`${base}/healthz`);
const result = await page.evaluate(async ({ runs, js, wasm }) => {
  const m = await import(js);
  await m.default({ module_or_path: wasm });
  const lines = m.bench_quote_lines();
  // Warm-up, then the measured runs.
  m.bench_quote(20);
  const t0 = performance.now();
  const times = Array.from(m.bench_quote(runs));
  const wall = performance.now() - t0;
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { runs: times.length, lines, mean, wallPerRun: wall / times.length, median: at(0.5), p95: at(0.95), max: times[times.length - 1], min: times[0] };
}, { runs, js, wasm });
const version = browser.version();
await browser.close();
const ms = (v) => v.toFixed(3);
console.log(`Chromium ${version}: ${result.runs} runs of the reference quote (${result.lines} invoice lines)`);
console.log(`wall clock over all runs: ${ms(result.wallPerRun)} ms per run`);
console.log(`per run: min ${ms(result.min)} ms, median ${ms(result.median)} ms, mean ${ms(result.mean)} ms, p95 ${ms(result.p95)} ms, max ${ms(result.max)} ms`);
