// SPEC §4's edge cases, in the browser's money code: nothing goes through a number.
import { describe, expect, test } from 'vitest';
import {
  addAmounts,
  compareAmounts,
  formatAmount,
  formatShare,
  fromMinor,
  parseAmount,
  permille,
  subtractAmounts,
  toMinor,
} from './money';

describe('parseAmount', () => {
  test.each([
    ['1500', 'KES', '1500.00'],
    ['1500.5', 'KES', '1500.50'],
    ['1,500.05', 'KES', '1500.05'],
    ['1 500 000', 'KES', '1500000.00'],
    ['  42.10  ', 'KES', '42.10'],
    ['0.01', 'KES', '0.01'],
    ['15000', 'UGX', '15000'],
    ['1.234', 'KWD', '1.234'],
    ['007', 'KES', '7.00'],
    ['5.', 'KES', '5.00'],
    // 10^30 - 1 minor units: the largest amount the server accepts, exactly.
    ['9999999999999999999999999999.99', 'KES', '9999999999999999999999999999.99'],
  ])('%s %s → %s', (input, currency, amount) => {
    expect(parseAmount(input, currency)).toEqual({ ok: true, amount });
  });

  test.each([
    ['', 'KES', 'blank'],
    ['   ', 'KES', 'blank'],
    ['1.005', 'KES', 'too_many_decimals'],
    ['1.5', 'UGX', 'too_many_decimals'],
    ['1e3', 'KES', 'not_a_number'],
    ['1E3', 'KES', 'not_a_number'],
    ['NaN', 'KES', 'not_a_number'],
    ['Infinity', 'KES', 'not_a_number'],
    ['0x10', 'KES', 'not_a_number'],
    ['+5', 'KES', 'not_a_number'],
    ['--5', 'KES', 'not_a_number'],
    ['1,50', 'KES', 'not_a_number'],
    ['1,5000', 'KES', 'not_a_number'],
    ['.5', 'KES', 'not_a_number'],
    ['١٢٣', 'KES', 'not_a_number'],
    ['12 KES', 'KES', 'not_a_number'],
    ['0', 'KES', 'zero'],
    ['0.00', 'KES', 'zero'],
    ['-5', 'KES', 'negative'],
    ['10000000000000000000000000000.00', 'KES', 'too_large'],
    ['5', 'XXX', 'unknown_currency'],
  ])('%s %s refused: %s', (input, currency, problem) => {
    expect(parseAmount(input, currency)).toEqual({ ok: false, problem });
  });

  test('a credit side may be negative and zero when asked', () => {
    expect(parseAmount('-20.5', 'KES', { allowNegative: true })).toEqual({
      ok: true,
      amount: '-20.50',
    });
    expect(parseAmount('0', 'KES', { allowZero: true })).toEqual({ ok: true, amount: '0.00' });
    expect(parseAmount('-0', 'KES', { allowZero: true })).toEqual({ ok: true, amount: '0.00' });
  });

  test('beyond what a number holds exactly, every digit stays', () => {
    // 2^53 + 1 minor units: a JavaScript number would round this to ...992.
    expect(parseAmount('90071992547409.93', 'KES')).toEqual({
      ok: true,
      amount: '90071992547409.93',
    });
    expect(toMinor('90071992547409.93', 'KES')).toBe(9007199254740993n);
  });
});

describe('arithmetic and text', () => {
  test('minor units round-trip', () => {
    expect(fromMinor(-5n, 'KES')).toBe('-0.05');
    expect(fromMinor(0n, 'KES')).toBe('0.00');
    expect(fromMinor(1234n, 'UGX')).toBe('1234');
    expect(fromMinor(1234n, 'KWD')).toBe('1.234');
    expect(toMinor('-0.05', 'KES')).toBe(-5n);
    expect(toMinor('12.5', 'KES')).toBe(1250n);
    expect(() => toMinor('1.005', 'KES')).toThrow();
    expect(() => toMinor('1e3', 'KES')).toThrow();
  });

  test('0.10 + 0.20 is 0.30, exactly', () => {
    expect(addAmounts('KES', '0.10', '0.20')).toBe('0.30');
    expect(addAmounts('KES')).toBe('0.00');
    expect(subtractAmounts('100.00', '100.01', 'KES')).toBe('-0.01');
    expect(
      compareAmounts('9999999999999999999999999999.99', '9999999999999999999999999999.98', 'KES'),
    ).toBe(1);
    expect(compareAmounts('1.00', '1', 'KES')).toBe(0);
  });

  test('formatting for people', () => {
    expect(formatAmount('1500000.5', 'KES')).toBe('KES 1,500,000.50');
    expect(formatAmount('-20.00', 'KES')).toBe('-KES 20.00');
    expect(formatAmount('15000', 'UGX')).toBe('UGX 15,000');
    expect(formatAmount('999.99', 'KES', false)).toBe('999.99');
    expect(formatAmount('9999999999999999999999999999.99', 'USD')).toBe(
      'USD 9,999,999,999,999,999,999,999,999,999.99',
    );
  });

  test('shares and bars', () => {
    expect(formatShare('0.6250')).toBe('62.5 %');
    expect(formatShare('1.1000')).toBe('110 %');
    expect(formatShare('0.0001')).toBe('0.01 %');
    expect(formatShare('0.0000')).toBe('0 %');
    expect(formatShare(null)).toBe('—');
    expect(permille('250.00', '1000.00', 'KES')).toBe(250);
    expect(permille('2000.00', '1000.00', 'KES')).toBe(1000);
    expect(permille('5.00', '0.00', 'KES')).toBe(0);
  });
});
