import { test, expect, Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hydrated, logIn, logOut, uploadAndWaitAnalysed } from './helpers';

// The communication map of the demo tenant (the repo's captures, fed at the
// server's first start; playwright.config.ts). The canvas itself is pixels:
// the test reads what it shows from the wrapper's data attributes
// (app/src/routes/map/mod.rs lists them) and clicks where
// `data-first-node-xy` says a node is drawn.

/** The asset page's path as the map links it: RFC 3986 unreserved bytes kept. */
function assetHref(id: string) {
  return '/portal/assets/' + encodeURIComponent(id).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

// Tall enough for the whole canvas below the filters: the wheel and the
// drags must land on it.
test.use({ viewport: { width: 1366, height: 1000 } });

async function attr(page: Page, name: string) {
  return (await page.getByTestId('map').getAttribute(name)) ?? '';
}

test('a customer pans, zooms, filters the map and opens an asset from it', async ({ page }) => {
  test.setTimeout(150_000);
  await logIn(page, 'customer-viewer');
  await page.goto('/portal');
  await hydrated(page);
  await page.getByTestId('tab-map').click();
  await expect(page).toHaveURL(/\/portal\/map$/);

  // The analysis job fills the inventory in the background after start:
  // reload until the map has the demo's assets.
  await expect
    .poll(
      async () => {
        await page.goto('/portal/map');
        await hydrated(page);
        await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
        return Number(await attr(page, 'data-nodes'));
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBeGreaterThan(10);
  // The data came gzipped; a reload asks again with the copy's ETag and,
  // the inventory unchanged, downloads only the headers of a 304 (polled:
  // the demo's analysis may still be adding to it).
  await expect
    .poll(
      async () => {
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/portal/map.json')),
          page.reload(),
        ]);
        await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
        const timing = await page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .filter((e) => e.name.endsWith('/portal/map.json'))
            .map((e) => {
              const r = e as PerformanceResourceTiming;
              return { transfer: r.transferSize, body: r.encodedBodySize };
            }),
        );
        const headers = await response.allHeaders();
        return { revalidated: timing.length === 1 && timing[0].transfer < timing[0].body, etag: Boolean(headers['etag']) };
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toEqual({ revalidated: true, etag: true });
  const data = await page.request.get('/portal/map.json', { headers: { 'accept-encoding': 'gzip' } });
  expect(data.headers()['content-encoding']).toBe('gzip');
  expect(Number((await data.json()).nodes.length)).toBeGreaterThan(10);
  const all = Number(await attr(page, 'data-nodes'));
  // Reported, not asserted (a timing depends on the machine's load).
  console.log(`map: ${all} assets, ${await attr(page, 'data-edges')} edges, laid out in ${await attr(page, 'data-layout-ms')} ms`);
  const canvas = page.locator('[data-testid="map"] canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;

  // The wheel zooms in around the cursor.
  const zoom = Number(await attr(page, 'data-zoom'));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeGreaterThan(zoom);
  // The buttons zoom out.
  const zoomed = Number(await attr(page, 'data-zoom'));
  await page.getByTestId('map-zoom-out').click();
  await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeLessThan(zoomed);

  // Dragging the background pans (the corner is outside the fitted map).
  await page.getByTestId('map-fit').click();
  const pan = await attr(page, 'data-pan');
  await page.mouse.move(box.x + 4, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 80, { steps: 6 });
  await page.mouse.up();
  await expect.poll(() => attr(page, 'data-pan')).not.toBe(pan);
  const [x0, y0] = pan.split(',').map(Number);
  const [x1, y1] = (await attr(page, 'data-pan')).split(',').map(Number);
  expect(Math.round(x1 - x0)).toBe(116);
  expect(Math.round(y1 - y0)).toBe(76);
  await page.getByTestId('map-fit').click();

  // One protocol shows fewer assets, and some.
  const protocols = await page.getByTestId('map-protocol').locator('option').evaluateAll((os) =>
    os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''),
  );
  expect(protocols.length).toBeGreaterThan(1);
  await page.getByTestId('map-protocol').selectOption(protocols[0]);
  await expect.poll(async () => Number(await attr(page, 'data-nodes'))).toBeLessThan(all);
  expect(Number(await attr(page, 'data-nodes'))).toBeGreaterThan(0);

  // Clicking a node selects it; the panel links to its asset page.
  await expect.poll(() => attr(page, 'data-first-node-xy')).not.toBe('');
  const [x, y] = (await attr(page, 'data-first-node-xy')).split(',').map(Number);
  await canvas.click({ position: { x, y } });
  await expect.poll(() => attr(page, 'data-selected')).not.toBe('');
  const id = await attr(page, 'data-selected');
  await expect(page.getByTestId('map-panel')).toBeVisible();
  await expect(page.getByTestId('map-panel')).toContainText(id);
  await expect(page.getByTestId('map-asset-link')).toHaveAttribute('href', assetHref(id));

  // Clicking the empty background clears the selection.
  await canvas.click({ position: { x: 3, y: 3 } });
  await expect.poll(() => attr(page, 'data-selected')).toBe('');
  await expect(page.getByTestId('map-panel')).toHaveCount(0);

  // Grouping by zone lays the map out again.
  await page.getByTestId('map-group').selectOption('zone');
  await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
  await expect.poll(() => attr(page, 'data-first-node-xy')).not.toBe('');

  // The panel's own button closes it.
  const [x2, y2] = (await attr(page, 'data-first-node-xy')).split(',').map(Number);
  await canvas.click({ position: { x: x2, y: y2 } });
  await expect(page.getByTestId('map-panel')).toBeVisible();
  await page.getByTestId('map-panel').getByRole('button').click();
  await expect(page.getByTestId('map-panel')).toHaveCount(0);
  await expect.poll(() => attr(page, 'data-selected')).toBe('');

  // In the other language the page's words change and the map, drawn
  // anew with every asset, still answers.
  const legend = page.getByTestId('map-legend').locator('h2');
  const before = (await legend.textContent()) ?? '';
  await page.getByTestId('lang-switch').click();
  await expect(legend).not.toHaveText(before);
  await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
  await expect.poll(async () => Number(await attr(page, 'data-nodes'))).toBe(all);
  const zoomNow = Number(await attr(page, 'data-zoom'));
  await page.getByTestId('map-zoom-in').click();
  await expect.poll(async () => Number(await attr(page, 'data-zoom'))).toBeGreaterThan(zoomNow);
});

// A station name is whatever the device (or an attacker) puts on the wire.
const HOSTILE_NAME = '<img src=x onerror="window.__otlensPwned=1">';
const STATION = [0x02, 0, 0, 0, 0, 0x01];
const TOOL = [0x02, 0, 0, 0, 0, 0x02];

/** A classic pcap (Ethernet) of `frames`, one a millisecond. */
function pcapOf(frames: number[][]): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  parts.push(header);
  frames.forEach((f, i) => {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000, 0);
    record.writeUInt32LE(i * 1000, 4);
    record.writeUInt32LE(f.length, 8);
    record.writeUInt32LE(f.length, 12);
    parts.push(record, Buffer.from(f));
  });
  return Buffer.concat(parts);
}

