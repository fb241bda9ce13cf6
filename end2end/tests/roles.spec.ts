import { test, expect } from '@playwright/test';
import { hydrated, logIn, logOut } from './helpers';

const roles = [
  { user: 'admin', sees: ['nav-quotes', 'nav-admin'], hidden: ['nav-portal'], home: '/admin', refused: '/portal' },
  { user: 'sales', sees: ['nav-quotes'], hidden: ['nav-portal', 'nav-admin'], home: '/quotes', refused: '/admin' },
  { user: 'customer-admin', sees: ['nav-portal'], hidden: ['nav-quotes', 'nav-admin'], home: '/portal', refused: '/admin' },
  { user: 'customer-viewer', sees: ['nav-portal'], hidden: ['nav-quotes', 'nav-admin'], home: '/portal', refused: '/quotes' },
];

for (const role of roles) {
  test(`${role.user} sees the navigation of the role, is refused another role's page, and logs out`, async ({ page }) => {
    await logIn(page, role.user);
    for (const id of role.sees) await expect(page.getByTestId(id)).toBeVisible();
    for (const id of role.hidden) await expect(page.getByTestId(id)).toHaveCount(0);

    await page.getByTestId(role.sees[0]).click();
    await expect(page.getByTestId('forbidden')).toHaveCount(0);

    const refused = await page.goto(role.refused);
    expect(refused?.status()).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();

    const own = await page.goto(role.home);
    expect(own?.status()).toBe(200);
    await hydrated(page);
    await logOut(page);
    const after = await page.goto(role.home);
    expect(after?.status()).toBe(401);
  });
}

test('a wrong password shows the same message as an unknown user', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByTestId('username').fill('nobody');
  await page.getByTestId('password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  const unknown = await page.getByTestId('login-error').textContent();
  await page.getByTestId('username').fill('sales');
  await page.getByTestId('password').fill('not-the-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText(unknown ?? '');
});

test('a customer sees only the own tenant in the portal', async ({ page }) => {
  await logIn(page, 'customer-admin');
  await page.goto('/portal');
  await expect(page.getByTestId('tenant-name')).toContainText('Demo Manufacturing');
  await expect(page.locator('body')).not.toContainText('Other Plant Co.');
});

test('an operator admin creates a tenant in the UI', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto('/admin');
  await hydrated(page);
  await page.getByTestId('tenant-name-input').fill('九州工場 E2E');
  await page.getByTestId('create-tenant').click();
  await expect(page.getByTestId('tenants')).toContainText('九州工場 E2E');
});
