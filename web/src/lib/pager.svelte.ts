// A keyset-paged list for a screen: the first page, then "Show more" with `after`.
import type { Page, PageQuery } from './api';

export class Pager<T> {
  items = $state<T[]>([]);
  next = $state<string | null>(null);
  loading = $state(false);
  error = $state<unknown>(null);
  private generation = 0;

  constructor(private readonly fetchPage: (query: PageQuery) => Promise<Page<T>>) {}

  /** Loads the first page again (after a filter changed); a slower earlier load is dropped. */
  async reload(): Promise<void> {
    this.items = [];
    this.next = null;
    await this.load(null);
  }

  async more(): Promise<void> {
    if (this.next !== null) await this.load(this.next);
  }

  private async load(after: string | null): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await this.fetchPage(after === null ? {} : { after });
      if (generation !== this.generation) return;
      this.items = [...this.items, ...page.items];
      this.next = page.next;
    } catch (error) {
      if (generation === this.generation) this.error = error;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }
}
