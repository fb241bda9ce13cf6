import { test, expect, Page } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// The quote simulator on a common laptop, a desktop and a tablet: every input
// wide enough to read what was chosen, labels on one line, nothing under
// anything else, and no sideways scrolling of the page.
const SCREENS = [
  { name: 'laptop', width: 1366, height: 900 },
  { name: 'desktop', width: 1920, height: 1080 },
  { name: 'tablet', width: 768, height: 1024 },
];

/** How many lines the text of each matched element takes. */
async function lineCounts(page: Page, selector: string) {
  return page.locator(selector).evaluateAll((cells) =>
    cells
      .filter((c) => (c.textContent ?? '').trim() !== '')
      .map((c) => {
        const range = document.createRange();
        range.selectNodeContents(c);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return { text: (c.textContent ?? '').trim(), lines: tops.size };
      }),
  );
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

for (const screen of SCREENS) {
  test(`the simulator lays out on a ${screen.name} (${screen.width}×${screen.height})`, async ({ page }) => {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await logIn(page, 'sales');
    await page.goto('/quotes');
    await hydrated(page);

    for (const field of ['field-sensors.0.sensor_type', 'field-sensors.0.count', 'field-sensors.0.opening']) {
      const box = await page.getByTestId(field).boundingBox();
      expect(box, field).not.toBeNull();
      expect(box!.width, `${field} width`).toBeGreaterThanOrEqual(64);
    }

    // The chosen sensor type reads in full: its text fits the select.
    const typeFits = await page.getByTestId('field-sensors.0.sensor_type').evaluate((el) => {
      const select = el as HTMLSelectElement;
      const style = getComputedStyle(select);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = select.selectedOptions[0]?.text ?? '';
      // Padding and the drop-down arrow take about 2.5em.
      const room = select.clientWidth - 2.5 * parseFloat(style.fontSize);
      return { text, needed: Math.ceil(context.measureText(text).width), room: Math.floor(room) };
    });
    expect(typeFits.needed, `"${typeFits.text}" fits its select`).toBeLessThanOrEqual(typeFits.room);

    for (const cell of [
      ...(await lineCounts(page, '[data-testid="quote-editor"] th')),
      ...(await lineCounts(page, '[data-testid="quote-editor"] legend')),
      ...(await lineCounts(page, '[data-testid="monthly-table"] thead th')),
    ]) {
      // A short label on one line; a long one may take a second line per
      // ten characters, never one line per character.
      const allowed = Math.max(1, Math.ceil([...cell.text].length / 10));
      expect(cell.lines, `"${cell.text}" in at most ${allowed} line(s)`).toBeLessThanOrEqual(allowed);
    }

    const editor = (await page.getByTestId('quote-editor').boundingBox())!;
    const summary = (await page.getByTestId('quote-summary').boundingBox())!;
    expect(overlaps(editor, summary), 'the form runs under the summary').toBe(false);

    const sizes = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
    }));
    expect(sizes.scrollWidth, 'no sideways scrolling').toBeLessThanOrEqual(screen.width);
    await page.screenshot({ path: `test-results/simulator-${screen.name}.png`, fullPage: true });
  });
}
