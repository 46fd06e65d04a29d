import { describe, expect, test } from 'vitest';
import {
  closableMonths,
  nairobiToday,
  parseWholeNumber,
  setPasswordUrl,
  utcMinute,
} from './people';

describe('nairobiToday', () => {
  test('is already tomorrow from 21:00 UTC', () => {
    expect(nairobiToday(new Date('2026-11-30T20:59:59Z'))).toBe('2026-11-30');
    expect(nairobiToday(new Date('2026-11-30T21:00:00Z'))).toBe('2026-12-01');
    expect(nairobiToday(new Date('2026-12-31T22:00:00Z'))).toBe('2027-01-01');
  });
});

describe('parseWholeNumber', () => {
  test('accepts digits within the bounds', () => {
    expect(parseWholeNumber(' 1998 ', 1900, 2100)).toBe(1998);
    expect(parseWholeNumber('0', 0, 100000)).toBe(0);
    expect(parseWholeNumber('100000', 0, 100000)).toBe(100000);
  });
  test('refuses anything else', () => {
    for (const text of ['', ' ', '-1', '+3', '1.5', '1e3', '1,000', 'abc', '1899', '2101'])
      expect(parseWholeNumber(text, 1900, 2100), text).toBeNull();
    expect(parseWholeNumber('100001', 0, 100000)).toBeNull();
    expect(parseWholeNumber('9999999999', 0, 100000)).toBeNull();
  });
});

describe('closableMonths', () => {
  test('after the last closed month, up to the month before today', () => {
    expect(closableMonths('2026-12-04', '2026-08')).toEqual(['2026-11', '2026-10', '2026-09']);
  });
  test('crosses a year', () => {
    expect(closableMonths('2027-02-01', '2026-11')).toEqual(['2027-01', '2026-12']);
  });
  test('nothing when last month is closed', () => {
    expect(closableMonths('2026-12-31', '2026-11')).toEqual([]);
    expect(closableMonths('2026-12-31', '2026-12')).toEqual([]);
  });
  test('with none closed, the months before today', () => {
    expect(closableMonths('2026-03-15', null, 4)).toEqual([
      '2026-02',
      '2026-01',
      '2025-12',
      '2025-11',
    ]);
  });
});

describe('setPasswordUrl', () => {
  test('builds the app link with the code', () => {
    expect(setPasswordUrl('https://riziki.example', 'ab12')).toBe(
      'https://riziki.example/set-password?code=ab12',
    );
  });
});

describe('utcMinute', () => {
  test('keeps the day and the minute', () => {
    expect(utcMinute('2026-12-03T22:27:06Z')).toBe('2026-12-03 22:27');
    expect(utcMinute('2026-12-03T22:16:49.823740Z')).toBe('2026-12-03 22:16');
  });
});
