// The sending part of every money form on the award screens (loans): one Idempotency-Key
// per form (lib/idempotency), `busy` while a request is on its way, the failure kept for
// Problem and the fields. A second send while one is on its way sends nothing.
import { formKey, type FormKey } from '../../lib/idempotency';

export class MoneyForm {
  busy = $state(false);
  failure = $state<unknown>(null);
  private readonly key: FormKey = formKey();

  /** The answer, or null when nothing was sent (already sending) or the send failed. */
  async send<T>(request: (key: string) => Promise<T>): Promise<T | null> {
    if (this.key.busy) return null;
    this.busy = true;
    this.failure = null;
    try {
      return await this.key.run(request);
    } catch (error) {
      this.failure = error;
      return null;
    } finally {
      this.busy = false;
    }
  }
}
