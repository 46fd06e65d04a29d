// Pure helpers of the survivor and award screens (loans): loan terms from what was typed,
// the newest-answer-wins rule of the live schedule preview, and each installment's state.
import type { LoanTerms, PaidInstallment } from './api';
import { fromMinor, toMinor } from './money';

/** Today's date where the browser is, as YYYY-MM-DD (the default of every date field). */
export function todayIso(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** What the loan-terms fields hold, as typed. */
export interface TermsInput {
  interestRate: string;
  interestPeriod: 'year' | 'month';
  interestMethod: 'declining_balance' | 'flat';
  amortization: 'equal_installments' | 'equal_principal';
  installments: string;
  repaymentEvery: string;
  repaymentUnit: 'months' | 'weeks' | 'days';
}

export type TermsResult =
  | { ok: true; terms: LoanTerms }
  | { ok: false; field: 'loan.installments' | 'loan.repayment_every' | 'loan.interest_rate' };

const WHOLE = /^\d{1,6}$/;

/**
 * The API's loan terms from the fields, or the first field that is not yet a whole number
 * (counts are JSON integers; they are parsed here from digits only, never from any text
 * Number() would accept). The rate stays a decimal string: the server checks it.
 */
export function termsFrom(input: TermsInput): TermsResult {
  const rate = input.interestRate.trim();
  if (rate === '') return { ok: false, field: 'loan.interest_rate' };
  const installments = input.installments.trim();
  if (!WHOLE.test(installments)) return { ok: false, field: 'loan.installments' };
  const every = input.repaymentEvery.trim();
  if (!WHOLE.test(every)) return { ok: false, field: 'loan.repayment_every' };
  return {
    ok: true,
    terms: {
      interest_rate: rate,
      interest_period: input.interestPeriod,
      interest_method: input.interestMethod,
      amortization: input.amortization,
      installments: Number.parseInt(installments, 10),
      repayment_every: Number.parseInt(every, 10),
      repayment_unit: input.repaymentUnit,
    },
  };
}

/**
 * Tickets for requests whose answers may come back out of order (the live preview): only
 * the answer to the newest ticket is shown, an older one arriving late is dropped.
 */
export class Latest {
  private newest = 0;
  take(): number {
    return ++this.newest;
  }
  isNewest(ticket: number): boolean {
    return ticket === this.newest;
  }
}

export type InstallmentState = 'paid' | 'late' | 'due';

/**
 * What is left to pay of an installment (its total less the principal and interest paid)
 * and its state on `asOf`: paid, late (due before that day and not paid), or due.
 */
export function installmentState(
  installment: PaidInstallment,
  asOf: string,
  currency: string,
): { state: InstallmentState; left: string } {
  const left =
    toMinor(installment.total, currency) -
    toMinor(installment.principal_paid, currency) -
    toMinor(installment.interest_paid, currency);
  const state: InstallmentState = installment.paid
    ? 'paid'
    : installment.due_on < asOf
      ? 'late'
      : 'due';
  return { state, left: fromMinor(left < 0n ? 0n : left, currency) };
}

/** A list's filters as the address's query ("?q=SV-7&cohort=X"), blanks left out; "" if none. */
export function searchOf(filters: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== '') params.set(name, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
