import { test, expect } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

// Zones of the demo tenant (the repo's captures: the S7 PLC sits in
// 192.168.1.0/24). The test defines one, uses it in the asset table and
// the map, and deletes it again, so later runs start from the sensors'
// zones.
const ZONE = 'Cell <b>S7</b>';

test('a customer admin defines a zone, the table filters by it, the map offers it, a viewer only reads', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'customer-admin');
  await page.goto('/portal');
  await hydrated(page);
  await page.getByTestId('tab-zones').click();
  await expect(page).toHaveURL(/\/portal\/zones$/);
  const zonesPage = page.getByTestId('zones-page');
  await expect(zonesPage).toBeVisible();
  await expect(page.locator('[data-testid="zone-row"][data-defined="false"]').first()).toBeVisible();
  // A zone left by an interrupted run goes first.
  const leftover = page.locator(`[data-testid="zone-row"][data-zone="${ZONE}"]`);
  if ((await leftover.count()) > 0) {
    await leftover.getByTestId('zone-delete').click();
    await expect(leftover).toHaveCount(0);
  }

  // A mistyped network: refused with the reason, the form still filled in.
  const add = page.getByTestId('zone-add');
  await add.getByTestId('zone-name').fill(ZONE);
  await add.getByTestId('zone-networks').fill('192.168.1.7/24');
  await add.getByTestId('zone-vlans').fill('');
  await add.getByTestId('zone-save').click();
  await expect(page.getByTestId('zone-error')).toContainText('host bits set');
  await expect(add.getByTestId('zone-name')).toHaveValue(ZONE);
  await expect(add.getByTestId('zone-networks')).toHaveValue('192.168.1.7/24');

  // Corrected: the zone is listed, as text, with the PLC's network's assets.
  await add.getByTestId('zone-networks').fill('192.168.1.0/24');
  await add.getByTestId('zone-save').click();
  const row = page.locator(`[data-testid="zone-row"][data-zone="${ZONE}"]`);
  await expect(row).toHaveAttribute('data-defined', 'true');
  await expect(page.getByTestId('zone-error')).toHaveCount(0);
  await expect(row.getByTestId('zone-assets-link')).toHaveText(ZONE);
  await expect(zonesPage.locator('b')).toHaveCount(0);
  const count = Number((await row.getByTestId('zone-assets').textContent())?.replace(/,/g, ''));
  expect(count).toBeGreaterThan(0);

  // Its link opens the asset table filtered by it: the PLC is there.
  await row.getByTestId('zone-assets-link').click();
  await expect(page).toHaveURL(/\/portal\/assets\?zone=/);
  await expect(page.getByTestId('asset-table')).toBeVisible();
  expect(Number(await page.getByTestId('asset-total').getAttribute('data-total'))).toBe(count);
  await expect(page.getByTestId('asset-row').filter({ hasText: '192.168.1.40' }).first()).toBeVisible();

  // The map offers it as a zone to filter by.
  await page.goto('/portal/map');
  await hydrated(page);
  await expect(page.getByTestId('map')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('map-zone').locator('option', { hasText: ZONE })).toHaveCount(1);
  await logOut(page);

  // A viewer reads the zones but gets no forms.
  await logIn(page, 'customer-viewer');
  await page.goto('/portal/zones');
  await hydrated(page);
  await expect(page.locator(`[data-testid="zone-row"][data-zone="${ZONE}"]`)).toBeVisible();
  await expect(page.getByTestId('zone-form')).toHaveCount(0);
  await expect(page.getByTestId('zone-delete')).toHaveCount(0);
  await logOut(page);

  // Deleted: its assets are back in their sensor's zone.
  await logIn(page, 'customer-admin');
  await page.goto('/portal/zones');
  await hydrated(page);
  await row.getByTestId('zone-delete').click();
  await expect(page.locator(`[data-testid="zone-row"][data-zone="${ZONE}"]`)).toHaveCount(0);
  await expect(page.locator('[data-testid="zone-row"]').first()).toBeVisible();
  await logOut(page);
});
