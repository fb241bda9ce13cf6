import { test, expect } from '@playwright/test';
import { hydrated, logIn } from './helpers';

test('Japanese by default, English by the switch, and the choice persists', async ({ page, context }) => {
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await hydrated(page);

  await page.getByTestId('lang-switch').click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // A reload is rendered on the server in English: the cookie persisted the choice.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'otlens_lang')?.value).toBe('en');

  await logIn(page, 'customer-viewer');
  await expect(page.getByTestId('nav-portal')).toHaveText('Portal');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('nav-portal')).toHaveText('ポータル');
});
