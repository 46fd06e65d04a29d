// One key per money form: a double click sends once, a retry reuses the key, and only a
// success spends it.
import { describe, expect, test } from 'vitest';
import { ApiError } from './api';
import { formKey } from './idempotency';

function counter(): () => string {
  let n = 0;
  return () => `key-${++n}`;
}

describe('formKey', () => {
  test('made once when the form opens, renewed only after a success', async () => {
    const key = formKey(counter());
    expect(key.value).toBe('key-1');
    const sent: string[] = [];
    await key.run(async (k) => sent.push(k));
    expect(key.value).toBe('key-2');
    await key.run(async (k) => sent.push(k));
    expect(sent).toEqual(['key-1', 'key-2']);
  });

  test('a second click while the first is on its way sends nothing', async () => {
    const key = formKey(counter());
    let release: () => void = () => undefined;
    const sent: string[] = [];
    const first = key.run(
      (k) =>
        new Promise<string>((done) => {
          sent.push(k);
          release = () => done('paid');
        }),
    );
    expect(key.busy).toBe(true);
    const second = await key.run(async (k) => sent.push(k));
    expect(second).toBeNull();
    release();
    expect(await first).toBe('paid');
    expect(sent).toEqual(['key-1']);
    expect(key.busy).toBe(false);
  });

  test('a 503 or a timeout keeps the key, so the retry pays once', async () => {
    const key = formKey(counter());
    const sent: string[] = [];
    const unavailable = new ApiError({ status: 503, code: 'database_unavailable', title: 'x' });
    await expect(
      key.run(async (k) => {
        sent.push(k);
        throw unavailable;
      }),
    ).rejects.toBe(unavailable);
    await expect(
      key.run(async (k) => {
        sent.push(k);
        throw new ApiError({ status: 0, code: 'timeout', title: 'x' });
      }),
    ).rejects.toThrow('timeout');
    await key.run(async (k) => sent.push(k));
    expect(sent).toEqual(['key-1', 'key-1', 'key-1']);
    expect(key.value).toBe('key-2');
  });

  test('a 4xx keeps the key too: the server stored nothing, the corrected form may go', async () => {
    const key = formKey(counter());
    await expect(
      key.run(async () => {
        throw new ApiError({ status: 422, code: 'validation_failed', title: 'x' });
      }),
    ).rejects.toThrow();
    expect(key.value).toBe('key-1');
  });

  test('the default keys are random UUIDs, different per form', () => {
    const a = formKey();
    const b = formKey();
    expect(a.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.value).not.toBe(b.value);
  });
});
