// The client is written by hand in one place (api.ts); this keeps it to the contract:
// every path it calls must be a route documented in docs/api.md, the reference outside
// clients rely on. A path typed wrong, or a route renamed on one side only, fails here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const client = readFileSync(join(here, 'api.ts'), 'utf8');
const reference = readFileSync(join(here, '..', '..', '..', 'docs', 'api.md'), 'utf8');

/** A path as segments, each a literal or `*` for a parameter (`${…}` or `{…}`). */
function segments(path: string): string[] {
  return path
    .replace(/\?.*$/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => (/^\$\{.*\}$|^\{.*\}$/.test(part) ? '*' : part));
}

function matches(called: string[], documented: string[]): boolean {
  return (
    called.length === documented.length &&
    called.every((part, i) => part === '*' || documented[i] === '*' || part === documented[i])
  );
}

const calledPaths = [...client.matchAll(/['`](\/v1\/[^'`]*)['`]/g)].map((m) => m[1] ?? '');
const documentedPaths = reference
  .split('\n')
  .filter((line) => line.startsWith('###'))
  .flatMap((line) => [...line.matchAll(/`(?:GET|POST|DELETE|PUT|PATCH) (\/v1\/[^`\s]*)`/g)])
  .map((m) => segments(m[1] ?? ''));

describe('api.ts against docs/api.md', () => {
  test('the reference documents routes and the client calls some', () => {
    expect(documentedPaths.length).toBeGreaterThan(40);
    expect(calledPaths.length).toBeGreaterThan(25);
  });

  test.each(calledPaths)('%s is a documented route', (path) => {
    const called = segments(path);
    expect(documentedPaths.some((documented) => matches(called, documented))).toBe(true);
  });

  test('a path that is not documented is caught', () => {
    expect(documentedPaths.some((d) => matches(segments('/v1/awards/${id}/pay'), d))).toBe(false);
    expect(documentedPaths.some((d) => matches(segments('/v1/survivor'), d))).toBe(false);
  });
});
