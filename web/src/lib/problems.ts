// What a person reads when a request fails: one sentence per kind of failure, in their
// language. Field errors are shown next to their fields (components/Field.svelte).
import { ApiError } from './api';
import { t, waitInWords } from './i18n.svelte';

export function problemMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('problem.other', { code: 'client', requestId: '—' });
  if (error.status === 0) return t('problem.network');
  if (error.status === 503) return t('problem.unavailable');
  if (error.status === 429)
    return t('problem.tooMany', { wait: waitInWords(error.retryAfterS ?? 1) });
  if (error.status === 403) return t('problem.forbidden');
  if (error.status === 404) return t('problem.notFound');
  if (error.errors.length > 0) return t('problem.fields');
  if (error.code === 'registry_match_unacknowledged') return t('problem.registryMatch');
  if (error.status === 409 || error.status === 410 || error.status === 422)
    return t('problem.conflict', { detail: error.detail || error.title });
  return t('problem.other', { code: error.code, requestId: error.requestId ?? '—' });
}
