// The field officer's, auditor's and administrator's screens: enrolling on a phone,
// recording an outcome, verify, the audit log, exports, users, tokens and periods.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, expectAxeClean, newPage, shoot, signIn, startDemo, type Demo } from './harness';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.stop();
});

async function apiGet<T>(role: string, path: string): Promise<T> {
  const response = await fetch(`${demo.apiUrl}${path}`, {
    headers: { Authorization: `Bearer ${demo.tokens[role] ?? ''}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

interface SurvivorRow {
  code: string;
  consent: { donor_reporting: boolean; follow_up: boolean };
}

const outcomesOf = async (code: string) =>
  (await apiGet<{ items: Record<string, unknown>[] }>('field', `/v1/outcomes?survivor=${code}`))
    .items;

describe('field officer', () => {
  test('enrols a survivor on a 360 px phone and sees the new code', async () => {
    const { context, page } = await newPage(demo, PHONE);
    await signIn(page, demo, 'field');
    await expect.poll(() => page.getByText('No follow-up is due today.').count()).toBe(1);
    await expectAxeClean(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Enrol', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/enrol');
    await expect
      .poll(() => page.getByLabel('Cohort', { exact: true }).locator('option').count())
      .toBeGreaterThan(1);
    await expectAxeClean(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await shoot(page, 'enrol');

    // Nothing answered yet: each question says what is missing, nothing is sent.
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await expect.poll(() => page.getByText('Choose yes or no.').count()).toBe(2);

    await page.getByLabel('Cohort', { exact: true }).selectOption({ index: 1 });
    await page.getByLabel('Full name').fill('Test Person Wanjiru');
    await page.getByLabel('Phone number (optional)').fill('0711 222 333');
    await page.getByLabel('Woman').check();
    await page.getByLabel('Year of birth').fill('1998');
    expect(await page.getByLabel('County where they live').inputValue()).not.toBe('');
    const followUp = page.getByRole('group', { name: /visit or call you in 6 and 12 months/ });
    await followUp.getByLabel('Yes').check();
    const reporting = page.getByRole('group', { name: /count you, without your name/ });
    await reporting.getByLabel('No').check();
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();

    const codeBox = page.locator('.code');
    await expect.poll(() => codeBox.textContent()).toMatch(/^SV-[0-9A-Z]{8}$/);
    const code = (await codeBox.textContent()) ?? '';
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await expectAxeClean(page);
    await shoot(page, 'enrol-done');

    const found = await apiGet<{ items: SurvivorRow[] }>(
      'field',
      `/v1/survivors?q=${encodeURIComponent(code)}`,
    );
    expect(found.items.map((s) => [s.code, s.consent])).toEqual([
      [code, { donor_reporting: false, follow_up: true }],
    ]);

    // The same phone again is refused in words, and what was typed stays.
    await page.getByRole('button', { name: 'Enrol another survivor' }).click();
    await page.getByLabel('Cohort', { exact: true }).selectOption({ index: 1 });
    await page.getByLabel('Full name').fill('Someone Else');
    await page.getByLabel('Phone number (optional)').fill('+254 711 222 333');
    await page.getByLabel('Man', { exact: true }).check();
    await page.getByLabel('Year of birth').fill('1990');
    await followUp.getByLabel('No').check();
    await reporting.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await expect
      .poll(() => page.locator('.refusal').textContent())
      .toBe(
        'Someone with this phone number or national ID is already enrolled. Do not enrol them again: find them under Survivors.',
      );
    expect(await page.getByLabel('Full name').inputValue()).toBe('Someone Else');

    // Home now lists the enrolment, linking to the survivor's page.
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Home' }).click();
    await expect
      .poll(() => page.getByRole('link', { name: code }).getAttribute('href'))
      .toBe(`/survivors/${code}`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await expectAxeClean(page);
    await shoot(page, 'field-home');
    await context.close();
  });

  test('creates a cohort; a 503 keeps what was typed; the retry reuses the key', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'field', '/enrol');
    const keys: string[] = [];
    let refuse = true;
    await page.route('**/v1/survivors', async (route) => {
      keys.push((await route.request().headerValue('Idempotency-Key')) ?? '');
      if (!refuse) return route.continue();
      refuse = false;
      return route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        headers: { 'Retry-After': '1' },
        body: JSON.stringify({ code: 'database_unavailable', title: 'Service Unavailable' }),
      });
    });
    // The cohort is not listed yet: the field officer creates it from the form.
    await page.getByText('Is the cohort not in the list? Create it').click();
    await page.getByLabel('Cohort code').fill('lmu-2026z');
    await page.getByLabel('Cohort name').fill('Lamu cohort 2026 Z');
    await page.getByLabel('County', { exact: true }).fill('Lamu');
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await expect
      .poll(() => page.getByLabel('Cohort', { exact: true }).inputValue())
      .toBe('LMU-2026Z');
    expect(await page.getByLabel('County where they live').inputValue()).toBe('Lamu');
    await page.getByLabel('Full name').fill('Retry Person');
    await page.getByLabel('Other').check();
    await page.getByLabel('Year of birth').fill('2001');
    await page
      .getByRole('group', { name: /visit or call/ })
      .getByLabel('No')
      .check();
    await page
      .getByRole('group', { name: /count you/ })
      .getByLabel('No')
      .check();
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toBe('The books are unavailable; nothing was recorded. Try again.');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Retry Person');
    expect(await page.getByLabel('Year of birth').inputValue()).toBe('2001');
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await expect.poll(() => page.locator('.code').textContent()).toMatch(/^SV-[0-9A-Z]{8}$/);
    expect(keys.length).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const code = (await page.locator('.code').textContent()) ?? '';
    const found = await apiGet<{ items: { cohort: string }[] }>('field', `/v1/survivors?q=${code}`);
    expect(found.items.map((s) => s.cohort)).toEqual(['LMU-2026Z']);
    await context.close();
  });

  test('the enrol form reads in Kiswahili', async () => {
    const { context, page } = await newPage(demo, PHONE);
    await signIn(page, demo, 'field', '/enrol');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByLabel('Language').selectOption('sw');
    await expect.poll(() => heading(page)).toBe('Sajili manusura');
    expect(await page.getByRole('group', { name: /kukutembelea au kukupigia simu/ }).count()).toBe(
      1,
    );
    await expectAxeClean(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await shoot(page, 'enrol-sw');
    await page.getByLabel('Lugha').selectOption('en');
    await context.close();
  });

  test('records an outcome of a consenting survivor; a refusal is said in words', async () => {
    const list = await apiGet<{ items: SurvivorRow[] }>('field', '/v1/survivors?limit=200');
    const consenting = list.items.find((s) => s.consent.follow_up);
    const refusing = list.items.find((s) => !s.consent.follow_up);
    expect(consenting).toBeDefined();
    expect(refusing).toBeDefined();
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'field', `/outcomes/new?survivor=${consenting?.code ?? ''}`);
    expect(await page.getByLabel('Survivor code').inputValue()).toBe(consenting?.code);
    await expectAxeClean(page);
    await shoot(page, 'outcome');

    await page.getByLabel('Yes, it is running').check();
    await page.getByLabel('Sales in a month').fill('18,000');
    await page.getByLabel('Profit in a month (what is left after costs)').fill('5200');
    await page.getByLabel('Household income in a month, from everything').fill('21000.50');
    await page.getByLabel('Savings today').fill('3500');
    await page.getByLabel('People the business employs, the survivor included').fill('2');
    const before = await outcomesOf(consenting?.code ?? '');
    await page.getByRole('button', { name: 'Record outcome' }).dblclick();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe(`The outcome for ${consenting?.code} is recorded.`);
    // The double click recorded one outcome, the newest (observed today).
    const recorded = await outcomesOf(consenting?.code ?? '');
    expect(recorded.length).toBe(before.length + 1);
    expect(
      recorded
        .slice(0, 1)
        .map((o) => [
          o['business_status'],
          o['monthly_revenue'],
          o['monthly_profit'],
          o['household_income'],
          o['savings'],
          o['jobs'],
        ]),
    ).toEqual([['operating', '18000.00', '5200.00', '21000.50', '3500.00', 2]]);

    await page.getByRole('button', { name: 'Record another outcome' }).click();
    await page.getByLabel('Survivor code').fill(refusing?.code ?? '');
    await page.getByLabel('It has closed').check();
    for (const label of [
      'Sales in a month',
      'Profit in a month (what is left after costs)',
      'Household income in a month, from everything',
      'Savings today',
    ])
      await page.getByLabel(label).fill('0');
    await page.getByLabel('People the business employs, the survivor included').fill('0');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await expect
      .poll(() => page.locator('.refusal').textContent())
      .toBe(
        'This survivor did not agree to follow-ups, so nothing about their business may be recorded. Nothing was saved.',
      );
    await context.close();
  });
});

describe('auditor', () => {
  test('runs verify from home and sees every check ok', async () => {
    const expected = await apiGet<{ checks: { name: string }[] }>('auditor', '/v1/audit/verify');
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor');
    await expect.poll(() => page.getByText('Journal head').count()).toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'auditor-home');

    await page.getByRole('link', { name: 'Run verify' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^Every check passed\./);
    const rows = page.locator('tbody tr');
    const names = await rows.locator('th .name').allTextContents();
    expect(names).toEqual(expected.checks.map((check) => check.name));
    // Every check is said in words: a row whose heading is only its code name has none.
    const headings = await rows.locator('th').allTextContents();
    headings.forEach((heading, i) => {
      const name = names[i] ?? '';
      expect(heading.replace(name, '').trim(), name).not.toBe(name);
    });
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual(
      expected.checks.map(() => 'OK'),
    );
    await expectAxeClean(page);
    await shoot(page, 'verify');

    await page.getByRole('link', { name: 'Home' }).click();
    await expect.poll(() => page.getByText(/^Passed on /).count()).toBe(1);
    await context.close();
  });

  test('a failed check names its first offending entry, linked', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor');
    await page.route('**/v1/audit/verify', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          ok: false,
          entries_checked: 50,
          head_hash: 'ab12',
          checks: [
            {
              name: 'hash_chain',
              ok: false,
              examined: 50,
              detail: 'hash differs',
              first_entry: 42,
            },
            { name: 'audit_log_chain', ok: false, examined: 9, detail: 'gap', first_entry: 7 },
            { name: 'entries_balance', ok: true, examined: 50, detail: '' },
          ],
        }),
      }),
    );
    await page.goto('/verify');
    await page.getByRole('button', { name: 'Run verify' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Some checks FAILED. Each shows its first offending entry.');
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual([
      'Failed',
      'Failed',
      'OK',
    ]);
    expect(await page.getByRole('link', { name: 'Entry 42' }).getAttribute('href')).toBe(
      '/entries/42',
    );
    expect(await page.locator('tbody tr td:nth-child(4)').allTextContents()).toEqual([
      'Entry 42',
      'Audit line 7',
      '—',
    ]);
    await context.close();
  });

  test('the audit log filtered by action shows only that action', async () => {
    const expected = await apiGet<{ items: { seq: number }[] }>(
      'auditor',
      '/v1/audit/log?action=period.close&limit=1000',
    );
    expect(expected.items.length).toBeGreaterThan(0);
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor', '/audit-log');
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(1);
    await expectAxeClean(page);
    await shoot(page, 'audit-log');
    await page.getByLabel('Action').fill('period.close');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const actions = page.locator('tbody tr td:nth-child(4)');
    await expect.poll(() => actions.count()).toBe(expected.items.length);
    expect(new Set(await actions.allTextContents())).toEqual(new Set(['period.close']));
    expect(await page.locator('tbody tr td:nth-child(1)').allTextContents()).toEqual(
      expected.items.map((line) => String(line.seq)),
    );
    await context.close();
  });

  test('exports download the journal', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'auditor', '/exports');
    await expectAxeClean(page);
    await shoot(page, 'exports');
    const link = page.getByRole('link', { name: 'Download the hledger journal' });
    expect(await link.getAttribute('href')).toBe('/v1/audit/export?format=hledger');
    await page.getByLabel('From (optional)').fill('2026-01-01');
    expect(await page.getByRole('link', { name: /CSV/ }).getAttribute('href')).toBe(
      '/v1/audit/export?format=csv&from=2026-01-01',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toMatch(/^commodity /m);
    await context.close();
  });
});

describe('administrator', () => {
  test('creates a user who redeems the link and signs in; disabling ends their session', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'admin');
    await expect.poll(() => page.getByText('Last closed month', { exact: true }).count()).toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'admin-home');

    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Username').fill('amina.w');
    await page.getByLabel('Name', { exact: true }).fill('Amina W');
    await page.getByLabel('Role').selectOption('field');
    await page.getByRole('button', { name: 'Create user' }).click();
    const linkBox = page.getByLabel('Set-password link for amina.w');
    await expect.poll(() => linkBox.inputValue()).toMatch(/\/set-password\?code=[0-9a-f]{64}$/);
    const link = new URL(await linkBox.inputValue());
    await expectAxeClean(page);
    await shoot(page, 'users');

    const other = await newPage(demo);
    await other.page.goto(link.pathname + link.search);
    await other.page.getByLabel('New password').fill('mango tree by the river');
    await other.page.getByLabel('The same password again').fill('mango tree by the river');
    await other.page.getByRole('button', { name: 'Set password' }).click();
    await expect
      .poll(() => other.page.getByRole('status').textContent())
      .toBe('Your password is set. You can sign in now.');
    await other.page.getByRole('link', { name: 'Sign in' }).click();
    await other.page.getByLabel('Username').fill('amina.w');
    await other.page.getByLabel('Password').fill('mango tree by the river');
    await other.page.getByRole('button', { name: 'Sign in' }).click();
    await other.page.waitForURL((url) => url.pathname === '/');
    await expect
      .poll(() => other.page.getByText('Signed in as').textContent())
      .toBe('Signed in as Amina W (field officer)');

    await page.getByRole('button', { name: 'Disable amina.w' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable amina.w' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('amina.w is disabled.');
    await other.page.getByRole('link', { name: 'Enrol', exact: true }).click();
    await other.page.waitForURL(/\/sign-in\?next=%2Fenrol$/);
    await expect.poll(() => heading(other.page)).toBe('Sign in');
    await other.context.close();
    await context.close();
  });

  test('revokes a token and closes a month, each after confirming', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'admin', '/tokens');
    const revoke = page.getByRole('button', { name: 'Revoke demo metrics' });
    await expect.poll(() => revoke.count()).toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'tokens');
    await revoke.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke demo metrics' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('The token “demo metrics” is revoked.');
    const metrics = await fetch(`${demo.apiUrl}/metrics`, {
      headers: { Authorization: `Bearer ${demo.tokens['metrics'] ?? ''}` },
    });
    expect(metrics.status).toBe(401);

    // A reset gives a new link and leaves the user without a password until it is used.
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'New link for demo-donor' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'New link for demo-donor' }).click();
    await expect
      .poll(() => page.getByLabel('Set-password link for demo-donor').inputValue())
      .toMatch(/\/set-password\?code=[0-9a-f]{64}$/);
    const donorRow = page.getByRole('row', { name: /^demo-donor / });
    await expect
      .poll(() => donorRow.getByRole('cell').nth(3).textContent())
      .toBe('No password yet');

    await page.getByRole('link', { name: 'Periods' }).click();
    const month = page.getByLabel('Month to close');
    await expect.poll(() => month.locator('option').count()).toBeGreaterThan(0);
    await expectAxeClean(page);
    await shoot(page, 'periods');
    const chosen = await month.inputValue();
    await page.getByRole('button', { name: 'Close the month' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close the month' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`${chosen} is closed.`);
    const closed = await apiGet<{ items: { period: string }[] }>('admin', '/v1/periods');
    expect(closed.items.map((p) => p.period)).toContain(chosen);
    await context.close();
  });
});
