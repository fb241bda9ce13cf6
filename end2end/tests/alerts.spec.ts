import { test, expect, Page } from '@playwright/test';
import path from 'node:path';
import { hydrated, logIn, logOut, uploadAndWaitAnalysed } from './helpers';

// The demo tenant holds the repo's test captures (the server runs with
// --demo-captures, which also sets the learning period to 0), so its alerts
// include the S7 block downloads of s7comm_downloading_block_db1.pcap.

test('a viewer lists alerts, filters them by type and reads one without triage forms', async ({ page }) => {
  await logIn(page, 'customer-viewer');
  await page.goto('/portal');
  await hydrated(page);
  await page.getByTestId('tab-alerts').click();
  await expect(page).toHaveURL(/\/portal\/alerts$/);
  await expect(page.getByTestId('alert-counts')).toBeVisible();
  const all = await page.getByTestId('alert-row').count();
  expect(all).toBeGreaterThan(0);

  const filters = page.getByTestId('alert-filters');
  await filters.locator('select[name="type"]').selectOption('program_download');
  await filters.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/type=program_download/);
  await hydrated(page);
  const rows = page.getByTestId('alert-row');
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) {
    await expect(row).toContainText('program_download');
  }

  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/portal\/alerts\/\d+$/);
  await expect(page.getByTestId('alert-title')).not.toBeEmpty();
  await expect(page.getByTestId('alert-why')).not.toBeEmpty();
  await expect(page.getByTestId('alert-check')).not.toBeEmpty();
  // The assets concerned are one click away.
  await expect(page.locator('a[href^="/portal/assets/"]').first()).toBeVisible();
  await expect(page.getByTestId('alert-set-state')).toHaveCount(0);
  await expect(page.getByTestId('alert-allow')).toHaveCount(0);
  await logOut(page);
});

test('a customer admin acknowledges an alert, allows its behaviour and revokes the allow', async ({ page }) => {
  await logIn(page, 'customer-admin');
  await page.goto('/portal/alerts?type=program_download');
  await hydrated(page);
  await page.getByTestId('alert-row').first().getByRole('link').click();
  await expect(page).toHaveURL(/\/portal\/alerts\/\d+$/);
  const address = page.url();

  // Acknowledged, with who and the note in the history.
  const setState = page.getByTestId('alert-set-state');
  await setState.locator('select[name="state"]').selectOption('acknowledged');
  await setState.locator('input[name="note"]').fill('seen by the e2e test');
  await setState.locator('button[type="submit"]').click();
  await expect(page.getByTestId('alert-action').filter({ hasText: 'seen by the e2e test' })).toContainText('customer-admin');
  expect(page.url().split('?')[0]).toBe(address);

  // Allowed for this connection: the allow is listed with a revoke button.
  const allow = page.getByTestId('alert-allow');
  await allow.locator('select[name="scope"]').selectOption('edge');
  await allow.locator('input[name="note"]').fill('planned maintenance');
  await allow.locator('button[type="submit"]').click();
  const allowRow = page.getByTestId('alert-allow-row').filter({ hasText: 'planned maintenance' });
  await expect(allowRow).toHaveCount(1);
  await expect(allowRow.locator('button')).toHaveCount(1);

  // Revoked: still listed, without the button.
  await allowRow.locator('button').click();
  await expect(page.getByTestId('alert-allow-row').filter({ hasText: 'planned maintenance' }).locator('button')).toHaveCount(0);
  await logOut(page);
});

