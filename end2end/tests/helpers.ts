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

// Uploads a capture from the portal and waits until the analysis has read
// every stored batch (the sensor table's "pending" column is 0 everywhere).
export async function uploadAndWaitAnalysed(page: Page, capture: string) {
  await page.goto('/portal');
  await page.getByTestId('pcap-file').setInputFiles(capture);
  await page.getByTestId('pcap-submit').click();
  await expect(page.getByTestId('upload-done')).toBeVisible();
  await expect(async () => {
    await page.goto('/portal');
    const pending = page.getByTestId('analysis-pending');
    await expect(pending.first()).toBeVisible();
    const texts = await pending.allTextContents();
    expect(texts.every((t) => t.trim() === '0'), `pending: ${texts}`).toBe(true);
  }).toPass({ timeout: 60_000 });
}
