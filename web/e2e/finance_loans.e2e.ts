// A finance officer's survivors and loans: find a survivor, create a loan with its live
// schedule preview, disburse it by M-Pesa, record a repayment and see the allocation and
// the arrears change; a double-clicked or retried disbursement pays once; the keyboard
// alone is enough; a 503 keeps what was typed; an auditor sees no money buttons.
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  apiCall,
  expectAxeClean,
  newPage,
  openMonth,
  shoot,
  signIn,
  startDemo,
  type Demo,
} from './harness';

let demo: Demo;
/** The first day of the first month the demo left open (it closes older months). */
let openOn: string;
/** A survivor enrolled before that day. */
let survivor: string;

function call<T>(role: string, method: string, path: string, body?: unknown): Promise<T> {
  return apiCall<T>(demo, role, method, path, body);
}

/** A grant or loan made through the API (not the screen under test). */
async function award(kind: 'grant' | 'loan', amount: string): Promise<string> {
  const loan = { interest_rate: '12', installments: 3, repayment_unit: 'weeks' };
  const made = await call<{ id: string }>('finance', 'POST', '/v1/awards', {
    survivor,
    fund: 'HAART-KES-2026',
    kind,
    amount,
    approved_on: openOn,
    purpose: 'Kiosk stock',
    business_sector: 'retail',
    ...(kind === 'loan' ? { loan } : {}),
  });
  return made.id;
}

async function entriesOf(id: string): Promise<{ event: string }[]> {
  const page = await call<{ items: { event: string }[] }>(
    'finance',
    'GET',
    `/v1/entries?award=${id}`,
  );
  return page.items;
}

/** The figure shown beside the term `term` on the award page. */
function figure(page: Page, term: string): Promise<string | null> {
  return page.locator(`dt:text-is("${term}") + dd`).textContent();
}

const reference = (): string => `QK${crypto.randomUUID().slice(0, 8).toUpperCase()}`;

beforeAll(async () => {
  demo = await startDemo();
  ({ openOn, survivor } = await openMonth(demo));
});
afterAll(async () => {
  await demo?.stop();
});