test('a customer admin adds, pauses and deletes an alert receiver; a viewer has no export page', async ({ page }) => {
  await logIn(page, 'customer-admin');
  await page.goto('/portal/alerts');
  await hydrated(page);
  await page.getByTestId('alert-export-link').click();
  await expect(page).toHaveURL(/\/portal\/alert-export$/);
  const exportPage = page.getByTestId('alert-export-page');
  await expect(exportPage).toBeVisible();
  const receivers = page.getByTestId('export-receiver');
  const before = await receivers.count();

  // A wrong address is refused: nothing is added.
  const add = page.getByTestId('export-add');
  await add.locator('select[name="kind"]').selectOption('syslog_tcp');
  await add.locator('input[name="address"]').fill('siem-without-port');
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/portal/add_export_receiver')),
    add.locator('button[type="submit"]').click(),
  ]);
  await page.goto('/portal/alert-export');
  await hydrated(page);
  await expect(receivers).toHaveCount(before);

  // A webhook: listed active, with its signing key.
  await add.locator('select[name="kind"]').selectOption('webhook');
  await add.locator('input[name="address"]').fill('https://siem.example.jp/otlens');
  await add.locator('select[name="min_severity"]').selectOption('high');
  await add.locator('button[type="submit"]').click();
  await expect(receivers).toHaveCount(before + 1);
  const mine = receivers.filter({ hasText: 'https://siem.example.jp/otlens' });
  await expect(mine.getByTestId('export-state')).toHaveText(/^(Active|有効)$/);
  await mine.locator('summary').click();
  await expect(mine.getByTestId('export-secret')).toHaveText(/^[0-9a-f]{64}$/);

  // Paused, then deleted.
  await mine.locator('form[action$="/set_export_receiver"] button').click();
  await expect(mine.getByTestId('export-state')).toHaveText(/^(Paused|停止中)$/);
  await mine.getByTestId('export-delete').click();
  await expect(receivers).toHaveCount(before);
  await logOut(page);

  await logIn(page, 'customer-viewer');
  await page.goto('/portal/alerts');
  await hydrated(page);
  await expect(page.getByTestId('alert-export-link')).toHaveCount(0);
  await page.goto('/portal/alert-export');
  await expect(page.getByTestId('alert-export-page')).toHaveCount(0);
  await logOut(page);
});

// Another tenant than the demo's, so the counts are this test's alone.
test('the Alerts tab counts new alerts, and an allowed behaviour does not alert when it repeats', async ({ page }) => {
  // Two uploads, each waited for until analysed, and about ten pages.
  test.setTimeout(150_000);
  const download = path.join(__dirname, '../../traffic/testdata/pcaps/s7comm/s7comm_downloading_block_db1.pcap');
  await logIn(page, 'other-admin');
  await uploadAndWaitAnalysed(page, download);

  // The block download opened program_download and logic_change: counted
  // on the tab from any portal page.
  const badge = page.getByTestId('tab-alerts-new');
  await expect(badge).toHaveText(/^[1-9][0-9]*$/);
  const newAtFirst = Number(await badge.textContent());
  expect(newAtFirst).toBeGreaterThanOrEqual(2);

  await page.goto('/portal/alerts?type=program_download');
  await hydrated(page);
  const rows = page.getByTestId('alert-row');
  await expect(rows).toHaveCount(1);
  const downloads = await rows.first().getByTestId('alert-count').textContent();
  await page.goto('/portal/alerts?type=logic_change');
  await expect(rows).toHaveCount(1);
  const logicChanges = Number(await rows.first().getByTestId('alert-count').textContent());

  // Allowed for this connection: no longer new. The click waits for the
  // page to hydrate: a click while the router was being hydrated was seen
  // to be lost once (the URL stayed on the list).
  await page.goto('/portal/alerts?type=program_download');
  await hydrated(page);
  await rows.first().getByRole('link').click();
  await expect(page).toHaveURL(/\/portal\/alerts\/\d+$/);
  const allow = page.getByTestId('alert-allow');
  await allow.locator('select[name="scope"]').selectOption('edge');
  await allow.locator('input[name="note"]').fill('planned download, e2e');
  await allow.locator('button[type="submit"]').click();
  await expect(page.getByTestId('alert-allow-row').filter({ hasText: 'planned download, e2e' })).toHaveCount(1);
  await expect(badge).toHaveText(String(newAtFirst - 1));

  // The same download again: the allowed alert neither repeats nor opens
  // anew, while the logic change (not allowed) repeats — so the second
  // upload was analysed.
  await uploadAndWaitAnalysed(page, download);
  await page.goto('/portal/alerts?type=logic_change');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('alert-count')).not.toHaveText(String(logicChanges));
  await page.goto('/portal/alerts?type=program_download');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId('alert-count')).toHaveText(downloads ?? '');
  await expect(badge).toHaveText(String(newAtFirst - 1));
  await logOut(page);
});
