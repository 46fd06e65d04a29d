// The consortium registry on the screens (SPEC §16, docs/registry.md). The demo runs
// without a hub (status `off`), so a match is kept as the hub would have answered it: a
// row of registry_matches written as the database's owner. A finance officer sees the
// matches on the survivor's page, cannot make an award until each is ticked, makes it, and
// the page then says who confirmed them; a match the award screen did not know of comes
// back in the server's 409 and is shown with its checkbox. The enrolment's confirmation is
// shown with each registry answer the API documents: `off` from this server, `queued` and
// a match as a server with a hub answers them (the answer's `registry` replaced in flight).
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  PHONE,
  apiCall,
  asOwner,
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
/** Two survivors enrolled before that day. */
let first: string;
let second: string;

const EXACT = {
  match: 'RM-a1b2c3d4e5f60718',
  organisation: 'PWANI',
  organisation_name: 'Pwani Survivors Network',
  since: '2025-03',
  support: 'loan',
  kind: 'exact',
  score: '1.000',
};
const PROBABLE = {
  match: 'RM-0f1e2d3c4b5a6978',
  organisation: 'NAKUJA',
  organisation_name: 'Nakuja Trust',
  since: '2026-01',
  support: 'none',
  kind: 'probable',
  score: '0.934',
};
const LATE = { ...PROBABLE, match: 'RM-77aa88bb99cc00dd' };

/** Keeps `m` as a match the hub answered for `survivor`. */
function keepMatch(survivor: string, m: typeof EXACT): void {
  asOwner(
    demo,
    `INSERT INTO registry_matches (survivor, match, organisation, organisation_name, since,
       support, kind, score) VALUES ('${survivor}', '${m.match}', '${m.organisation}',
       '${m.organisation_name}', '${m.since}', '${m.support}', '${m.kind}', ${m.score})`,
  );
}

const tickLabel = (id: string) => `I have seen this match (${id}) and decided to go on`;
const tickAll = 'Tick each match to confirm you have seen it, or do not make this award.';

/** The award form filled for a grant, all but the registry's ticks. */
async function fillGrant(page: Page): Promise<void> {
  await page.getByLabel('Fund').selectOption('HAART-KES-2026');
  await page.getByLabel('Grant (not paid back)').check();
  await page.getByLabel('Amount approved').fill('5,000');
  await page.getByLabel('Approved on').fill(openOn);
  await page.getByLabel('Purpose').fill('Tailoring tools');
  await page.getByLabel('Business sector').fill('tailoring');
}

/** The bodies of the POST /v1/awards the page sends from now on. */
function awardPosts(page: Page): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/awards')
      bodies.push(request.postDataJSON() as Record<string, unknown>);
  });
  return bodies;
}

/** The id of the element that has the keyboard's focus. */
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

beforeAll(async () => {
  demo = await startDemo();
  ({ openOn, survivor: first } = await openMonth(demo));
  const list = await apiCall<{ items: { code: string; enrolled_on: string }[] }>(
    demo,
    'finance',
    'GET',
    '/v1/survivors?limit=100',
  );
  const other = list.items.find((item) => item.enrolled_on < openOn && item.code !== first);
  if (other === undefined) throw new Error('no second survivor enrolled before ' + openOn);
  second = other.code;
});
afterAll(async () => {
  await demo?.stop();
});

