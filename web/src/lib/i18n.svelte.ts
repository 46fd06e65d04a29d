// English and Kiswahili (SPEC §14). The choice is remembered on this device only.
import { en, type MessageKey } from './messages/en';
import { sw } from './messages/sw';

export type Locale = 'en' | 'sw';
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, sw };
const STORAGE_KEY = 'riziki.locale';

function initialLocale(): Locale {
  if (typeof localStorage === 'undefined') return 'en';
  return localStorage.getItem(STORAGE_KEY) === 'sw' ? 'sw' : 'en';
}

class I18n {
  locale = $state<Locale>(initialLocale());

  set(locale: Locale): void {
    this.locale = locale;
    if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, locale);
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
  }
}

export const i18n = new I18n();

/** The message `key` in the current language, with `{name}` replaced from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogues[i18n.locale][key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** A wait in words: "45 seconds", "2 minutes" (rounded up), for Retry-After. */
export function waitInWords(seconds: number): string {
  if (seconds <= 1) return t('wait.second');
  if (seconds < 90) return t('wait.seconds', { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? t('wait.minute') : t('wait.minutes', { n: minutes });
}
