// The donor report's period: whole months that are over (docs/api.md#dates-and-periods).
// Months are `YYYY-MM` strings; nothing here reads the clock except nairobiToday.

/** Today in Nairobi (the programme's day, UTC+3), as `YYYY-MM-DD`. */
export function nairobiToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Nairobi' }).format(now);
}

function parts(month: string): [number, number] {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (match === null) throw new Error(`not a month: ${month}`);
  return [Number(match[1]), Number(match[2])];
}

function monthText(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The month after `month` ("2026-12" → "2027-01"). */
export function nextMonth(month: string): string {
  const [year, m] = parts(month);
  return m === 12 ? monthText(year + 1, 1) : monthText(year, m + 1);
}

/** The last month that is over on `today` (the month before today's). */
export function lastWholeMonth(today: string): string {
  const [year, m] = parts(today.slice(0, 7));
  return m === 1 ? monthText(year - 1, 12) : monthText(year, m - 1);
}

/** The default: this calendar year up to the last whole month (January: last year). */
export function defaultPeriod(today: string): { from: string; to: string } {
  const to = lastWholeMonth(today);
  return { from: `${to.slice(0, 4)}-01`, to };
}

/** Every month from `from` to `to`, both included; empty when reversed. */
export function monthRange(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from; month <= to && months.length < 1200; month = nextMonth(month))
    months.push(month);
  return months;
}

/** The API's dates for a period of months: the 1st of `from` to the last day of `to`. */
export function periodDates(from: string, to: string): { from: string; to: string } {
  const [year, m] = parts(to);
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return { from: `${from}-01`, to: `${to}-${String(last).padStart(2, '0')}` };
}

export type PeriodProblem = 'invalid' | 'reversed' | 'not_over';

/** Why a chosen period cannot be asked for, or null when it can. */
export function periodProblem(from: string, to: string, today: string): PeriodProblem | null {
  const month = /^\d{4}-(0[1-9]|1[0-2])$/;
  if (!month.test(from) || !month.test(to)) return 'invalid';
  if (to < from) return 'reversed';
  if (to > lastWholeMonth(today)) return 'not_over';
  return null;
}

/** Rows for every month of the period, a month the API left out at zero. */
export function everyMonth<T extends { month: string }>(
  rows: readonly T[],
  from: string,
  to: string,
  empty: (month: string) => T,
): T[] {
  const byMonth = new Map(rows.map((row) => [row.month, row]));
  return monthRange(from, to).map((month) => byMonth.get(month) ?? empty(month));
}
