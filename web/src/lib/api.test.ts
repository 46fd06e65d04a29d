// The client's handling of problem+json, headers and failures, against a fetch that
// answers like the server does (the server itself is exercised by the e2e tests).
import { describe, expect, test } from 'vitest';
import { ApiClient, ApiError, fieldErrors, withQuery } from './api';

interface Seen {
  url: string;
  init: RequestInit;
}

function client(response: () => Response | Promise<Response>): { api: ApiClient; seen: Seen[] } {
  const seen: Seen[] = [];
  const api = new ApiClient(async (url, init) => {
    seen.push({ url, init });
    return response();
  });
  return { api, seen };
}

const problem = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });

describe('ApiClient', () => {
  test('a 422 becomes an ApiError with its field messages', async () => {
    const { api } = client(() =>
      problem(422, {
        code: 'validation_failed',
        title: 'Unprocessable Entity',
        status: 422,
        detail: 'Some fields are missing or invalid; see errors.',
        request_id: '221f64e94b29ac67',
        errors: [
          {
            field: 'amount',
            code: 'invalid_amount',
            message: 'more decimals than the currency has',
          },
          { field: 'amount', code: 'required', message: 'second message for the same field' },
          { field: 'reference', code: 'required', message: 'required' },
        ],
      }),
    );
    const error = await api
      .post('/v1/disbursements', { amount: '1.005' }, 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect([e.status, e.code, e.requestId, e.unavailable]).toEqual([
      422,
      'validation_failed',
      '221f64e94b29ac67',
      false,
    ]);
    expect(fieldErrors(e)).toEqual({
      amount: 'more decimals than the currency has',
      reference: 'required',
    });
  });

  test('429 carries Retry-After in seconds; a 503 is "unavailable"', async () => {
    const limited = client(() =>
      problem(
        429,
        { code: 'too_many_attempts', title: 'Too Many Requests' },
        { 'Retry-After': '120' },
      ),
    );
    const e = (await limited.api.get('/v1/x').catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code, e.retryAfterS]).toEqual([429, 'too_many_attempts', 120]);
    const down = client(() =>
      problem(
        503,
        { code: 'database_unavailable', title: 'Service Unavailable' },
        { 'Retry-After': 'soon' },
      ),
    );
    const d = (await down.api.get('/v1/x').catch((x: unknown) => x)) as ApiError;
    expect([d.code, d.unavailable, d.retryAfterS]).toEqual(['database_unavailable', true, null]);
  });

  test('an error that is not problem+json still becomes an ApiError', async () => {
    const { api } = client(
      () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const e = (await api.get('/v1/x').catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code, e.title, e.errors]).toEqual([502, 'http_502', 'Bad Gateway', []]);
  });

  test('a server that cannot be reached is status 0, nothing recorded', async () => {
    const { api } = client(() => Promise.reject(new TypeError('fetch failed')));
    const e = (await api.get('/v1/x').catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code, e.unavailable]).toEqual([0, 'network_error', true]);
  });

  test('unsafe methods carry the CSRF token and the key; GET carries neither', async () => {
    const { api, seen } = client(
      () =>
        new Response('{"ok":true}', {
          status: 201,
          headers: { 'Content-Type': 'application/json' },
        }),
    );
    api.csrfToken = 'c'.repeat(64);
    await api.post('/v1/repayments', { amount: '5.00' }, 'key-1');
    await api.get('/v1/awards', { limit: 10, after: null, q: '' });
    const [post, get] = seen;
    const postHeaders = post?.init.headers as Record<string, string>;
    expect(postHeaders['X-CSRF-Token']).toBe('c'.repeat(64));
    expect(postHeaders['Idempotency-Key']).toBe('key-1');
    expect(post?.init.body).toBe('{"amount":"5.00"}');
    expect(post?.init.credentials).toBe('same-origin');
    const getHeaders = get?.init.headers as Record<string, string>;
    expect(getHeaders['X-CSRF-Token']).toBeUndefined();
    expect(get?.url).toBe('/v1/awards?limit=10');
  });

  test('a 401 tells the app the session ended, except for the sign-in itself', async () => {
    const { api } = client(() => problem(401, { code: 'unauthenticated', title: 'Unauthorized' }));
    let ended = 0;
    api.onUnauthenticated = () => ended++;
    await api.get('/v1/dashboard').catch(() => undefined);
    await api.post('/v1/session', { username: 'x', password: 'y' }).catch(() => undefined);
    expect(ended).toBe(1);
  });

  test('204 answers undefined', async () => {
    const { api } = client(() => new Response(null, { status: 204 }));
    expect(await api.del('/v1/session')).toBeUndefined();
  });
});

describe('withQuery', () => {
  test('drops empty values and encodes the rest', () => {
    expect(
      withQuery('/v1/survivors', { q: 'sv-7k', cohort: '', after: undefined, limit: 100 }),
    ).toBe('/v1/survivors?q=sv-7k&limit=100');
    expect(withQuery('/v1/audit/log', { actor: 'user:7 & co' })).toBe(
      '/v1/audit/log?actor=user%3A7+%26+co',
    );
  });
});
