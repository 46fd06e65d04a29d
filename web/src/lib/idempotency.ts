// One Idempotency-Key per money form (docs/api.md#idempotency). The key is made when the
// form opens and kept for every send until the server accepts one: a double click, a
// retry after a timeout or a 503 all carry the same key, so the money moves once. A 4xx
// stores nothing on the server, so a corrected form may go again under the same key. Only
// a 2xx spends the key; the form's next, new request gets a fresh one.

export interface FormKey {
  /** The key to send now. */
  readonly value: string;
  /** True while a request under this key is on its way: a second click sends nothing. */
  readonly busy: boolean;
  /**
   * Runs `send` under the key unless one is already on its way (then returns null). A
   * success renews the key for the next request; anything else keeps it.
   */
  run<T>(send: (key: string) => Promise<T>): Promise<T | null>;
}

export type KeySource = () => string;

export const randomKey: KeySource = () => crypto.randomUUID();

export function formKey(source: KeySource = randomKey): FormKey {
  let value = source();
  let busy = false;
  return {
    get value() {
      return value;
    },
    get busy() {
      return busy;
    },
    async run<T>(send: (key: string) => Promise<T>): Promise<T | null> {
      if (busy) return null;
      busy = true;
      try {
        const result = await send(value);
        value = source();
        return result;
      } finally {
        busy = false;
      }
    },
  };
}
