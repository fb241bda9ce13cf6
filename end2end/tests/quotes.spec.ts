import { test, expect, Page } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// One Type N sensor opened 2025-08-15, quoted on 2025-08-01 for 12 months:
// August 350,000 + 90,000 × 17 / 31 → 49,354, tax 39,935 → 439,289;
// September–July 11 × (90,000 + 9,000) = 1,089,000; total 1,528,289.
const TOTAL = '¥1,528,289';

/** The saved-quote list hydrates after the page; a quote saved or opened before that would race it. */
async function savedListReady(page: Page) {
  await expect(page.getByTestId('saved-quotes')).toHaveAttribute('data-ready', 'true', { timeout: 15_000 });
}

async function fillOneSensorContract(page: Page, prospect: string) {
  await page.getByTestId('field-prospect').fill(prospect);
  await page.getByTestId('field-quote_date').fill('2025-08-01');
  await page.getByTestId('field-horizon_months').fill('12');
  await page.getByTestId('field-sensors.0.count').fill('1');
  await page.getByTestId('field-sensors.0.opening').fill('2025-08-15');
  await expect(page.getByTestId('total-total')).toHaveText(TOTAL);
}

test('the simulator recomputes every change in the browser without a single request', async ({ page }) => {
  await logIn(page, 'sales');
  await page.goto('/quotes');
  await hydrated(page);
  await expect(page.getByTestId('total-total')).toHaveText(/¥/);

  const requests: string[] = [];
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));

  await fillOneSensorContract(page, '株式会社サンプル製作所');
  const august = page.getByTestId('month-2025-08');
  await expect(august).toContainText('¥439,289');
  await expect(august).toContainText('日割');
  await expect(page.getByTestId('deadlines')).toContainText('2025-08-08');
  // Every total explains itself on hover.
  await expect(page.locator('.figure.total')).toHaveAttribute('title', '¥1,389,354 + ¥138,935 = ¥1,528,289');

  // Tapping a month shows its lines and how each was computed.
  await august.click();
  await expect(page.getByTestId('invoice-lines')).toContainText('90,000 × 17 / 31 = 49,354.83 → 49,354');
  await expect(page.getByTestId('invoice-lines')).toContainText('料金表 通則');

  // Bad input gets a message next to its field, and the quote waits for a fix.
  await page.getByTestId('field-sensors.0.removal').fill('2025-08-01');
  await expect(page.getByTestId('error-sensors.0.removal')).toContainText('開通日');
  await expect(page.getByTestId('quote-invalid')).toBeVisible();
  await page.getByTestId('field-sensors.0.removal').fill('');
  await page.getByTestId('field-sensors.0.count').fill('0');
  await expect(page.getByTestId('error-sensors.0.count')).toContainText('1 から 1000');
  await page.getByTestId('field-sensors.0.count').fill('1');
  await page.getByTestId('field-sensors.0.opening').fill('2101-01-01');
  await expect(page.getByTestId('error-sensors.0.opening')).toContainText('2100-12-31');
  await page.getByTestId('field-sensors.0.opening').fill('2025-08-15');
  await expect(page.getByTestId('total-total')).toHaveText(TOTAL);

  // An addition later in the term, and an ancillary item.
  await page.getByTestId('sensor-add').click();
  await page.getByTestId('field-sensors.1.opening').fill('2025-10-10');
  await expect(page.getByTestId('month-2025-10')).toContainText('日割');
  await page.getByTestId('ancillary-add').click();
  // 2 × 350,000 + the one-time installation support example (200,000).
  await expect(page.getByTestId('total-initial')).toHaveText('¥900,000');

  // What-if cancellation and a damage scenario.
  await page.getByTestId('field-cancellation.enabled').check();
  await page.getByTestId('field-cancellation.date').fill('2026-03-31');
  await expect(page.getByTestId('month-2026-03')).toBeVisible();
  await expect(page.getByTestId('month-2026-04')).toHaveCount(0);
  await page.getByTestId('field-damage.enabled').check();
  await page.getByTestId('field-damage.date').fill('2025-08-20');
  await expect(page.getByTestId('liability-amount')).toHaveText('¥49,354');

  // Old terms against new for the same contract.
  await page.getByTestId('terms-compare-toggle').click();
  await expect(page.getByTestId('terms-Original')).toContainText('¥90,000');
  await expect(page.getByTestId('terms-Revised2025')).toContainText('¥49,354');

  // A second scenario, compared side by side.
  await page.getByTestId('scenario-add').click();
  await expect(page.getByTestId('scenario-tab-1')).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('field-sensors.0.count').fill('2');
  await expect(page.getByTestId('scenario-comparison')).toContainText('+¥');
  await page.getByTestId('scenario-tab-0').click();
  await expect(page.getByTestId('field-sensors.0.count')).toHaveValue('1');

  expect(requests).toEqual([]);
});

