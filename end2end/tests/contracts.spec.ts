import { test, expect } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

test('an operator admin records a contract and the customer sees its invoices', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto('/admin');
  await hydrated(page);
  // The section under the role check hydrates after the page marker; retry
  // the choice until its handler is attached.
  await expect(async () => {
    // Back to "choose" first: re-selecting the value a pre-hydration attempt
    // left in place would fire no change event.
    await page.getByTestId('contract-tenant').selectOption('');
    await page.getByTestId('contract-tenant').selectOption({ label: 'デモ製作所 (Demo Manufacturing)' });
    await expect(page.getByTestId('contract-recorded')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.getByTestId('field-sensors.0.count').fill('2');
  await page.getByTestId('field-sensors.0.opening').fill('2025-08-18');
  await page.getByTestId('field-sensors.0.removal').fill('2025-08-01');
  await expect(page.getByTestId('error-sensors.0.removal')).toBeVisible();
  await expect(page.getByTestId('contract-save')).toBeDisabled();
  await page.getByTestId('field-sensors.0.removal').fill('');
  await page.getByTestId('contract-save').click();
  await expect(page.getByTestId('contract-saved')).toBeVisible();
  await logOut(page);

  await logIn(page, 'customer-viewer');
  const response = await page.goto('/portal');
  expect(response?.status()).toBe(200);
  const statement = page.getByTestId('contract-statement');
  await expect(statement).toContainText('N1-02');
  // Opening Monday 2025-08-18 → install by Tuesday 2025-08-12 (08-11 is Mountain Day).
  await expect(page.getByTestId('contract-sensors')).toContainText('2025-08-12');
  // August: 2 × 350,000 + 2 × (90,000 × 14 / 31 → 40,645) = 781,290, tax 78,129.
  await expect(page.getByTestId('month-2025-08')).toContainText('¥859,419');
  await logOut(page);

  await logIn(page, 'other-admin');
  await page.goto('/portal');
  await expect(page.getByTestId('no-contract')).toBeVisible();
});
