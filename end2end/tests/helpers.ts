import { expect, Page } from '@playwright/test';
import { DEMO_PASSWORD } from '../playwright.config';

/** Waits until the WASM bundle has hydrated the page, so clicks reach Rust handlers. */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20_000 });
}

export async function logIn(page: Page, username: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('who')).toBeVisible();
}

export async function logOut(page: Page) {
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('nav-login')).toBeVisible();
}
