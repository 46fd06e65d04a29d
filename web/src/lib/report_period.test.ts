import { describe, expect, test } from 'vitest';
import {
  defaultPeriod,
  everyMonth,
  lastWholeMonth,
  monthRange,
  nairobiToday,
  nextMonth,
  periodDates,
  periodProblem,
} from './report_period';

describe('report period', () => {
  test('Nairobi is UTC+3: 21:00 UTC on the 30th is already the 1st', () => {
    expect(nairobiToday(new Date('2026-11-30T21:00:00Z'))).toBe('2026-12-01');
    expect(nairobiToday(new Date('2026-11-30T20:59:59Z'))).toBe('2026-11-30');
  });

  test('the default is this year to the last whole month; in January, last year', () => {
    expect(defaultPeriod('2026-12-03')).toEqual({ from: '2026-01', to: '2026-11' });
    expect(defaultPeriod('2027-01-15')).toEqual({ from: '2026-01', to: '2026-12' });
    expect(defaultPeriod('2026-02-01')).toEqual({ from: '2026-01', to: '2026-01' });
    expect(lastWholeMonth('2026-03-31')).toBe('2026-02');
  });

  test('months across a year end', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03', '2026-02')).toEqual([]);
  });

  test('dates: the 1st to the last day, February in a leap year', () => {
    expect(periodDates('2026-01', '2026-11')).toEqual({ from: '2026-01-01', to: '2026-11-30' });
    expect(periodDates('2028-02', '2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodDates('2026-02', '2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodDates('2026-01', '2026-12').to).toBe('2026-12-31');
  });

  test('a period must be in order and over', () => {
    expect(periodProblem('2026-01', '2026-11', '2026-12-03')).toBeNull();
    expect(periodProblem('2026-01', '2026-12', '2026-12-31')).toBe('not_over');
    expect(periodProblem('2026-05', '2026-04', '2026-12-03')).toBe('reversed');
    // A browser without a month picker gives what was typed.
    expect(periodProblem('2026-1', '2026-11', '2026-12-03')).toBe('invalid');
    expect(periodProblem('2026-01', '2026-13', '2026-12-03')).toBe('invalid');
    expect(periodProblem('', '2026-11', '2026-12-03')).toBe('invalid');
  });

  test('every month stays on the axis, a missing one at zero', () => {
    const rows = [
      { month: '2026-01', in: '5.00', out: '1.00' },
      { month: '2026-04', in: '0.00', out: '2.00' },
    ];
    expect(
      everyMonth(rows, '2026-01', '2026-05', (month) => ({ month, in: '0.00', out: '0.00' })),
    ).toEqual([
      { month: '2026-01', in: '5.00', out: '1.00' },
      { month: '2026-02', in: '0.00', out: '0.00' },
      { month: '2026-03', in: '0.00', out: '0.00' },
      { month: '2026-04', in: '0.00', out: '2.00' },
      { month: '2026-05', in: '0.00', out: '0.00' },
    ]);
  });
});