/** An Ethernet frame of PROFINET DCP (EtherType 0x8892), padded to 60 bytes. */
function dcpFrame(dst: number[], src: number[], dcp: number[]): number[] {
  const f = [...dst, ...src, 0x88, 0x92, ...dcp];
  while (f.length < 60) f.push(0);
  return f;
}

/**
 * An engineering tool asks every PROFINET station to identify itself; one
 * answers with HOSTILE_NAME as its NameOfStation (IEC 61158-6-10 DCP:
 * FrameID, ServiceID 5 identify, ServiceType, Xid, then blocks).
 */
function hostileStationCapture(): Buffer {
  const request = [0xfe, 0xfe, 0x05, 0x00, 0, 0, 0, 1, 0x00, 0x01, 0x00, 0x04, 0xff, 0xff, 0x00, 0x00];
  const name = [...Buffer.from(HOSTILE_NAME, 'latin1')];
  const block = [0x02, 0x02, 0x00, name.length + 2, 0x00, 0x00, ...name];
  if (block.length % 2) block.push(0);
  const response = [0xfe, 0xff, 0x05, 0x01, 0, 0, 0, 1, 0x00, 0x00, 0x00, block.length, ...block];
  return pcapOf([
    dcpFrame([0x01, 0x0e, 0xcf, 0, 0, 0], TOOL, request),
    dcpFrame(TOOL, STATION, response),
  ]);
}

// Another tenant than the demo's, so its map holds this test's stations.
test('a hostile station name on the map and the asset page is shown as text, never run', async ({ page }) => {
  test.setTimeout(150_000);
  const capture = path.join(os.tmpdir(), `otlens-hostile-dcp-${process.pid}.pcap`);
  fs.writeFileSync(capture, hostileStationCapture());
  await logIn(page, 'other-admin');
  await uploadAndWaitAnalysed(page, capture);
  fs.rmSync(capture, { force: true });

  await page.goto('/portal/map');
  await hydrated(page);
  await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('map-protocol').selectOption('profinet_dcp');
  // The station (mac:02:…:01) sorts before the tool (…:02): it is the first node.
  await expect.poll(async () => Number(await attr(page, 'data-nodes'))).toBe(2);
  await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
  await expect.poll(() => attr(page, 'data-first-node-xy')).not.toBe('');
  const canvas = page.locator('[data-testid="map"] canvas');
  await canvas.scrollIntoViewIfNeeded();
  const [x, y] = (await attr(page, 'data-first-node-xy')).split(',').map(Number);
  await canvas.click({ position: { x, y } });
  const station = 'mac:02:00:00:00:00:01';
  await expect.poll(() => attr(page, 'data-selected')).toBe(station);
  const panel = page.getByTestId('map-panel');
  await expect(panel.locator('h2')).toHaveText(HOSTILE_NAME);
  await expect(panel.locator('img')).toHaveCount(0);

  // Its asset page, from the panel's link.
  await page.getByTestId('map-asset-link').click();
  await page.waitForURL((url) => url.pathname === assetHref(station));
  await expect(page.getByTestId('asset-facts')).toContainText(HOSTILE_NAME);
  await expect(page.getByTestId('asset-facts').locator('img')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __otlensPwned?: number }).__otlensPwned)).toBeUndefined();
  await logOut(page);
});

test('the map is refused to a role outside the portal', async ({ page }) => {
  await logIn(page, 'sales');
  const response = await page.goto('/portal/map');
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
});