describe('a finance officer and the consortium registry', () => {
  test('sees the matches, must tick each before the award, then sees them confirmed', async () => {
    keepMatch(first, EXACT);
    keepMatch(first, PROBABLE);
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', `/survivors/${first}`);

    const section = page.getByRole('region', { name: 'Consortium registry' });
    await section.getByText(EXACT.match).waitFor();
    // The demo has no hub: these matches were kept while it had one.
    expect(await section.getByText('This organisation is no longer connected').count()).toBe(1);
    expect(
      await section.getByRole('heading', { name: 'Another organisation may already' }).count(),
    ).toBe(1);
    expect(await section.getByText('Pwani Survivors Network (PWANI)').count()).toBe(1);
    expect(await section.getByText('Same phone or ID number').count()).toBe(1);
    expect(await section.getByText('Similar name and birth year: please check').count()).toBe(1);
    expect(await section.getByText('Mar 2025').count()).toBe(1);
    expect(await section.getByText('enrolled, no grant or loan yet').count()).toBe(1);
    expect(await section.getByText('Not yet: a finance officer confirms').count()).toBe(2);
    await expectAxeClean(page);
    await shoot(page, 'registry-survivor');

    // The award screen reads the survivor's matches once the code is there.
    await page.getByRole('link', { name: `New grant or loan for ${first}` }).click();
    await page.waitForURL((url) => url.pathname === '/awards/new');
    const warning = page.getByRole('group', { name: 'Another organisation may already' });
    await warning.getByLabel(tickLabel(EXACT.match)).waitFor();
    const posts = awardPosts(page);
    await fillGrant(page);

    // Nothing ticked, then one of two: refused here, in words, and nothing is sent.
    await page.getByRole('button', { name: 'Create award' }).click();
    await warning.getByRole('alert').getByText(tickAll).waitFor();
    expect(await focusedId(page)).toMatch(/^tick-RM-/);
    await expectAxeClean(page);
    await shoot(page, 'registry-new-award');
    await warning.getByLabel(tickLabel(EXACT.match)).check();
    await page.getByRole('button', { name: 'Create award' }).click();
    expect(await warning.getByText(tickAll).count()).toBe(1);
    expect(await focusedId(page)).toBe(`tick-${PROBABLE.match}`);
    expect(posts).toEqual([]);

    // Both ticked: the award is made with both acknowledged.
    await warning.getByLabel(tickLabel(PROBABLE.match)).check();
    expect(await warning.getByText(tickAll).count()).toBe(0);
    await page.getByRole('button', { name: 'Create award' }).click();
    await page.waitForURL((url) => /^\/awards\/AW-/.test(url.pathname));
    expect(posts).toHaveLength(1);
    expect(posts[0]?.['registry_acknowledged']).toEqual(
      expect.arrayContaining([EXACT.match, PROBABLE.match]),
    );
    expect(posts[0]?.['registry_acknowledged']).toHaveLength(2);

    // The survivor's page says who confirmed them and when; nothing is left to confirm.
    await page.goto(`/survivors/${first}`);
    await section.getByText(EXACT.match).waitFor();
    const confirmed = section.locator('dt:text-is("Confirmed") + dd');
    expect(await confirmed.allTextContents()).toEqual([
      expect.stringMatching(/^\s*by \S.* on \d{4}-\d{2}-\d{2}\s*$/),
      expect.stringMatching(/^\s*by \S.* on \d{4}-\d{2}-\d{2}\s*$/),
    ]);
    expect(await section.getByText('Not yet: a finance officer confirms').count()).toBe(0);
    expect(await section.getByText('A finance officer confirmed each match').count()).toBe(1);
    await shoot(page, 'registry-survivor-confirmed');

    // A new award for them asks nothing more.
    await page.goto(`/awards/new?survivor=${first}`);
    await page.getByLabel('Survivor code').waitFor();
    await page.waitForResponse((r) => new URL(r.url()).pathname === `/v1/survivors/${first}`);
    expect(
      await page.getByRole('group', { name: 'Another organisation may already' }).count(),
    ).toBe(0);

    // In Kiswahili.
    await page.goto(`/survivors/${first}`);
    await page.getByLabel('Language').selectOption('sw');
    const sehemu = page.getByRole('region', { name: 'Sajili ya muungano' });
    await sehemu.getByText(EXACT.match).waitFor();
    expect(await sehemu.getByText('Simu au namba ya kitambulisho ni ileile').count()).toBe(1);
    await expectAxeClean(page);
    await shoot(page, 'registry-survivor-sw');
    await page.getByLabel('Lugha').selectOption('en');
    await context.close();
  });

  test("a match found after the form was opened comes back in the server's 409", async () => {
    const { context, page } = await newPage(demo);
    await signIn(page, demo, 'finance', '/');
    const looked = page.waitForResponse(
      (r) => new URL(r.url()).pathname === `/v1/survivors/${second}`,
    );
    await page.goto(`/awards/new?survivor=${second}`);
    await looked;
    expect(
      await page.getByRole('group', { name: 'Another organisation may already' }).count(),
    ).toBe(0);
    await fillGrant(page);
    keepMatch(second, LATE);
    const posts = awardPosts(page);

    await page.getByRole('button', { name: 'Create award' }).click();
    await page.getByText('The award was not made: another organisation may support').waitFor();
    const warning = page.getByRole('group', { name: 'Another organisation may already' });
    await warning.getByLabel(tickLabel(LATE.match)).check();
    await page.getByRole('button', { name: 'Create award' }).click();
    await page.waitForURL((url) => /^\/awards\/AW-/.test(url.pathname));
    expect(posts.map((body) => body['registry_acknowledged'])).toEqual([undefined, [LATE.match]]);
    await context.close();
  });
});

