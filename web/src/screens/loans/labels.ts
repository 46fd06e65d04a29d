// Words for the API's codes on the survivor and award screens (loans), in the person's
// language; an unknown code (a newer server) is shown as it is.
import { ApiError } from '../../lib/api';
import type { MessageKey } from '../../lib/messages/en';
import { en } from '../../lib/messages/en';
import { t } from '../../lib/i18n.svelte';

/** The words for `prefix`.`code`, or `otherwise` (the code itself) for a code not known here. */
export function label(prefix: string, code: string, otherwise = code): string {
  const key = `${prefix}.${code}`;
  return key in en ? t(key as MessageKey) : otherwise;
}

export const genderLabel = (code: string): string => label('gender', code);
export const kindLabel = (code: string): string => label('kind', code);
export const statusLabel = (code: string): string => label('status', code);
export const businessLabel = (code: string): string => label('business', code);
export const channelLabel = (code: string): string => label('channel', code);

/**
 * The API's field errors by field, in the person's language where the code is one these
 * screens know (the server's own message otherwise): `fieldErrors` with words.
 */
export function fieldMessages(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const item of error.errors)
    result[item.field] ??= label('fieldError', item.code, item.message);
  return result;
}