test('a saved quote is verified, listed, exported, printed as a 見積書 and reopened', async ({ page }) => {
  await logIn(page, 'sales');
  await page.goto('/quotes');
  await hydrated(page);
  await savedListReady(page);
  await fillOneSensorContract(page, '株式会社印刷テスト');

  const csv = page.getByTestId('csv-download');
  await expect(csv).toHaveAttribute('download', /\.csv$/);
  const href = (await csv.getAttribute('href')) ?? '';
  const text = decodeURIComponent(href.slice(href.indexOf(',') + 1));
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines).toHaveLength(13);
  expect(lines[0]).toContain('料金月');
  expect(lines[1]).toBe('2025-08,日割,改定規約,350000,49354,0,399354,39935,439289,439289');

  await page.getByTestId('quote-save').click();
  const saved = page.getByTestId('saved-as');
  await expect(saved).toContainText('Q-');
  const number = ((await saved.locator('strong').textContent()) ?? '').trim();
  const printHref = (await page.getByTestId('print-link').getAttribute('href')) ?? '';
  // Listed at once in the page, and by the server after a reload.
  await expect(page.getByTestId(`saved-${number}`)).toContainText('¥1,528,289');
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId(`saved-${number}`)).toContainText('¥1,528,289');

  const response = await page.goto(printHref);
  expect(response?.status()).toBe(200);
  await expect(page.getByTestId('sheet-number')).toHaveText(number);
  await expect(page.getByTestId('sheet-total')).toHaveText(TOTAL);
  await expect(page.getByTestId('sheet-prospect')).toContainText('株式会社印刷テスト 御中');
  await expect(page.getByTestId('sheet-tax')).toHaveText('¥138,935');
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.topbar')).toBeHidden();
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await page.screenshot({ path: 'test-results/quote-sheet-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  await page.goto('/quotes');
  await hydrated(page);
  await savedListReady(page);
  await page.getByTestId(`saved-${number}`).getByTestId('saved-open').click();
  // Opening fetches the quote from the server and recomputes it in the browser.
  await expect(page.getByTestId('field-prospect')).toHaveValue('株式会社印刷テスト', { timeout: 15_000 });
  await expect(page.getByTestId('total-total')).toHaveText(TOTAL);
  await page.getByTestId(`saved-${number}`).getByTestId('saved-duplicate').click();
  await expect(page.getByTestId('scenario-tab-1')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('field-prospect')).toHaveValue('株式会社印刷テスト');
  await expect(page.getByTestId('total-total')).toHaveText(TOTAL);
});

test('the server refuses to save figures it did not compute', async ({ page }) => {
  await logIn(page, 'sales');
  const response = await page.request.post('/api/quotes/save', {
    data: {
      form: {
        prospect: 'Tampered', quote_date: '2025-08-01', horizon_months: '12',
        sensors: [{ sensor_type: 'N', count: '1', opening: '2025-08-15', removal: '' }],
      },
      figures: { subtotal: 1, tax: 0, total: 1, months: [] },
    },
  });
  expect(response.status()).toBe(400);
  expect(await response.text()).toContain('differ from the server');
});

test('the simulator speaks English too', async ({ page, context }) => {
  await context.addCookies([{ name: 'otlens_lang', value: 'en', url: 'http://127.0.0.1' }]);
  await logIn(page, 'sales');
  await page.goto('/quotes');
  await hydrated(page);
  await fillOneSensorContract(page, 'Example Corp');
  await expect(page.getByTestId('month-2025-08')).toContainText('prorated');
  await page.getByTestId('field-sensors.0.count').fill('');
  await expect(page.getByTestId('error-sensors.0.count')).toHaveText('Required.');
});

