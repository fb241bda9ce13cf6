// The code each page loads before it is interactive, gzip -9 (Node's zlib,
// as end2end/tests/bundle.spec.ts counts it), computed from a release build's
// files instead of a browser: the main file, otlens.js, the split loader and
// public/alerts-badge.js, which every page loads, plus the chunks
// __wasm_split_manifest.json lists for each lazy page.
//   node end2end/bench/page-code.mjs [target/site/pkg]
// Use it to compare builds quickly; the bundle test, in Chromium, stays the
// reference (the two agreed to the byte on the build of 0b116d5).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'target/site/pkg';
const files = readdirSync(dir);
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const one = (re) => {
  const f = files.find((name) => re.test(name));
  if (!f) throw new Error(`no file matching ${re} in ${dir}`);
  return join(dir, f);
};
const shared = {
  main: gz(one(/^otlens\..*\.wasm$/)),
  'otlens.js': gz(one(/^otlens\..*\.js$/)),
  loader: gz(one(/^__wasm_split\..*\.js$/)),
  'alerts-badge.js': gz(join(dir, '..', 'alerts-badge.js')),
};
const base = Object.values(shared).reduce((a, b) => a + b, 0);
console.log(Object.entries(shared).map(([k, v]) => `${k} ${v} B`).join(', '), `= ${base} B on every page`);
const manifest = JSON.parse(readFileSync(one(/^__wasm_split_manifest\..*\.json$/), 'utf8'));
for (const [view, chunks] of Object.entries(manifest).sort()) {
  const own = chunks.reduce((sum, c) => sum + gz(one(new RegExp(`^${c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(\\.wasm)?$`))), 0);
  const page = view.replace(/^__/, '').replace(/_page_view_\d+$/, '');
  console.log(`${page.padEnd(14)} ${String(base + own).padStart(7)} B (its chunks ${own} B)`);
}
