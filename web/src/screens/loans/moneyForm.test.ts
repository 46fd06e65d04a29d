import { describe, expect, test } from 'vitest';
import { ApiError } from '../../lib/api';
import { MoneyForm } from './moneyForm.svelte';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('MoneyForm', () => {
  test('a second send while the first is on its way sends nothing', async () => {
    const form = new MoneyForm();
    const answer = deferred<string>();
    const keys: string[] = [];
    const first = form.send((key) => {
      keys.push(key);
      return answer.promise;
    });
    expect(form.busy).toBe(true);
    expect(await form.send((key) => Promise.resolve(`again ${key}`))).toBeNull();
    answer.resolve('entry 7');
    expect(await first).toBe('entry 7');
    expect(form.busy).toBe(false);
    expect(keys.length).toBe(1);
  });

  test('a 503 is kept for the page and the retry carries the same key', async () => {
    const form = new MoneyForm();
    const keys: string[] = [];
    const unavailable = new ApiError({ status: 503, code: 'database_unavailable', title: 'x' });
    expect(
      await form.send((key) => {
        keys.push(key);
        return Promise.reject(unavailable);
      }),
    ).toBeNull();
    expect(form.failure).toBe(unavailable);
    expect(
      await form.send((key) => {
        keys.push(key);
        return Promise.resolve('ok');
      }),
    ).toBe('ok');
    expect(form.failure).toBeNull();
    expect(keys[1]).toBe(keys[0]);
    await form.send((key) => {
      keys.push(key);
      return Promise.resolve('next');
    });
    expect(keys[2]).not.toBe(keys[0]);
  });
});
