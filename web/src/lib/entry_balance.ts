// A manual entry's running balance, per fund: debits minus credits, on BigInt minor units
// (money.ts). The entry may be sent only when every fund nets to zero and every line is
// complete, which is what the server checks too (it refuses an unbalanced entry).
import { addAmounts, fromMinor, isZero, toMinor } from './money';

/** One line of the form: the amounts are canonical strings from MoneyInput, or null. */
export interface DraftPosting {
  account: string;
  fund: string;
  /** The fund's currency; null while no fund is chosen. */
  currency: string | null;
  debit: string | null;
  credit: string | null;
}

export interface FundBalance {
  fund: string;
  currency: string;
  debits: string;
  credits: string;
  /** Debits minus credits: zero when the fund balances. */
  difference: string;
}

/** Per fund in order of first use: the lines with a fund and at least one amount. */
export function fundBalances(lines: readonly DraftPosting[]): FundBalance[] {
  const sums = new Map<string, { currency: string; debits: bigint; credits: bigint }>();
  for (const line of lines) {
    if (line.fund === '' || line.currency === null) continue;
    if (line.debit === null && line.credit === null) continue;
    const sum = sums.get(line.fund) ?? { currency: line.currency, debits: 0n, credits: 0n };
    if (line.debit !== null) sum.debits += toMinor(line.debit, line.currency);
    if (line.credit !== null) sum.credits += toMinor(line.credit, line.currency);
    sums.set(line.fund, sum);
  }
  return [...sums].map(([fund, sum]) => ({
    fund,
    currency: sum.currency,
    debits: fromMinor(sum.debits, sum.currency),
    credits: fromMinor(sum.credits, sum.currency),
    difference: fromMinor(sum.debits - sum.credits, sum.currency),
  }));
}

/** A line is complete with an account, a fund and exactly one of debit or credit. */
export function lineComplete(line: DraftPosting): boolean {
  return (
    line.account !== '' &&
    line.fund !== '' &&
    line.currency !== null &&
    (line.debit === null) !== (line.credit === null)
  );
}

/** Ready to record: two or more lines, all complete, and every fund nets to zero. */
export function entryBalanced(lines: readonly DraftPosting[]): boolean {
  if (lines.length < 2 || !lines.every(lineComplete)) return false;
  return fundBalances(lines).every((sum) => isZero(sum.difference, sum.currency));
}

/** The API's postings: a debit as a positive amount, a credit as a negative one. */
export function toPostings(
  lines: readonly DraftPosting[],
): { account: string; fund: string; amount: string }[] {
  return lines.map((line) => {
    const currency = line.currency ?? '';
    const amount =
      line.debit !== null
        ? addAmounts(currency, line.debit)
        : fromMinor(-toMinor(line.credit ?? '0', currency), currency);
    return { account: line.account, fund: line.fund, amount };
  });
}

/**
 * `part` of `whole` as the API writes shares ("0.3550": 4 places, HALF_EVEN), or null
 * when nothing is committed. Exact on BigInt, so it agrees with the server's figure.
 */
export function shareOf(part: string, whole: string | null, currency: string): string | null {
  if (whole === null) return null;
  const denominator = toMinor(whole, currency);
  if (denominator <= 0n) return null;
  const numerator = toMinor(part, currency) * 10000n;
  let quotient = numerator / denominator;
  const twice = (numerator % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  const text = quotient.toString().padStart(5, '0');
  return `${text.slice(0, -4)}.${text.slice(-4)}`;
}
