// Bytes on the wire and time to interactive for a first and a repeat visit
// of the login page, the portal and the quote simulator, in Debian's
// Chromium. "Bytes" are what the network carried (encoded: compressed
// bodies plus headers), summed over every request of the visit, from the
// DevTools protocol. "Interactive" is navigation start to the WASM having
// hydrated the page (body[data-hydrated]). A repeat visit reloads in the
// same browser context, with its cache. "Code, gzip" is the WASM and JS
// the first visit loaded, each compressed with gzip -9 (the budget of 400 KB
// is stated in gzip). THROTTLE_MBPS (with 40 ms latency) slows the network
// for the time-to-interactive figures. Run through scripts/bench-pages.sh.
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const base = process.env.OTLENS_BENCH_URL ?? 'http://127.0.0.1:3198';
const password = process.env.OTLENS_BENCH_PASSWORD ?? 'bench-pages-password';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

const throttleMbps = Number(process.env.THROTTLE_MBPS ?? 0);

async function visit(page, cdp, url) {
  let bytes = 0;
  let requests = 0;
  const code = new Set();
  const done = (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  };
  const response = (e) => {
    if (/\/pkg\/.*\.(wasm|js)$/.test(new URL(e.response.url).pathname)) code.add(e.response.url);
  };
  cdp.on('Network.loadingFinished', done);
  cdp.on('Network.responseReceived', response);
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 60_000 });
  const interactive = Date.now() - started;
  await page.waitForLoadState('networkidle');
  cdp.off('Network.loadingFinished', done);
  cdp.off('Network.responseReceived', response);
  return { bytes, requests, interactive, code: [...code] };
}

/** The gzip -9 size of each file, fetched again outside the page. */
async function gzipBytes(context, urls) {
  let total = 0;
  for (const url of urls) {
    const body = await (await context.request.get(url)).body();
    total += gzipSync(body, { level: 9 }).length;
  }
  return total;
}

const rows = [];
for (const [name, path, user] of [
  ['login', '/login', null],
  ['portal', '/portal', 'customer-viewer'],
  ['simulator', '/quotes', 'sales'],
]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (user) {
    // Sign in through the API, so the visit below starts with a cold cache.
    const r = await context.request.post(`${base}/api/login`, {
      form: { username: user, password },
      headers: { Origin: base },
    });
    if (!r.ok()) throw new Error(`login as ${user}: ${r.status()}`);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (throttleMbps > 0) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 40,
      downloadThroughput: (throttleMbps * 1e6) / 8,
      uploadThroughput: (throttleMbps * 1e6) / 8,
    });
  }
  const first = await visit(page, cdp, `${base}${path}`);
  const repeat = await visit(page, cdp, `${base}${path}`);
  const code = await gzipBytes(context, first.code);
  rows.push({ page: name, first, repeat, code, files: first.code.length });
  await context.close();
}
await browser.close();

const kb = (b) => (b / 1000).toFixed(1);
console.log(`network: ${throttleMbps > 0 ? `${throttleMbps} Mbit/s, 40 ms latency` : 'loopback, unthrottled'}`);
console.log('| page | first visit | repeat visit | code, gzip | interactive, first | interactive, repeat |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.page} | ${kb(r.first.bytes)} KB (${r.first.requests} requests) | ${kb(r.repeat.bytes)} KB (${r.repeat.requests} requests) | ${kb(r.code)} KB (${r.files} files) | ${r.first.interactive} ms | ${r.repeat.interactive} ms |`,
  );
}
