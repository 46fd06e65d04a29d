// Words for the API's codes on the survivor and award screens (loans), in the person's
// language; an unknown code (a newer server) is shown as it is.
import type { MessageKey } from '../../lib/messages/en';
import { en } from '../../lib/messages/en';
import { t } from '../../lib/i18n.svelte';

function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return key in en ? t(key as MessageKey) : code;
}

export const genderLabel = (code: string): string => label('gender', code);
export const kindLabel = (code: string): string => label('kind', code);
export const statusLabel = (code: string): string => label('status', code);
export const businessLabel = (code: string): string => label('business', code);
export const channelLabel = (code: string): string => label('channel', code);
