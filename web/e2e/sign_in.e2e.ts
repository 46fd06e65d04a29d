// Signing in and out, the language switch, and returning to where one was after the
// session ended.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axe, describeViolations, newPage, shoot, signIn, startDemo, type Demo } from './harness';

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.stop();
});

describe('sign in', () => {
  test('a wrong password is refused in words, a right one reaches home', async () => {
    const { context, page } = await newPage(demo);
    await page.goto('/');
    await page.waitForURL(/\/sign-in\?next=%2F$/);
    expect(await axe(page), describeViolations(await axe(page))).toEqual([]);
    await shoot(page, 'sign-in');
    await page.getByLabel('Username').fill('demo-finance');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The username or password is wrong.');
    await signIn(page, demo, 'finance');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Home');
    await context.close();
  });

  test('keyboard only: tab to the fields, type, press Enter', async () => {
    const { context, page } = await newPage(demo);
    await page.goto('/sign-in');
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // brand link
    await page.keyboard.press('Tab'); // language
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo-auditor');
    await page.keyboard.press('Tab');
    await page.keyboard.type(demo.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByText('Signed in as').textContent()).toContain('auditor');
    await context.close();
  });

  test('Kiswahili: the switch changes the screen and is remembered', async () => {
    const { context, page } = await newPage(demo);
    await page.goto('/sign-in');
    await page.getByLabel('Language').selectOption('sw');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Ingia');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Ingia');
    await shoot(page, 'sign-in-sw');
    await context.close();
  });

  test('after the session ends, signing in again returns to where one was', async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance');
    await page.goto('/?from=test');
    await context.clearCookies(); // the server no longer knows this browser
    await page.evaluate(() => window.dispatchEvent(new PopStateEvent('popstate')));
    await page.goto('/?from=test');
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByLabel('Username').fill('demo-finance');
    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.search === '?from=test');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await context.close();
  });
});
