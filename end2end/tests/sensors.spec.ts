import { test, expect } from '@playwright/test';
import path from 'node:path';
import { hydrated, logIn, logOut } from './helpers';

test('an operator admin registers a sensor, sees its token once, rotates and revokes it', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto('/admin');
  await hydrated(page);
  const admin = page.getByTestId('sensor-admin');
  await expect(async () => {
    await admin.getByTestId('sensor-tenant').selectOption({ label: 'デモ製作所 (Demo Manufacturing)' });
    // A unique name per attempt: a click before hydration posts the form natively.
    await admin.getByTestId('sensor-name').fill(`Line 2 mirror port ${Date.now()}`);
    await admin.getByTestId('sensor-create').click();
    await expect(page.getByTestId('sensor-token-value')).toHaveText(/^otls_[0-9a-f]{64}$/, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  const token = await page.getByTestId('sensor-token-value').textContent();
  const id = (await page.getByTestId('sensor-public-id').textContent()) ?? '';
  const row = page.getByTestId(`sensor-${id}`);
  await expect(row).toContainText('稼働中');

  await row.getByTestId('sensor-rotate').click();
  await expect(page.getByTestId('sensor-token-value').last()).not.toHaveText(token ?? '');
  await row.getByTestId('sensor-revoke').click();
  await expect(page.getByTestId(`sensor-${id}`)).toContainText('失効');
  await page.reload();
  await expect(page.locator('body')).not.toContainText(token ?? 'never');
  await logOut(page);
});

test('a customer admin uploads a capture and sees it counted', async ({ page }) => {
  await logIn(page, 'customer-admin');
  await page.goto('/portal');
  await page.getByTestId('pcap-file').setInputFiles(
    path.join(__dirname, '../../traffic/testdata/pcaps/iec104/iec104_090813_diverse.pcap'),
  );
  await page.getByTestId('pcap-submit').click();
  await expect(page.getByTestId('upload-done')).toBeVisible();
  await expect(page.getByTestId('flow-records')).not.toHaveText('0');
  await expect(page.getByTestId('sensor-health')).toContainText('PCAP upload');
  await logOut(page);

  await logIn(page, 'customer-viewer');
  await page.goto('/portal');
  await expect(page.getByTestId('pcap-file')).toHaveCount(0);
});
