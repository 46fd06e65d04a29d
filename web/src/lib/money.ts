// Money in the browser: a decimal string from the API to the screen and back (SPEC §4).
// Nothing here ever holds an amount in a JavaScript number: arithmetic is on BigInt
// counts of the currency's minor units, and text is parsed digit by digit.

/** ISO 4217 currencies the server accepts, with their minor-unit digits (ledger/money.hpp). */
export const CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  AED: 2,
  BHD: 3,
  BIF: 0,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  ETB: 2,
  EUR: 2,
  GBP: 2,
  JPY: 0,
  KES: 2,
  KWD: 3,
  NOK: 2,
  RWF: 0,
  SEK: 2,
  SSP: 2,
  TZS: 2,
  UGX: 0,
  USD: 2,
  ZAR: 2,
};

/** Largest magnitude one amount may have: 10^30 - 1 minor units (ledger::amount_limit). */
export const AMOUNT_LIMIT_MINOR = 10n ** 30n - 1n;

export interface Money {
  amount: string;
  currency: string;
}

export type AmountProblem =
  | 'blank'
  | 'not_a_number'
  | 'too_many_decimals'
  | 'negative'
  | 'zero'
  | 'too_large'
  | 'unknown_currency';

export type ParsedAmount = { ok: true; amount: string } | { ok: false; problem: AmountProblem };

export interface ParseOptions {
  /** Accept a leading minus (a manual entry's credit side); off for every payment form. */
  allowNegative?: boolean;
  /** Accept zero; off for payments, which move something. */
  allowZero?: boolean;
}

export function digitsOf(currency: string): number {
  const digits = CURRENCY_DIGITS[currency];
  if (digits === undefined) throw new Error(`unknown currency ${currency}`);
  return digits;
}

/**
 * Parses what a person typed ("1,500.5", " 1 500 ", "-20") into the API's canonical
 * decimal string for `currency` ("1500.50"). Grouping commas and spaces are accepted
 * only between digits of the whole part; exponents, extra decimals, several signs and
 * anything else are refused, never rounded.
 */
export function parseAmount(
  input: string,
  currency: string,
  options: ParseOptions = {},
): ParsedAmount {
  if (CURRENCY_DIGITS[currency] === undefined) return { ok: false, problem: 'unknown_currency' };
  const digits = digitsOf(currency);
  let text = input.trim();
  if (text === '') return { ok: false, problem: 'blank' };
  let negative = false;
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1);
  }
  const match = /^(\d{1,3}(?:[, \u00a0]\d{3})+|\d+)(?:\.(\d*))?$/.exec(text);
  if (match === null) return { ok: false, problem: 'not_a_number' };
  const whole = (match[1] ?? '').replace(/[, \u00a0]/g, '');
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return { ok: false, problem: 'too_many_decimals' };
  const minor = BigInt(whole + fraction.padEnd(digits, '0'));
  if (minor > AMOUNT_LIMIT_MINOR) return { ok: false, problem: 'too_large' };
  if (minor === 0n && !options.allowZero) return { ok: false, problem: 'zero' };
  if (negative && minor !== 0n && !options.allowNegative) return { ok: false, problem: 'negative' };
  return { ok: true, amount: fromMinor(negative ? -minor : minor, currency) };
}

/** The count of minor units in a canonical amount string from the API ("-12.50" → -1250n). */
export function toMinor(amount: string, currency: string): bigint {
  const digits = digitsOf(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (match === null) throw new Error(`not an amount: ${amount}`);
  const fraction = match[3] ?? '';
  if (fraction.length > digits) throw new Error(`too many decimals for ${currency}: ${amount}`);
  const minor = BigInt((match[2] ?? '') + fraction.padEnd(digits, '0'));
  return match[1] === '-' ? -minor : minor;
}

/** The canonical string of `minor` units: "1500.00", "-0.05", "1500" for UGX. */
export function fromMinor(minor: bigint, currency: string): string {
  const digits = digitsOf(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return (negative ? '-' : '') + whole + (digits > 0 ? '.' + fraction : '');
}

export function addAmounts(currency: string, ...amounts: string[]): string {
  return fromMinor(
    amounts.reduce((sum, amount) => sum + toMinor(amount, currency), 0n),
    currency,
  );
}

export function subtractAmounts(a: string, b: string, currency: string): string {
  return fromMinor(toMinor(a, currency) - toMinor(b, currency), currency);
}

export function compareAmounts(a: string, b: string, currency: string): -1 | 0 | 1 {
  const difference = toMinor(a, currency) - toMinor(b, currency);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

export function isZero(amount: string, currency: string): boolean {
  return toMinor(amount, currency) === 0n;
}

export function isNegative(amount: string, currency: string): boolean {
  return toMinor(amount, currency) < 0n;
}

/**
 * An amount for people to read: "KES 1,500.00", "-KES 20.00", "UGX 15,000". Grouping by
 * thousands with commas in both English and Kiswahili, as Kenyan banks and M-Pesa print it.
 */
export function formatAmount(amount: string, currency: string, withCode = true): string {
  const canonical = fromMinor(toMinor(amount, currency), currency);
  const negative = canonical.startsWith('-');
  const unsigned = negative ? canonical.slice(1) : canonical;
  const [whole = '', fraction] = unsigned.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const number = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  return (negative ? '-' : '') + (withCode ? `${currency} ${number}` : number);
}

/**
 * A share from the API ("0.6250", 4 places) as a percentage for people: "62.5 %".
 * Done on the digits: the API already rounded HALF_EVEN; this only moves the point and
 * drops trailing zeros.
 */
export function formatShare(share: string | null): string {
  if (share === null) return '—';
  const match = /^(\d+)(?:\.(\d{0,4}))?$/.exec(share);
  if (match === null) throw new Error(`not a share: ${share}`);
  const basis = BigInt((match[1] ?? '') + (match[2] ?? '').padEnd(4, '0'));
  const whole = (basis / 100n).toString();
  const fraction = (basis % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction === '' ? '' : '.' + fraction} %`;
}

/** `part` of `whole` as a 0–1000 integer (for a bar's length in an SVG), floor, clamped. */
export function permille(part: string, whole: string, currency: string): number {
  const total = toMinor(whole, currency);
  if (total <= 0n) return 0;
  const share = (toMinor(part, currency) * 1000n) / total;
  return Number(share < 0n ? 0n : share > 1000n ? 1000n : share);
}
