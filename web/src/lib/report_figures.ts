// How the donor report's figures about people read on screen. Small counts arrive as
// "<5" or "suppressed" and statistics over fewer than 5 people arrive as null with a
// `<name>_hidden` flag (docs/api.md, the donor report); both are said in words here.
import { formatAmount } from './money';

export type Figure = string | number | boolean | null | undefined;
export type Section = Record<string, Figure>;
export type FigureKind = 'count' | 'money' | 'stat-money' | 'stat-percent';

export interface FigureWords {
  fewerThan5: string;
  suppressed: string;
  hidden: string;
  nothingYet: string;
}

/** A count of people: the number, or the words for "<5" and "suppressed". */
export function countText(value: Figure, words: FigureWords): string {
  if (value === '<5') return words.fewerThan5;
  if (value === 'suppressed') return words.suppressed;
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '—';
}

/** `section[name]` for people to read, as its kind says. */
export function figureText(
  section: Section,
  name: string,
  kind: FigureKind,
  currency: string,
  words: FigureWords,
): string {
  const value = section[name];
  if (kind === 'count') return countText(value, words);
  if (kind !== 'money' && section[`${name}_hidden`] === true) return words.hidden;
  if (typeof value !== 'string') return words.nothingYet;
  return kind === 'stat-percent' ? `${value} %` : formatAmount(value, currency);
}
