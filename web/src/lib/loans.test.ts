import { describe, expect, test } from 'vitest';
import { installmentState, Latest, searchOf, termsFrom, todayIso, type TermsInput } from './loans';

const typed: TermsInput = {
  interestRate: ' 12 ',
  interestPeriod: 'year',
  interestMethod: 'declining_balance',
  amortization: 'equal_installments',
  installments: '3',
  repaymentEvery: '1',
  repaymentUnit: 'weeks',
};

describe('termsFrom', () => {
  test('whole numbers from digits, the rate as typed without spaces', () => {
    expect(termsFrom(typed)).toEqual({
      ok: true,
      terms: {
        interest_rate: '12',
        interest_period: 'year',
        interest_method: 'declining_balance',
        amortization: 'equal_installments',
        installments: 3,
        repayment_every: 1,
        repayment_unit: 'weeks',
      },
    });
  });
  test.each([['', 'loan.interest_rate', 'interestRate']])(
    'a blank rate names its field',
    (value, field, key) => {
      expect(termsFrom({ ...typed, [key]: value })).toEqual({ ok: false, field });
    },
  );
  test.each(['', '1e2', '2.5', '-3', '0x10', '1234567', ' '])(
    'installments %j is not a whole number',
    (value) => {
      expect(termsFrom({ ...typed, installments: value })).toEqual({
        ok: false,
        field: 'loan.installments',
      });
    },
  );
  test('repayment every must be digits too', () => {
    expect(termsFrom({ ...typed, repaymentEvery: '1.0' })).toEqual({
      ok: false,
      field: 'loan.repayment_every',
    });
  });
});

describe('Latest', () => {
  test('only the newest ticket counts; an older answer arriving late is dropped', () => {
    const latest = new Latest();
    const first = latest.take();
    expect(latest.isNewest(first)).toBe(true);
    const second = latest.take();
    expect(latest.isNewest(first)).toBe(false);
    expect(latest.isNewest(second)).toBe(true);
  });
});

describe('installmentState', () => {
  const base = {
    n: 2,
    due_on: '2026-09-15',
    principal: '4000.00',
    interest: '18.48',
    total: '4018.48',
    balance: '4009.21',
  };
  test('part paid and due before today: late, with what is left', () => {
    expect(
      installmentState(
        { ...base, principal_paid: '963.04', interest_paid: '18.48', paid: false },
        '2026-12-04',
        'KES',
      ),
    ).toEqual({ state: 'late', left: '3036.96' });
  });
  test('due today is not yet late', () => {
    expect(
      installmentState(
        { ...base, principal_paid: '0.00', interest_paid: '0.00', paid: false },
        '2026-09-15',
        'KES',
      ),
    ).toEqual({ state: 'due', left: '4018.48' });
  });
  test('paid: nothing left', () => {
    expect(
      installmentState(
        { ...base, principal_paid: '4000.00', interest_paid: '18.48', paid: true },
        '2026-12-04',
        'KES',
      ),
    ).toEqual({ state: 'paid', left: '0.00' });
  });
});

describe('todayIso', () => {
  test('pads month and day', () => {
    expect(todayIso(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});

describe('searchOf', () => {
  test('blanks are left out, values escaped', () => {
    expect(searchOf({ q: 'SV-7K', cohort: '', county: 'Taita Taveta' })).toBe(
      '?q=SV-7K&county=Taita+Taveta',
    );
  });
  test('no filter: no query at all', () => {
    expect(searchOf({ q: '', cohort: '' })).toBe('');
  });
});
