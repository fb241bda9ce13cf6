// Times the map's layout (maplayout) compiled to WASM with the product's
// WASM profile, in Debian's Chromium: the benchmark graph of 2,000 nodes
// and 10,000 edges (maplayout::synthetic, as the criterion bench), laid out
// RUNS times in each grouping, each run timed with performance.now() around
// the call. Run through scripts/bench-map.sh, which builds the module.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';

const wasm = process.argv[2];
if (!wasm) throw new Error('usage: node bench/map-layout.mjs MODULE.wasm');
const runs = Number(process.env.RUNS ?? 10);
const nodes = Number(process.env.NODES ?? 2000);
const edges = Number(process.env.EDGES ?? 10000);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
const result = await page.evaluate(
  async ({ bytes, runs, nodes, edges }) => {
    const binary = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const { instance } = await WebAssembly.instantiate(binary, {});
    const m = instance.exports;
    m.prepare(nodes, edges, 8);
    const out = {};
    for (const [name, bands] of [['clusters', 0], ['bands', 1]]) {
      m.run(bands); // warm-up: compilation tiers, allocations
      const times = [];
      let checksum = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        checksum = m.run(bands);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out[name] = { min: times[0], median: times[Math.floor(times.length / 2)], max: times[times.length - 1], checksum };
    }
    return out;
  },
  { bytes: readFileSync(wasm).toString('base64'), runs, nodes, edges },
);
const version = browser.version();
await browser.close();
const ms = (v) => v.toFixed(1);
console.log(`Chromium ${version}: layout of ${nodes} nodes / ${edges} edges, ${runs} runs each (${readFileSync(wasm).length} bytes of WASM)`);
for (const [name, r] of Object.entries(result)) {
  console.log(`${name}: min ${ms(r.min)} ms, median ${ms(r.median)} ms, max ${ms(r.max)} ms (checksum ${r.checksum.toFixed(3)})`);
}
