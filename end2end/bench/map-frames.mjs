// The map page as a customer sees it, with a big inventory: opens
// /portal/map on a running server (signed in with the session cookie
// given), waits until the map is laid out, then pans it with the mouse
// (a press on the canvas's corner, 150 moves around a circle) while
// recording every animation frame's interval and every frame's drawing
// time (the canvas's `data-draw-ms`, written after each draw). Prints the
// figures. Run by server/tests/api/map_frames.rs (scripts/bench-map-page.sh).
import { chromium } from '@playwright/test';

const [base, cookie] = process.argv.slice(2);
if (!base || !cookie) throw new Error('usage: node bench/map-frames.mjs BASE_URL NAME=VALUE');
const moves = Number(process.env.MOVES ?? 150);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 1000 } });
const [name, ...rest] = cookie.split('=');
await context.addCookies([{ name, value: rest.join('='), url: base }]);
const page = await context.newPage();
const opened = Date.now();
await page.goto(`${base}/portal/map`);
await page.waitForSelector('[data-testid="map"][data-ready="true"]', { timeout: 300_000 });
const ready = Date.now() - opened;
const map = page.getByTestId('map');
const attr = async (n) => (await map.getAttribute(n)) ?? '';
const shown = { nodes: Number(await attr('data-nodes')), edges: Number(await attr('data-edges')), layoutMs: Number(await attr('data-layout-ms')) };

const canvas = page.locator('[data-testid="map"] canvas');
await canvas.scrollIntoViewIfNeeded();
const box = await canvas.boundingBox();
// Let the first frames after the layout settle.
await page.waitForTimeout(500);
await page.evaluate(() => {
  const c = document.querySelector('[data-testid="map"] canvas');
  const w = window;
  w.__frames = [];
  w.__draws = [];
  w.__recording = true;
  new MutationObserver(() => w.__draws.push(Number(c.getAttribute('data-draw-ms')))).observe(c, {
    attributes: true,
    attributeFilter: ['data-draw-ms'],
  });
  let last = performance.now();
  const tick = (t) => {
    w.__frames.push(t - last);
    last = t;
    if (w.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});
// The corner is outside the fitted map's nodes: the press pans.
const x0 = box.x + 8;
const y0 = box.y + 8;
const panStart = Date.now();
await page.mouse.move(x0, y0);
await page.mouse.down();
for (let i = 1; i <= moves; i++) {
  const a = (i / moves) * 2 * Math.PI;
  await page.mouse.move(x0 + 250 * (1 - Math.cos(a)), y0 + 180 * Math.sin(a));
}
await page.mouse.up();
const panMs = Date.now() - panStart;
await page.waitForTimeout(300);
const { frames, draws } = await page.evaluate(() => {
  window.__recording = false;
  return { frames: window.__frames, draws: window.__draws };
});
const pan = await attr('data-pan');
// The page laid the map out once, cold; group it by zone, then by level
// again, to see the same layout's time once the code has run.
const relayouts = [];
for (const group of ['zone', 'level']) {
  const before = await attr('data-layout-ms');
  await page.getByTestId('map-group').selectOption(group);
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid="map"]')?.getAttribute('data-layout-ms') !== b,
    before,
    { timeout: 60_000 },
  );
  relayouts.push(`${group} ${Number(await attr('data-layout-ms')).toFixed(1)} ms`);
}
const version = browser.version();
await browser.close();

const stats = (values) => {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { count: v.length, median: at(0.5), p95: at(0.95), max: v[v.length - 1] };
};
const f = (n) => n.toFixed(1);
const d = stats(draws);
const fr = stats(frames);
console.log(`Chromium ${version}: /portal/map with ${shown.nodes} nodes and ${shown.edges} edges shown`);
console.log(`opened to laid out: ${ready} ms (layout in the page: ${f(shown.layoutMs)} ms)`);
console.log(`pan: ${moves} mouse moves in ${panMs} ms, ended at pan ${pan}`);
console.log(`frames drawn: ${d.count}; drawing time per frame: median ${f(d.median)} ms, p95 ${f(d.p95)} ms, max ${f(d.max)} ms`);
console.log(`animation frame intervals: ${fr.count}; median ${f(fr.median)} ms, p95 ${f(fr.p95)} ms, max ${f(fr.max)} ms`);
console.log(`laid out again: ${relayouts.join(', then ')}`);
if (d.count === 0) throw new Error('no frame was drawn while panning');