describe('a field officer enrolling', () => {
  /** Enrols someone through the form (no phone or id, so no duplicate is refused). */
  async function enrol(page: Page, name: string): Promise<void> {
    await page.getByLabel('Cohort', { exact: true }).selectOption({ index: 1 });
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Woman').check();
    await page.getByLabel('Year of birth').fill('1997');
    await page
      .getByRole('group', { name: /visit or call you/ })
      .getByLabel('Yes')
      .check();
    await page
      .getByRole('group', { name: /count you, without your name/ })
      .getByLabel('Yes')
      .check();
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await page.locator('.code').getByText(/^SV-/).waitFor();
  }

  /** From now on, the enrolment's answer carries `registry` as a server with a hub says it. */
  async function answerWith(page: Page, registry: object): Promise<void> {
    await page.unroute('**/v1/survivors');
    await page.route('**/v1/survivors', async (route) => {
      const response = await route.fetch();
      const json = (await response.json()) as Record<string, unknown>;
      expect(json['registry']).toEqual({ status: 'off', matches: [] });
      await route.fulfill({ response, json: { ...json, registry } });
    });
  }

  test('the confirmation says what the registry answered, on a phone', async () => {
    const { context, page } = await newPage(demo, PHONE);
    await signIn(page, demo, 'field', '/enrol');
    await expect
      .poll(() => page.getByLabel('Cohort', { exact: true }).locator('option').count())
      .toBeGreaterThan(1);

    // This server has no hub: nothing is said about a registry.
    await enrol(page, 'Test Person Akinyi');
    expect(await page.getByText(/consortium/).count()).toBe(0);

    await answerWith(page, { status: 'queued', matches: [] });
    await page.getByRole('button', { name: 'Enrol another survivor' }).click();
    await enrol(page, 'Test Person Njeri');
    await page.getByText('The consortium registry could not be reached').waitFor();

    await answerWith(page, { status: 'checked', matches: [] });
    await page.getByRole('button', { name: 'Enrol another survivor' }).click();
    await enrol(page, 'Test Person Chebet');
    await page.getByText('No other organisation in the consortium reported').waitFor();
    await shoot(page, 'registry-enrol-none');

    const found = { found_at: '2026-10-06T09:14:03.512000Z' };
    const unacknowledged = { acknowledged_by: null, acknowledged_at: null };
    await answerWith(page, {
      status: 'checked',
      matches: [
        { ...EXACT, ...found, ...unacknowledged },
        { ...PROBABLE, ...found, ...unacknowledged },
      ],
    });
    await page.getByRole('button', { name: 'Enrol another survivor' }).click();
    await enrol(page, 'Test Person Wambui');
    const warning = page.getByRole('heading', { name: 'Another organisation may already' });
    await warning.waitFor();
    expect(await page.getByText(EXACT.match).count()).toBe(1);
    expect(await page.getByText(PROBABLE.match).count()).toBe(1);
    expect(await page.getByText('Similar name and birth year: please check').count()).toBe(1);
    expect(await page.getByText('Jan 2026').count()).toBe(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await expectAxeClean(page);
    await shoot(page, 'registry-enrol-match');
    await context.close();
  });
});
