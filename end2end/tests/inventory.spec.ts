import { test, expect, Page } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

// The demo tenant holds the repo's test captures (the server runs with
// --demo-captures), so its inventory has the S7 PLC at 192.168.1.40.
const PLC_IP = '192.168.1.40';

async function rowsRoles(page: Page) {
  return page.getByTestId('asset-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-role')));
}

test('the dashboard counts the inventory and leads to the asset table', async ({ page }) => {
  await logIn(page, 'customer-viewer');
  await page.goto('/portal');
  await hydrated(page);
  const inventory = page.getByTestId('dashboard-inventory');
  await expect(inventory).toBeVisible();
  expect(Number((await page.getByTestId('asset-count').textContent())?.replace(/,/g, ''))).toBeGreaterThan(10);
  await expect(page.getByTestId('count-role').filter({ hasText: /PLC/ })).toHaveCount(1);
  await expect(page.getByTestId('dashboard-protocols').locator('[data-protocol="s7comm"]')).toHaveCount(1);
  await expect(page.getByTestId('dashboard-traffic').locator('svg rect').first()).toBeAttached();

  await page.getByTestId('tab-assets').click();
  await expect(page).toHaveURL(/\/portal\/assets$/);
  await expect(page.getByTestId('asset-table')).toBeVisible();
  await logOut(page);
});

test('the asset table filters, searches, sorts, pages and exports', async ({ page }) => {
  await logIn(page, 'customer-viewer');
  await page.goto('/portal/assets');
  await hydrated(page);
  const total = Number(await page.getByTestId('asset-total').getAttribute('data-total'));
  expect(total).toBeGreaterThan(50);
  await expect(page.getByTestId('asset-row')).toHaveCount(50);

  // Pages.
  await page.getByTestId('page-next').click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('page-prev')).toBeVisible();

  // Filter by role: every row is a controller, fewer than all.
  await page.goto('/portal/assets');
  await hydrated(page);
  await page.getByTestId('filter-role').selectOption('controller');
  await page.getByTestId('filter-submit').click();
  await expect(page).toHaveURL(/role=controller/);
  await expect(page.getByTestId('asset-row').first()).toBeVisible();
  const roles = await rowsRoles(page);
  expect(roles.length).toBeGreaterThan(0);
  expect(new Set(roles)).toEqual(new Set(['controller']));
  expect(Number(await page.getByTestId('asset-total').getAttribute('data-total'))).toBeLessThan(total);

  // Sort by last seen, then the other way round.
  await page.getByTestId('sort-last_seen').click();
  await expect(page).toHaveURL(/sort=last_seen/);
  await expect(page.locator('th[aria-sort="ascending"]')).toHaveCount(1);
  await page.getByTestId('sort-last_seen').click();
  await expect(page).toHaveURL(/desc=1/);
  await expect(page.locator('th[aria-sort="descending"]')).toHaveCount(1);

  // Search by address keeps the filter and finds the S7 PLC.
  await page.getByTestId('filter-search').fill(PLC_IP);
  await page.getByTestId('filter-submit').click();
  await expect(page).toHaveURL(/q=192\.168\.1\.40/);
  await expect(page.getByTestId('asset-row')).toHaveCount(1);
  await expect(page.getByTestId('asset-row')).toContainText(PLC_IP);

  // The CSV has the same filter: a byte order mark, a header, one asset.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('asset-csv').click(),
  ]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const csv = Buffer.concat(chunks).toString('utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(PLC_IP);

  // A filter that makes no sense is said so, not an error page.
  await page.goto('/portal/assets?level=9');
  await expect(page.getByTestId('asset-filter-error')).toBeVisible();
  await logOut(page);
});

test('an asset page shows identity, evidence and peers; a customer admin corrects its role', async ({ page }) => {
  await logIn(page, 'customer-admin');
  await page.goto(`/portal/assets?q=${PLC_IP}`);
  await hydrated(page);
  await page.getByTestId('asset-row').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/portal\/assets\/.+/);
  await expect(page.getByTestId('asset-identity')).toContainText(PLC_IP);
  await expect(page.getByTestId('asset-role')).toHaveAttribute('data-role', 'controller');
  await expect(page.getByTestId('asset-evidence').locator('li').first()).toBeVisible();
  await expect(page.getByTestId('asset-peer').first()).toContainText('s7comm');
  await expect(page.getByTestId('asset-timeline').locator('li').first()).toBeVisible();
  const address = page.url();

  // The correction holds and says who made it; blank gives it back.
  await page.getByTestId('decide-role').selectOption('historian');
  await page.getByTestId('decide-save').click();
  await expect(page.getByTestId('asset-role')).toHaveAttribute('data-role', 'historian');
  await expect(page.getByTestId('asset-decision')).toContainText('customer-admin');
  expect(page.url().split('?')[0]).toBe(address.split('?')[0]);
  await page.getByTestId('decide-role').selectOption('');
  await page.getByTestId('decide-save').click();
  await expect(page.getByTestId('asset-role')).toHaveAttribute('data-role', 'controller');
  await logOut(page);

  // A viewer reads the page without the form.
  await logIn(page, 'customer-viewer');
  await page.goto(address);
  await expect(page.getByTestId('asset-identity')).toBeVisible();
  await expect(page.getByTestId('asset-decide')).toHaveCount(0);
  await logOut(page);
});
