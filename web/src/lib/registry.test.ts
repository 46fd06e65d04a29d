import { describe, expect, test } from 'vitest';
import type { RegistryMatch } from './api';
import { acknowledgedMatches, monthParts, openMatches, untickedMatches } from './registry';

function match(id: string, acknowledged_by: string | null = null): RegistryMatch {
  return {
    match: id,
    organisation: 'HAART',
    organisation_name: 'HAART Kenya',
    since: '2025-03',
    support: 'loan',
    kind: 'probable',
    score: '0.934',
    found_at: '2026-10-06T09:14:03.512000Z',
    acknowledged_by,
    acknowledged_at: acknowledged_by === null ? null : '2026-10-07T10:00:00.000000Z',
  };
}

const A = 'RM-3f09c2a1b7d46e55';
const B = 'RM-00000000000000ab';
const C = 'RM-1111111111111111';

describe('registry matches', () => {
  test('only matches nobody acknowledged are open', () => {
    const open = openMatches([match(A), match(B, 'user:7'), match(C)]);
    expect(open.map((item) => item.match)).toEqual([A, C]);
  });

  test('an award waits until every open match is ticked', () => {
    const open = [match(A), match(C)];
    expect(untickedMatches(open, [])).toEqual([A, C]);
    expect(untickedMatches(open, [C])).toEqual([A]);
    expect(untickedMatches(open, [C, A])).toEqual([]);
    expect(untickedMatches([], [])).toEqual([]);
  });

  test("only ticks of open matches are sent, in the server's order", () => {
    // A tick left from a match the server no longer lists as open is not sent.
    expect(acknowledgedMatches([match(A), match(C)], [C, B, A])).toEqual([A, C]);
  });

  test('a month is read exactly or not at all', () => {
    expect(monthParts('2025-03')).toEqual({ month: 3, year: '2025' });
    expect(monthParts('2025-12')).toEqual({ month: 12, year: '2025' });
    expect(monthParts('2025-13')).toBeNull();
    expect(monthParts('2025-3')).toBeNull();
  });
});
