import { describe, expect, test } from 'vitest';
import {
  entryBalanced,
  fundBalances,
  lineComplete,
  toPostings,
  type DraftPosting,
} from './entry_balance';
import * as entryBalance from './entry_balance';

const line = (
  fund: string,
  debit: string | null,
  credit: string | null,
  currency: string | null = 'KES',
  account = '1010',
): DraftPosting => ({ account, fund, currency, debit, credit });

describe('fundBalances', () => {
  test('debits minus credits per fund, in order of first use', () => {
    expect(
      fundBalances([
        line('F-A', '1500.00', null),
        line('F-B', null, '0.10', 'USD'),
        line('F-A', null, '1499.99'),
        line('F-B', '0.05', null, 'USD'),
      ]),
    ).toEqual([
      { fund: 'F-A', currency: 'KES', debits: '1500.00', credits: '1499.99', difference: '0.01' },
      { fund: 'F-B', currency: 'USD', debits: '0.05', credits: '0.10', difference: '-0.05' },
    ]);
  });

  test('exact beyond a double: 10^27 KES less one cent', () => {
    const big = '1000000000000000000000000000.00';
    expect(
      fundBalances([line('F', big, null), line('F', null, '999999999999999999999999999.99')]),
    ).toEqual([
      {
        fund: 'F',
        currency: 'KES',
        debits: big,
        credits: '999999999999999999999999999.99',
        difference: '0.01',
      },
    ]);
  });

  test('lines without a fund or without an amount do not count', () => {
    expect(
      fundBalances([line('', '5.00', null), line('F', null, null), line('F', null, null, null)]),
    ).toEqual([]);
  });

  test('a currency without minor units', () => {
    expect(
      fundBalances([line('U', '15000', null, 'UGX'), line('U', null, '15000', 'UGX')]),
    ).toEqual([{ fund: 'U', currency: 'UGX', debits: '15000', credits: '15000', difference: '0' }]);
  });
});

describe('entryBalanced', () => {
  test('every fund at zero with complete lines', () => {
    expect(
      entryBalanced([
        line('F-A', '10.00', null),
        line('F-A', null, '10.00', 'KES', '4100'),
        line('F-B', '1.00', null, 'USD'),
        line('F-B', null, '1.00', 'USD'),
      ]),
    ).toBe(true);
  });

  test('one fund off by a cent is not balanced even if the total is zero', () => {
    expect(
      entryBalanced([
        line('F-A', '10.00', null),
        line('F-A', null, '9.99'),
        line('F-C', '5.00', null),
        line('F-C', null, '5.01'),
      ]),
    ).toBe(false);
  });

  test('fewer than two lines, an incomplete line, or a line with both sides', () => {
    expect(entryBalanced([line('F', null, null)])).toBe(false);
    expect(entryBalanced([line('F', '1.00', null), line('F', null, '1.00', 'KES', '')])).toBe(
      false,
    );
    expect(
      entryBalanced([line('F', '1.00', '1.00'), line('F', '2.00', null), line('F', null, '2.00')]),
    ).toBe(false);
  });
});

describe('lineComplete and toPostings', () => {
  test('exactly one side', () => {
    expect(lineComplete(line('F', '1.00', null))).toBe(true);
    expect(lineComplete(line('F', null, '1.00'))).toBe(true);
    expect(lineComplete(line('F', null, null))).toBe(false);
    expect(lineComplete(line('F', '1.00', '1.00'))).toBe(false);
    expect(lineComplete(line('F', '1.00', null, null))).toBe(false);
  });

  test('a debit is positive, a credit negative', () => {
    expect(
      toPostings([line('F', '1500.00', null), line('F', null, '1500.00', 'KES', '4100')]),
    ).toEqual([
      { account: '1010', fund: 'F', amount: '1500.00' },
      { account: '4100', fund: 'F', amount: '-1500.00' },
    ]);
  });
});

describe('shareOf', () => {
  test('four places, half to even, as the API', () => {
    const { shareOf } = entryBalance;
    expect(shareOf('7100000.00', '20000000.00', 'KES')).toBe('0.3550');
    expect(shareOf('1.00', '3.00', 'KES')).toBe('0.3333');
    expect(shareOf('2.00', '3.00', 'KES')).toBe('0.6667');
    expect(shareOf('1', '80000', 'UGX')).toBe('0.0000');
    expect(shareOf('3', '80000', 'UGX')).toBe('0.0000');
    expect(shareOf('5', '10000', 'UGX')).toBe('0.0005');
    expect(shareOf('11000.00', '10000.00', 'KES')).toBe('1.1000');
    expect(shareOf('5.00', null, 'KES')).toBeNull();
    expect(shareOf('5.00', '0.00', 'KES')).toBeNull();
  });

  test('exactly half rounds to even', () => {
    const { shareOf } = entryBalance;
    // 1/20000 = 0.00005 → 0.0000 (even); 3/20000 = 0.00015 → 0.0002 (even)
    expect(shareOf('1', '20000', 'UGX')).toBe('0.0000');
    expect(shareOf('3', '20000', 'UGX')).toBe('0.0002');
  });
});
