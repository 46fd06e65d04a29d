// M-Pesa statements: a finance officer uploads a statement, sees what each line matched,
// filters it, posts the repayment it found in one confirmed action, and opens the
// reconciliation; a file that cannot be read says where; an auditor reads the
// reconciliation but has nothing to upload.
import type { Page } from 'playwright-core';
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
/** The first day of the first month the demo left open. */
let openOn: string;
let loan: string;
const FUND = 'HAART-KES-2026';
const tag = crypto.randomUUID().slice(0, 6).toUpperCase();
const receipt = (n: number): string => `QE${tag}${n}`;

function call<T>(role: string, method: string, path: string, body?: unknown): Promise<T> {
  return apiCall<T>(demo, role, method, path, body);
}

function dayAfter(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const HEADER =
  'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,' +
  'Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.';

function row(cells: {
  receipt: string;
  at: string;
  status?: string;
  paidIn?: string;
  withdrawn?: string;
  balance: string;
  reason: string;
  linked?: string;
  account?: string;
}): string {
  return [
    cells.receipt,
    cells.at,
    cells.at,
    'Pay Bill from 2547******21 - Synthetic Payer',
    cells.status ?? 'Completed',
    cells.paidIn ?? '',
    cells.withdrawn ?? '',
    cells.balance,
    'true',
    cells.reason,
    '2547******21 - Synthetic Payer',
    cells.linked ?? '',
    cells.account ?? '',
  ].join(',');
}

/** The statement, newest first, under a title row, as the portal writes it. */
function statement(): string {
  const d1 = dayAfter(openOn, 1);
  const d2 = dayAfter(openOn, 2);
  return [
    'Organisation Name:,Synthetic Survivors Trust',
    '',
    HEADER,
    row({
      receipt: receipt(5),
      at: `${d2} 10:00:00`,
      paidIn: '150.00',
      balance: '"7,320.00"',
      reason: 'Pay Bill Online',
      account: 'Jane Doe',
    }),
    row({
      receipt: receipt(4),
      at: `${d2} 09:00:00`,
      paidIn: '200.00',
      balance: '"7,170.00"',
      reason: 'Pay Bill Online',
      account: loan.toLowerCase(),
    }),
    row({
      receipt: receipt(3),
      at: `${d1} 12:00:00`,
      status: 'Failed',
      paidIn: '50.00',
      balance: '"6,970.00"',
      reason: 'Pay Bill Online',
      account: loan,
    }),
    row({
      receipt: receipt(2),
      at: `${openOn} 10:00:01`,
      withdrawn: '-30.00',
      balance: '"6,970.00"',
      reason: 'Business Payment Charge',
      linked: receipt(1),
    }),
    row({
      receipt: receipt(1),
      at: `${openOn} 10:00:00`,
      withdrawn: '"-3,000.00"',
      balance: '"7,000.00"',
      reason: 'Business Payment to Customer',
    }),
  ].join('\r\n');
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('Fund').selectOption(FUND);
  await page
    .getByLabel('Statement file')
    .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: 'Check the statement' }).click();
}

beforeAll(async () => {
  demo = await startDemo();
  const open = await openMonth(demo);
  openOn = open.openOn;
  const survivor = open.survivor;
  loan = (
    await call<{ id: string }>('finance', 'POST', '/v1/awards', {
      survivor,
      fund: FUND,
      kind: 'loan',
      amount: '3000.00',
      approved_on: openOn,
      purpose: 'Tailoring machine',
      business_sector: 'tailoring',
      loan: { interest_rate: '0', installments: 6, repayment_unit: 'months' },
    })
  ).id;
  await call('finance', 'POST', '/v1/disbursements', {
    award: loan,
    amount: '3000.00',
    disbursed_on: openOn,
    channel: 'mpesa',
    reference: receipt(1),
    fee: '30.00',
  });
});
afterAll(async () => {
  await demo?.stop();
});

