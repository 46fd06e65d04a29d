// The end-to-end tests' world: a real `riziki demo` on a throwaway embedded database and
// Debian's chromium driven by playwright-core (no browser download). Each test file starts
// its own server, so files never see each other's writes.
//
// Env: RIZIKI_BIN (the built riziki, required), RIZIKI_E2E_OUT (screenshots, default
// ../build/e2e), RIZIKI_E2E_PREVIEW=1 (serve web/dist with `vite preview` proxying /v1 to
// the server, for working on screens before the files are embedded).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = resolve(
  process.env['RIZIKI_E2E_OUT'] ?? join(here, '..', '..', 'build', 'e2e'),
);

export type DemoRole = 'admin' | 'finance' | 'field' | 'donor' | 'auditor';

export interface Demo {
  /** Where the browser goes: the riziki server, or vite preview in front of it. */
  baseUrl: string;
  /** The riziki server itself (API calls from tests). */
  apiUrl: string;
  tokens: Record<string, string>;
  password: string;
  /** The server's RIZIKI_HOME (its embedded cluster is in pg/). */
  home: string;
  browser: Browser;
  stop(): Promise<void>;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  lines: string[],
): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    if (child.stdout === null) throw new Error('no stdout');
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      const match = pattern.exec(line);
      if (match !== null) resolvePromise(match);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${lines.join('\n')}`)));
  });
}

async function startPreview(apiUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(here, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--port', '0'],
    {
      cwd: join(here, '..'),
      env: { ...process.env, RIZIKI_API: apiUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const match = await waitForLine(child, /(http:\/\/localhost:\d+)\//, []);
  return { url: match[1] ?? '', child };
}

/** Starts `riziki demo` and chromium; call `stop()` in afterAll. */
export async function startDemo(): Promise<Demo> {
  const bin = process.env['RIZIKI_BIN'];
  if (bin === undefined || bin === '') throw new Error('set RIZIKI_BIN to the built riziki');
  const home = mkdtempSync(join(tmpdir(), 'riziki-e2e-'));
  const server = spawn(bin, ['demo'], {
    cwd: home,
    env: {
      ...process.env,
      RIZIKI_HOME: join(home, 'var'),
      RIZIKI_LISTEN: '127.0.0.1:0',
      RIZIKI_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const serving = await waitForLine(server, /^Serving at (http:\/\/[\d.:]+)/, lines);
  const apiUrl = serving[1] ?? '';
  const tokens: Record<string, string> = {};
  let password = '';
  lines.forEach((line, i) => {
    const token = /^ {2}(\w+) +(rzk_[0-9a-f]+)$/.exec(line);
    if (token !== null) tokens[token[1] ?? ''] = token[2] ?? '';
    if (line.startsWith('Users demo-admin')) password = (lines[i + 1] ?? '').trim();
  });
  const preview = process.env['RIZIKI_E2E_PREVIEW'] ? await startPreview(apiUrl) : null;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    baseUrl: preview?.url ?? apiUrl,
    apiUrl,
    tokens,
    password,
    home: join(home, 'var'),
    browser,
    async stop() {
      await browser.close();
      preview?.child.kill('SIGTERM');
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGTERM');
      await exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 900 };

/** A fresh browser context (its own cookies) at `viewport`. */
export async function newPage(
  demo: Demo,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await demo.browser.newContext({
    viewport,
    baseURL: demo.baseUrl,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the sign-in screen, as a person would, and waits for the home screen. */
export async function signIn(page: Page, demo: Demo, role: DemoRole, next = '/'): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(`demo-${role}`);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next.split('?')[0]);
}

/**
 * Screenshots the page at 1280 px and at 360 px into OUT_DIR as `<name>-1280.png` and
 * `<name>-360.png`, full page, then restores the viewport. Look at them.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(OUT_DIR, `${name}-${viewport.width}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

const axeSource = readFileSync(join(here, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and returns the violations.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
 * so the app's CSP stays as strict in tests as in use.
 */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const result = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/** Fails the test with axe's words when the page has a WCAG 2.1 A or AA violation. */
export async function expectAxeClean(page: Page): Promise<void> {
  const violations = await axe(page);
  expect(violations, describeViolations(violations)).toEqual([]);
}

/** A compact description of violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
    .join('\n');
}

/**
 * A call to the demo's API with a role's token and a fresh Idempotency-Key, for what a test
 * sets up or checks beside the screen under test; throws on an answer that is not 2xx.
 */
export async function apiCall<T>(
  demo: Demo,
  role: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(demo.apiUrl + path, {
    method,
    headers: {
      Authorization: `Bearer ${demo.tokens[role] ?? ''}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': crypto.randomUUID(),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * The first day of the first month the demo left open (it closes older months), and a
 * survivor enrolled before it: what a test needs to record money on a date the books take.
 */
export async function openMonth(demo: Demo): Promise<{ openOn: string; survivor: string }> {
  const periods = await apiCall<{ items: { period: string }[] }>(
    demo,
    'admin',
    'GET',
    '/v1/periods',
  );
  const last =
    periods.items
      .map((p) => p.period)
      .sort()
      .at(-1) ?? '2000-01';
  const [year, month] = last.split('-').map((part) => Number.parseInt(part, 10));
  const openOn = new Date(Date.UTC(year ?? 2000, month ?? 1, 1)).toISOString().slice(0, 10);
  const list = await apiCall<{ items: { code: string; enrolled_on: string }[] }>(
    demo,
    'finance',
    'GET',
    '/v1/survivors?limit=100',
  );
  const survivor = list.items.find((item) => item.enrolled_on < openOn)?.code;
  if (survivor === undefined) throw new Error('no survivor enrolled before ' + openOn);
  return { openOn, survivor };
}

/** psql of the PostgreSQL the server uses (RIZIKI_PG_BIN, else the newest installed). */
function psql(): string {
  const bin = process.env['RIZIKI_PG_BIN'];
  if (bin !== undefined && bin !== '') return join(bin, 'psql');
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((name) => existsSync(join('/usr/lib/postgresql', name, 'bin', 'psql')))
        .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    : [];
  return versions[0] === undefined
    ? 'psql'
    : join('/usr/lib/postgresql', versions[0], 'bin', 'psql');
}

/**
 * Runs `sql` on the demo's embedded database as its owner (the cluster's superuser, over the
 * unix socket only the server's account may reach), for what no API makes: a consortium
 * registry's match without a hub. Returns psql's unaligned output.
 */
export function asOwner(demo: Demo, sql: string): string {
  const cluster = join(demo.home, 'pg');
  // The cluster runs as RIZIKI_PG_USER (postgres) when riziki runs as root, else as us.
  const owner =
    process.getuid?.() === 0 ? process.env['RIZIKI_PG_USER'] || 'postgres' : userInfo().username;
  return execFileSync(psql(), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PGHOST: join(cluster, 'run'),
      PGPORT: readFileSync(join(cluster, 'port'), 'utf8').trim(),
      PGUSER: owner,
      PGDATABASE: 'riziki',
    },
  });
}
