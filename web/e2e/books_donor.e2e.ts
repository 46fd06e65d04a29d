// The finance officer's books (home, funds, a receipt, donors, a manual entry and its
// reversal, the trial balance) and the donor's screens (home, the report on screen, the
// PDF download), and what a donor may not open.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatAmount, fromMinor, toMinor } from '../src/lib/money';
import { axe, describeViolations, newPage, shoot, signIn, startDemo, type Demo } from './harness';

const here = dirname(fileURLToPath(import.meta.url));
let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.stop();
});

async function axeClean(page: Page): Promise<void> {
  const violations = await axe(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** The amount in "KES 1,612,327.00" as the API's decimal string. */
function amountOf(text: string): string {
  return (/^KES ([\d,]+\.\d\d)$/.exec(text.trim())?.[1] ?? 'none').replace(/,/g, '');
}

describe('finance: the books', () => {
  test('home, funds, and a receipt that changes the fund’s cash', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance');
    const haart = page.getByRole('row', { name: /HAART-KES-2026/ });
    await expect.poll(() => haart.count()).toBe(1);
    const late = page.getByRole('link', { name: /days late/ }).first();
    await expect
      .poll(() => late.getAttribute('href'))
      .toBe('/awards?min_days_late=1&sort=days_late');
    await axeClean(page);
    await shoot(page, 'finance-home');

    await page.getByRole('link', { name: 'Funds', exact: true }).first().click();
    await page.waitForURL('**/funds');
    await expect.poll(() => page.getByRole('link', { name: 'HAART-KES-2026' }).count()).toBe(1);
    await axeClean(page);
    await shoot(page, 'funds');

    await page.getByRole('link', { name: 'HAART-KES-2026' }).click();
    await page.waitForURL('**/funds/HAART-KES-2026');
    const cash = page.locator('#fund-cash');
    await expect.poll(() => cash.textContent()).toMatch(/^KES [\d,]+\.\d\d$/);
    const before = amountOf((await cash.textContent()) ?? '');
    const expected = formatAmount(fromMinor(toMinor(before, 'KES') + 250050n, 'KES'), 'KES');

    await page.getByLabel('Amount').fill('2,500.5');
    await page.getByLabel('Received by').selectOption('mpesa');
    await page.getByLabel('Reference', { exact: true }).fill('E2E-MP-0001');
    await page.getByRole('button', { name: 'Record the receipt' }).click();
    await expect.poll(() => cash.textContent()).toBe(expected);
    const first = page.getByRole('row').filter({ hasText: 'E2E-MP-0001' });
    await expect.poll(() => first.textContent()).toContain('KES 2,500.50');
    await expect.poll(() => first.textContent()).toContain('M-Pesa');
    await axeClean(page);
    await shoot(page, 'fund-page');
    await context.close();
  });

  test('a receipt when the books are unavailable: kept, retried and double-clicked, recorded once', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/funds/TRUST-KES-LOANS');
    const cash = page.locator('#fund-cash');
    await expect.poll(() => cash.textContent()).toMatch(/^KES [\d,]+\.\d\d$/);
    const before = amountOf((await cash.textContent()) ?? '');
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/receipts'))
        keys.push(request.headers()['idempotency-key'] ?? '');
    });
    const path = '**/v1/funds/TRUST-KES-LOANS/receipts';
    await page.route(path, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({ status: 503, code: 'database_unavailable', title: 'x' }),
          })
        : route.continue(),
    );
    await page.getByLabel('Amount').fill('1,000');
    await page.getByLabel('Reference', { exact: true }).fill('E2E-TT-0002');
    await page.getByRole('button', { name: 'Record the receipt' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('The books are unavailable; nothing was recorded. Try again.');
    expect(await page.getByLabel('Amount').inputValue()).toBe('1,000');
    expect(await page.getByLabel('Reference', { exact: true }).inputValue()).toBe('E2E-TT-0002');
    expect(await cash.textContent()).toBe(formatAmount(before, 'KES'));

    await page.unroute(path);
    await page.getByRole('button', { name: 'Record the receipt' }).dblclick();
    const expected = formatAmount(fromMinor(toMinor(before, 'KES') + 100000n, 'KES'), 'KES');
    await expect.poll(() => cash.textContent()).toBe(expected);
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: 'E2E-TT-0002' }).count())
      .toBe(1);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    await page.reload();
    await expect.poll(() => cash.textContent()).toBe(expected);
    await context.close();
  });

  test('donors: create a donor and a fund', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/donors');
    await expect.poll(() => page.getByRole('row', { name: /HAART-FRIENDS/ }).count()).toBe(1);
    await axeClean(page);
    await shoot(page, 'donors');
    await page.locator('#donor-code').fill('E2E-DONOR');
    await page.locator('#donor-name').fill('End-to-end Foundation');
    await page.getByRole('button', { name: 'Create the donor' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Donor E2E-DONOR is created.');
    await expect.poll(() => page.getByRole('row', { name: /E2E-DONOR/ }).count()).toBe(1);

    await page.locator('#fund-code').fill('E2E-FUND-KES');
    await page.getByLabel('Donor', { exact: true }).selectOption('E2E-DONOR');
    await page.locator('#fund-name').fill('End-to-end fund');
    await page.getByLabel('Committed amount').fill('1,000,000');
    await page.getByRole('button', { name: 'Create the fund' }).click();
    await page.waitForURL('**/funds/E2E-FUND-KES');
    await expect.poll(() => page.locator('#fund-cash').textContent()).toBe('KES 0.00');
    await expect.poll(() => page.getByText('KES 1,000,000.00').count()).toBe(1);
    await context.close();
  });

  test('a manual entry is recorded only once every fund balances, then reversed', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/entries/new');
    await expect.poll(() => page.locator('#line-1-account option').count()).toBeGreaterThan(10);
    await expect.poll(() => page.locator('#line-1-fund option').count()).toBeGreaterThan(2);
    const record = page.getByRole('button', { name: 'Record', exact: true });
    await page.getByLabel('Description').fill('Bank charge booked to the wrong fund');
    await page.locator('#line-1-account').selectOption('5300');
    await page.locator('#line-1-fund').selectOption('HAART-KES-2026');
    await page.locator('#line-1-debit').fill('150');
    await page.locator('#line-2-account').selectOption('1010');
    await page.locator('#line-2-fund').selectOption('HAART-KES-2026');
    await page.locator('#line-2-credit').fill('149.99');
    const row = page.getByRole('row', { name: /HAART-KES-2026/ });
    await expect.poll(() => row.textContent()).toMatch(/KES 0\.01\s*Not balanced/);
    expect(await record.isDisabled()).toBe(true);
    await axeClean(page);
    await shoot(page, 'entry-new-unbalanced');

    await page.locator('#line-2-credit').fill('150.00');
    await expect.poll(() => row.textContent()).toMatch(/KES 0\.00\s*Balanced/);
    await expect.poll(() => record.isDisabled()).toBe(false);
    await axeClean(page);
    await shoot(page, 'entry-new-balanced');
    await record.click();
    await page.waitForURL(/\/entries\/\d+$/);
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    await expect.poll(() => h1(page)).toBe(`Entry ${id}`);
    const debit = page.getByRole('row', { name: /5300/ });
    await expect.poll(() => debit.textContent()).toContain('KES 150.00');
    await axeClean(page);
    await shoot(page, 'entry');

    await page.getByLabel('Reason').fill('Charged to the wrong fund');
    await page.getByRole('button', { name: 'Reverse' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Reverse' }).click();
    await page.waitForURL(
      (url) => /^\/entries\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${id}`),
    );
    await expect.poll(() => page.locator('.notice').textContent()).toContain(`entry ${id}`);
    const back = page.getByRole('row', { name: /5300/ });
    await expect.poll(() => back.textContent()).toContain('KES 150.00');
    await expect.poll(() => page.getByText('Charged to the wrong fund').count()).toBe(1);
    await context.close();
  });

  test('trial balance: totals that agree, a fund, and the CSV', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/trial-balance');
    await expect.poll(() => page.getByText('Debits equal credits').count()).toBe(2);
    await page.getByLabel('Fund', { exact: true }).selectOption('HAART-KES-2026');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect
      .poll(async () => (await page.locator('#tb-caption').textContent())?.trim())
      .toBe('Balances of HAART-KES-2026, everything recorded so far');
    await expect.poll(() => page.getByText('Debits equal credits').count()).toBe(1);
    const csv = page.getByRole('link', { name: 'Download as CSV' });
    const href = (await csv.getAttribute('href')) ?? '';
    expect(href).toBe('/v1/audit/trial-balance?fund=HAART-KES-2026&format=csv');
    const answer = await page.request.get(href);
    expect(answer.status()).toBe(200);
    expect((await answer.text()).split('\r\n')[0]).toBe(
      'account,name,type,fund,currency,debit,credit',
    );
    await axeClean(page);
    await shoot(page, 'trial-balance');
    await context.close();
  });
});

describe('auditor', () => {
  test('reads the funds, donors, entries and trial balance, and changes nothing', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor', '/funds/HAART-KES-2026');
    await expect.poll(() => page.locator('#fund-cash').count()).toBe(1);
    await expect.poll(() => page.getByRole('link', { name: 'Entry 3' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Record the receipt' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Entry 3' }).click();
    await page.waitForURL('**/entries/3');
    await expect
      .poll(() => page.getByRole('row', { name: /4100/ }).textContent())
      .toContain('KES 1,500,000.00');
    expect(await page.getByRole('button', { name: 'Reverse' }).count()).toBe(0);
    await page.goto('/donors');
    await expect.poll(() => page.getByRole('row', { name: /HAART-FRIENDS/ }).count()).toBe(1);
    expect(await page.locator('form').count()).toBe(0);
    await page.goto('/trial-balance');
    await expect.poll(() => page.getByText('Debits equal credits').count()).toBe(2);
    await page.goto('/entries/new');
    await expect.poll(() => h1(page)).toBe('Your role may not open this page.');
    await context.close();
  });
});

describe('donor', () => {
  test('home, the report on screen with every month, and the PDF naming the fund', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'donor');
    await expect
      .poll(() => page.getByRole('link', { name: 'Donor report for HAART-KES-2026' }).count())
      .toBe(1);
    await expect.poll(() => page.getByText('(29.76 % of the commitment)').count()).toBe(1);
    await axeClean(page);
    await shoot(page, 'donor-home');

    await page.getByRole('link', { name: 'Donor report for HAART-KES-2026' }).click();
    await page.waitForURL(/\/reports\/donor\?fund=HAART-KES-2026/);
    await expect.poll(() => page.getByText('Fund statement').count()).toBe(1);
    const options = await page.locator('#report-fund option').allTextContents();
    expect(options).toEqual(['HAART-KES-2026']);
    // The default period is this year to the last whole month; every month is on the axis.
    const months = await page.locator('#report-from').inputValue();
    const to = await page.locator('#report-to').inputValue();
    const count = Number(to.slice(5)) - Number(months.slice(5)) + 1;
    await expect.poll(() => page.locator('svg[role="img"] rect.in').count()).toBe(count);
    await axeClean(page);
    await shoot(page, 'donor-report');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download PDF' }).click(),
    ]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' });
    expect(text).toContain('HAART-KES-2026');
    await context.close();
  });

  test('a donor cannot open a survivor page, the books, or another fund’s report', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'donor', '/survivors/SV-ANYTHING');
    // The survivor page is another screen's; until it is registered the path is unknown.
    const routes = readFileSync(join(here, '..', 'src', 'routes.ts'), 'utf8');
    const registered = routes.includes("'/survivors/:code'");
    await expect
      .poll(() => h1(page))
      .toBe(registered ? 'Your role may not open this page.' : 'There is no such page.');
    expect(await page.locator('main').textContent()).not.toContain('SV-ANYTHING');
    const survivor = await page.request.get('/v1/survivors/SV-ANYTHING');
    expect(survivor.status()).toBe(403);

    await page.goto('/entries/new');
    await expect.poll(() => h1(page)).toBe('Your role may not open this page.');
    expect(await page.locator('main select').count()).toBe(0);

    const other = await page.request.get('/v1/reports/donor?fund=TRUST-KES-LOANS&format=json');
    expect(other.status()).toBe(403);
    await page.goto('/reports/donor?fund=TRUST-KES-LOANS');
    await expect.poll(() => page.getByText('Your role may not do this.').count()).toBe(1);
    expect(await page.getByText('Fund statement').count()).toBe(0);
    await context.close();
  });
});
