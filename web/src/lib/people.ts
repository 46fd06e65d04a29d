// Small pure helpers of the field, auditor and admin screens (people): the programme's
// day, whole numbers typed by a person, the months an admin may close, and the
// set-password link to hand over.

/** The programme's day (Nairobi, UTC+3) at `now`, as `YYYY-MM-DD`. */
export function nairobiToday(now: Date = new Date()): string {
  const shifted = new Date(now.getTime() + 3 * 60 * 60 * 1000);
  return shifted.toISOString().slice(0, 10);
}

/** A whole number typed by a person, between `min` and `max`, or null. No signs, no dots. */
export function parseWholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed)) return null;
  const value = Number.parseInt(trimmed, 10);
  return value >= min && value <= max ? value : null;
}

function monthIndex(period: string): number {
  const [year, month] = period.split('-').map((part) => Number.parseInt(part, 10));
  return (year ?? 0) * 12 + ((month ?? 1) - 1);
}

function periodOf(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/**
 * The months an admin may close, newest first: those after the last closed one up to the
 * month before `today`'s (a month still running is not closed). With none closed yet, the
 * `count` months before today's.
 */
export function closableMonths(today: string, lastClosed: string | null, count = 12): string[] {
  const current = monthIndex(today.slice(0, 7));
  const first = lastClosed === null ? current - count : monthIndex(lastClosed) + 1;
  const months: string[] = [];
  for (let index = current - 1; index >= first; index--) months.push(periodOf(index));
  return months;
}

/** The app's own link that redeems a set-password code (screens/SetPassword.svelte). */
export function setPasswordUrl(origin: string, code: string): string {
  return `${origin}/set-password?code=${encodeURIComponent(code)}`;
}

/** An RFC 3339 UTC time as people read it, to the minute: `2026-12-03 22:27`. */
export function utcMinute(at: string): string {
  return at.slice(0, 16).replace('T', ' ');
}