describe('M-Pesa statements', () => {
  test('upload, see what matched, post the repayment, print the reconciliation', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance');
    await page.getByRole('link', { name: 'M-Pesa', exact: true }).first().click();
    await page.waitForURL('**/mpesa');
    await upload(page, 'statement.csv', statement());

    const table = page.getByRole('table', { name: "The statement's lines" });
    await expect.poll(() => table.getByRole('row').count()).toBe(6);
    const stateOf = (n: number) =>
      table
        .getByRole('row')
        .filter({ hasText: receipt(n) })
        .locator('.state')
        .textContent();
    expect(await stateOf(1)).toBe('In the books');
    expect(await stateOf(2)).toBe('Charge');
    expect(await stateOf(3)).toBe('Ignored');
    expect(await stateOf(4)).toBe('To post');
    expect(await stateOf(5)).toBe('Not matched');
    const unmatched = table.getByRole('row').filter({ hasText: receipt(5) });
    expect(await unmatched.textContent()).toContain('names no loan or survivor');
    // Other Party Info and Details are never shown.
    expect(await page.content()).not.toContain('Synthetic Payer');
    await expectAxeClean(page);
    await shoot(page, 'mpesa-dry-run');

    // Filter: only what did not match.
    await page.getByRole('button', { name: 'Not matched (1)' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    await page.getByRole('button', { name: 'All (5)' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(6);

    // Post the one repayment, confirmed first.
    await page.getByRole('button', { name: 'Post the repayment' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('KES 200.00');
    await dialog.getByRole('button', { name: 'Post the repayment' }).click();
    const done = page.getByRole('status');
    await expect.poll(() => done.first().textContent()).toContain('Posted the repayment');
    const entries = await call<{ items: { event: string }[] }>(
      'finance',
      'GET',
      `/v1/entries?award=${loan}`,
    );
    expect(entries.items.map((e) => e.event).sort()).toEqual(['disbursement', 'repayment']);

    await page.getByRole('link', { name: 'Open the reconciliation' }).click();
    await page.waitForURL(/\/mpesa\/\d+$/);
    const verdict = page.locator('.verdict');
    await expect.poll(() => verdict.textContent()).toMatch(/^(Explained|Not reconciled)/);
    const onStatement = page.getByRole('table', { name: 'On the statement, not in the books' });
    await expect
      .poll(() =>
        onStatement
          .getByRole('row')
          .filter({ hasText: receipt(5) })
          .count(),
      )
      .toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'mpesa-reconciliation');
    const csv = page.getByRole('link', { name: 'Download as CSV' });
    expect(await csv.getAttribute('href')).toMatch(/format=csv/);
    const reconciliationPath = new URL(page.url()).pathname;

    // The same statement again posts nothing: the repayment is in the books now.
    await page.goto('/mpesa');
    await upload(page, 'statement.csv', statement());
    await expect.poll(() => stateOf(4)).toBe('In the books');
    expect(await page.getByRole('button', { name: /^Post / }).count()).toBe(0);
    await context.close();

    // An auditor reads the reconciliation, and has nothing to upload.
    const auditor = await newPage(demo);
    await signIn(auditor.page, demo, 'auditor', reconciliationPath);
    await expect.poll(() => auditor.page.locator('.verdict').count()).toBe(1);
    await auditor.page.goto('/mpesa');
    await expect.poll(() => auditor.page.getByLabel('Fund').count()).toBe(1);
    expect(await auditor.page.getByLabel('Statement file').count()).toBe(0);
    await auditor.context.close();
  });

  test('a file that cannot be read says which line and column', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/mpesa');
    const broken = [
      HEADER,
      row({
        receipt: receipt(9),
        at: `${openOn} 10:00:00`,
        paidIn: '12.345',
        balance: '',
        reason: 'x',
      }),
    ].join('\r\n');
    await upload(page, 'broken.csv', broken);
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toBe(
        'The file could not be read, and nothing was recorded. Line 2, column 6 (Paid In): this is not an amount in shillings and cents.',
      );
    await expectAxeClean(page);
    await shoot(page, 'mpesa-unreadable');
    await context.close();
  });
});
