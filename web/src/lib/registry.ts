// The consortium registry's answer, for people (SPEC §16, docs/registry.md): which matches
// still wait for a finance officer, and whether every one of them is ticked.
import type { RegistryMatch } from './api';

/** The matches no finance officer has acknowledged yet: an award for the survivor needs each. */
export function openMatches(matches: readonly RegistryMatch[]): RegistryMatch[] {
  return matches.filter((item) => item.acknowledged_by === null);
}

/** The ids of `open` that are not in `ticked`: an award may go once this is empty. */
export function untickedMatches(
  open: readonly RegistryMatch[],
  ticked: readonly string[],
): string[] {
  return open.map((item) => item.match).filter((id) => !ticked.includes(id));
}

/** The ids of `open` that are ticked, in the order the server listed them (what is sent). */
export function acknowledgedMatches(
  open: readonly RegistryMatch[],
  ticked: readonly string[],
): string[] {
  return open.map((item) => item.match).filter((id) => ticked.includes(id));
}

/** A `YYYY-MM` month as its number (1–12) and year, or null when it is not one. */
export function monthParts(since: string): { month: number; year: string } | null {
  const parts = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(since);
  if (parts === null) return null;
  return { month: Number.parseInt(parts[2] ?? '1', 10), year: parts[1] ?? '' };
}
