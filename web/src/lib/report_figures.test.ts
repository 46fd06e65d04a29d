import { describe, expect, test } from 'vitest';
import { countText, figureText, type FigureWords } from './report_figures';

const words: FigureWords = {
  fewerThan5: 'fewer than 5',
  suppressed: 'hidden',
  hidden: 'not shown (fewer than 5)',
  nothingYet: 'none yet',
};

describe('donor report figures', () => {
  test('counts: a number, "<5" and "suppressed" in words', () => {
    expect(countText(29, words)).toBe('29');
    expect(countText(0, words)).toBe('0');
    expect(countText('<5', words)).toBe('fewer than 5');
    expect(countText('suppressed', words)).toBe('hidden');
    expect(countText(null, words)).toBe('—');
  });

  test('a hidden statistic is said in words; a null one that is not hidden is "none yet"', () => {
    const loans = {
      par30_percent: null,
      par30_percent_hidden: true,
      on_time_repayment_percent: null,
      on_time_repayment_percent_hidden: false,
      outstanding: '7106.30',
    };
    expect(figureText(loans, 'par30_percent', 'stat-percent', 'KES', words)).toBe(
      'not shown (fewer than 5)',
    );
    expect(figureText(loans, 'on_time_repayment_percent', 'stat-percent', 'KES', words)).toBe(
      'none yet',
    );
    expect(figureText(loans, 'outstanding', 'money', 'KES', words)).toBe('KES 7,106.30');
  });

  test('shown statistics: a percentage and an amount', () => {
    const outcomes = {
      operating_6_months_percent: '84.0',
      operating_6_months_percent_hidden: false,
      median_monthly_profit_first: '5999.50',
      median_monthly_profit_first_hidden: false,
      observed_6_months: '<5',
    };
    expect(figureText(outcomes, 'operating_6_months_percent', 'stat-percent', 'KES', words)).toBe(
      '84.0 %',
    );
    expect(figureText(outcomes, 'median_monthly_profit_first', 'stat-money', 'KES', words)).toBe(
      'KES 5,999.50',
    );
    expect(figureText(outcomes, 'observed_6_months', 'count', 'KES', words)).toBe('fewer than 5');
  });
});