describe('a finance officer', () => {
  test("a finance officer's morning: survivor, loan with preview, M-Pesa, repayment", async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance');

    // Find the survivor by the start of their code.
    await page.getByRole('link', { name: 'Survivors' }).click();
    await page.getByLabel('Code starts with').fill(survivor.slice(0, 6).toLowerCase());
    await page.waitForURL(
      (url) => url.searchParams.get('q') === survivor.slice(0, 6).toLowerCase(),
    );
    await page.getByRole('link', { name: survivor, exact: true }).waitFor();
    await expectAxeClean(page);
    await shoot(page, 'survivors-list');
    await page.getByRole('link', { name: survivor, exact: true }).click();

    // Their page: facts, awards, outcomes; finance sees no identity button.
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(`Survivor ${survivor}`);
    await page.getByRole('table', { name: `Follow-up outcomes of ${survivor}` }).waitFor();
    await page.getByRole('heading', { name: 'About this survivor' }).waitFor();
    expect(await page.getByRole('button', { name: 'Show identity' }).count()).toBe(0);
    await expectAxeClean(page);
    await shoot(page, 'survivor-page');
    await page.getByRole('link', { name: `New grant or loan for ${survivor}` }).click();

    // A loan, with the schedule worked out as the terms are typed.
    await page.waitForURL((url) => url.pathname === '/awards/new');
    expect(await page.getByLabel('Survivor code').inputValue()).toBe(survivor);
    await page.getByLabel('Fund').selectOption('HAART-KES-2026');
    await page.getByLabel('Amount approved').fill('12,000');
    await page.getByLabel('Approved on').fill(openOn);
    await page.getByLabel('Purpose').fill('Sewing machine');
    await page.getByLabel('Business sector').fill('tailoring');
    await page.getByLabel('Interest rate (%)').fill('12');
    await page.getByLabel('Number of installments').fill('0');
    await expect
      .poll(() => page.locator('#loan-installments-error').textContent())
      .toBe('Enter a whole number within the allowed range.');
    await page.getByLabel('Number of installments').fill('3');
    await page.getByLabel('Unit').selectOption('weeks');
    const preview = page.getByRole('table', { name: 'Installments' });
    await expect
      .poll(() => preview.locator('tbody tr').first().locator('td').allTextContents())
      .toEqual(['1', expect.any(String), '3,990.79', '27.69', '4,018.48', '8,009.21']);
    expect(await preview.locator('tfoot td').allTextContents()).toEqual([
      '12,000.00',
      '55.42',
      '12,055.42',
      '',
    ]);
    await expectAxeClean(page);
    await shoot(page, 'new-award');
    await page.getByRole('button', { name: 'Create award' }).click();
    await page.waitForURL((url) => /^\/awards\/AW-/.test(url.pathname));
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    await expect.poll(() => figure(page, 'Outstanding')).toBe('KES 0.00');
    expect(await page.getByText('Not late.').count()).toBe(1);

    // Disburse by M-Pesa (the default channel) on the day it was approved.
    expect(await page.getByLabel('Paid by').first().inputValue()).toBe('mpesa');
    const paidRef = reference();
    await page.getByLabel('Amount to pay out').fill('12,000.00');
    await page.locator('#disburse-reference').fill(paidRef);
    await page.locator('#disburse-date').fill(openOn);
    await page.getByRole('button', { name: 'Disburse' }).click();
    await expect
      .poll(() => page.getByRole('status').first().locator('.done').textContent())
      .toMatch(new RegExp(`^Recorded entry \\d+: Loan disbursement ${id} \\(${paidRef}\\)$`));
    await expect.poll(() => figure(page, 'Outstanding')).toBe('KES 12,000.00');
    expect(await figure(page, 'Principal overdue')).toBe('KES 12,000.00');
    expect(await figure(page, 'Interest overdue')).toBe('KES 55.42');

    // A repayment: the allocation the server made, and the arrears shrink.
    await page.getByLabel('Amount received').fill('5000');
    await page.locator('#repay-reference').fill(reference());
    await page.getByRole('button', { name: 'Record repayment' }).click();
    const allocation = page.getByRole('table', { name: 'How the payment was used' });
    await expect
      .poll(() => allocation.locator('tr').allTextContents())
      .toEqual(['To interestKES 46.17', 'To principalKES 4,953.83', 'OverpaymentKES 0.00']);
    await expect.poll(() => figure(page, 'Outstanding')).toBe('KES 7,046.17');
    expect(await figure(page, 'Principal overdue')).toBe('KES 7,046.17');
    expect(await figure(page, 'Interest overdue')).toBe('KES 9.25');
    const days = (await call<{ days_in_arrears: number }>('finance', 'GET', `/v1/awards/${id}`))
      .days_in_arrears;
    expect(await figure(page, 'Days late')).toBe(String(days));
    const schedule = page.getByRole('table', { name: /^Installments: paid and late/ });
    expect(await schedule.locator('tbody tr').nth(1).locator('td').allTextContents()).toEqual([
      '2',
      expect.any(String),
      '4,000.00',
      '18.48',
      '4,018.48',
      '963.04',
      '18.48',
      '3,036.96',
      'late',
    ]);
    await expectAxeClean(page);
    await shoot(page, 'award-page');

    // The awards list finds it among the late loans.
    await page.getByRole('link', { name: 'Awards' }).click();
    await page.getByLabel('Kind').selectOption('loan');
    await page.getByLabel('At least this many days late').fill('1');
    await page.getByLabel('Order').selectOption('days_late');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'days_late');
    await page.getByRole('link', { name: id, exact: true }).waitFor();
    await expectAxeClean(page);
    await shoot(page, 'awards-list');
    await context.close();
  });

  test('a double-clicked disbursement pays once (and so do two quick clicks)', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance');
    for (const how of ['dblclick', 'twice'] as const) {
      const id = await award('grant', '700.00');
      await page.goto(`/awards/${id}`);
      await page.getByLabel('Amount to pay out').fill('300');
      await page.locator('#disburse-reference').fill(reference());
      const button = page.getByRole('button', { name: 'Disburse' });
      if (how === 'dblclick') await button.dblclick();
      else
        await button.evaluate((element: HTMLButtonElement) => {
          element.click();
          element.click();
        });
      await expect.poll(() => figure(page, 'Paid out')).toBe('KES 300.00');
      expect((await entriesOf(id)).map((entry) => entry.event)).toEqual(['disbursement']);
      const answer = await call<{ disbursed: string }>('finance', 'GET', `/v1/awards/${id}`);
      expect(answer.disbursed).toBe('300.00');
    }
    await context.close();
  });

  test('keyboard only: the disbursement form filled with Tab, typing and Enter', async () => {
    const id = await award('grant', '800.00');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/awards/${id}`);
    await page.getByLabel('Amount to pay out').waitFor();
    for (let i = 0; i < 80; i++) {
      const focused = await page.evaluate(() => document.activeElement?.id ?? '');
      if (focused === 'disburse-amount') break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('disburse-amount');
    await page.keyboard.type('800');
    await page.keyboard.press('Tab'); // channel: M-Pesa stays
    await page.keyboard.press('Tab');
    const ref = reference();
    await page.keyboard.type(ref);
    await page.keyboard.press('Enter');
    await expect.poll(() => figure(page, 'Paid out')).toBe('KES 800.00');
    expect(await page.getByRole('status').first().locator('.done').textContent()).toContain(
      `Grant disbursement ${id} (${ref})`,
    );
    await context.close();
  });

  test('a 503 keeps what was typed; the retry carries the same key and pays once', async () => {
    const id = await award('grant', '900.00');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/awards/${id}`);
    const keys: string[] = [];
    page.on('request', (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/v1/disbursements'))
        keys.push(request.headers()['idempotency-key'] ?? '');
    });
    await page.route('**/v1/disbursements', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          code: 'database_unavailable',
          title: 'Service Unavailable',
          status: 503,
        }),
      }),
    );
    const ref = reference();
    await page.getByLabel('Amount to pay out').fill('450.50');
    await page.locator('#disburse-reference').fill(ref);
    await page.getByRole('button', { name: 'Disburse' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The books are unavailable; nothing was recorded. Try again.');
    expect(await page.getByLabel('Amount to pay out').inputValue()).toBe('450.50');
    expect(await page.locator('#disburse-reference').inputValue()).toBe(ref);
    expect(await entriesOf(id)).toEqual([]);

    await page.unroute('**/v1/disbursements');
    await page.getByRole('button', { name: 'Disburse' }).click();
    await expect.poll(() => figure(page, 'Paid out')).toBe('KES 450.50');
    expect((await entriesOf(id)).length).toBe(1);
    expect(keys.length).toBe(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await context.close();
  });

  test("the API's field errors appear next to their fields", async () => {
    const id = await award('grant', '1000.00');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/awards/${id}`);
    await page.getByLabel('Amount to pay out').fill('2,000');
    await page.locator('#disburse-reference').fill(reference());
    await page.getByRole('button', { name: 'Disburse' }).click();
    await expect
      .poll(() => page.locator('#disburse-amount-error').textContent())
      .toBe('More than this award allows.');
    expect(await page.getByLabel('Amount to pay out').getAttribute('aria-describedby')).toContain(
      'disburse-amount-error',
    );
    expect(await entriesOf(id)).toEqual([]);

    // Corrected, the same form goes through.
    await page.getByLabel('Amount to pay out').fill('1,000');
    await page.getByRole('button', { name: 'Disburse' }).click();
    await expect.poll(() => figure(page, 'Paid out')).toBe('KES 1,000.00');
    await context.close();
  });

  test('a write-off asks for a reason and a confirmation', async () => {
    const id = await award('loan', '3000.00');
    await call('finance', 'POST', '/v1/disbursements', {
      award: id,
      amount: '3000.00',
      disbursed_on: openOn,
      channel: 'mpesa',
      reference: reference(),
    });
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/awards/${id}`);
    await page.getByRole('button', { name: 'Write off' }).click();
    await expect
      .poll(() => page.locator('#close-reason-error').textContent())
      .toBe('Enter a reason.');
    await page.getByLabel('Reason').fill('Business closed after the floods');
    await page.getByRole('button', { name: 'Write off' }).click();
    const dialog = page.getByRole('dialog');
    await expect
      .poll(() => dialog.getByRole('heading').textContent())
      .toBe(`Write off KES 3,000.00 of loan ${id}?`);
    await dialog.getByRole('button', { name: 'Write off' }).click();
    await expect.poll(() => page.locator('.lead strong').textContent()).toBe('written off');
    expect(await figure(page, 'Written off')).toBe('KES 3,000.00');
    expect((await entriesOf(id)).map((entry) => entry.event)).toEqual([
      'disbursement',
      'write_off',
    ]);
    await context.close();
  });
});

describe('other roles', () => {
  test('in Kiswahili the award page speaks Kiswahili', async () => {
    const id = await award('loan', '1500.00');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/awards/${id}`);
    await page.getByLabel('Language').selectOption('sw');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(`Tuzo ${id}`);
    await expect.poll(() => figure(page, 'Kilichoidhinishwa')).toBe('KES 1,500.00');
    expect(await page.getByRole('button', { name: 'Toa malipo' }).count()).toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'award-page-sw');
    await context.close();
  });

  test('an auditor opening an award sees no money buttons', async () => {
    const id = await award('loan', '2000.00');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor', `/awards/${id}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(`Award ${id}`);
    await page.getByText('Figures on').waitFor();
    for (const name of ['Disburse', 'Record repayment', 'Write off', 'Forgive'])
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    expect(await page.locator('form').count()).toBe(0);
    await page.goto('/survivors/SV-NOSUCH00');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Not found.');
    expect(await page.getByRole('table').count()).toBe(0);
    await page.goto(`/awards/new?survivor=${survivor}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Your role may not open this page.');
    await context.close();
  });

  test('a field officer shows an identity, which is audited and hidden on leaving', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'field', `/survivors/${survivor}`);
    await page.getByRole('button', { name: 'Show identity' }).click();
    await page.getByText('National id', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Grants and loans' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Hide identity' }).click();
    await expect.poll(() => page.getByText('National id', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show identity' }).click();
    await page.getByText('National id', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Survivors' }).click();
    await page.waitForURL((url) => url.pathname === '/survivors');
    await page.goBack();
    await page.getByRole('button', { name: 'Show identity' }).waitFor();
    expect(await page.getByText('National id', { exact: true }).count()).toBe(0);
    const log = await call<{ items: { action: string; subject: string }[] }>(
      'auditor',
      'GET',
      '/v1/audit/log?action=survivor.pii_read',
    );
    expect(log.items.filter((item) => item.subject === survivor).length).toBe(2);
    await context.close();
  });
});
