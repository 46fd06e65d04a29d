// A small history router: client paths (see src/routes.ts) map to screens. The server
// answers index.html for any such path, so a reload or a pasted link lands on the screen.
import type { Component } from 'svelte';
import type { Role } from './api';
import type { MessageKey } from './messages/en';

export interface RouteDef {
  /** `/survivors/:code` — `:name` matches one path segment. */
  pattern: string;
  // A screen takes `params` (the path's `:name` parts) or no props at all; Svelte's
  // Component type cannot say "either", hence any here and nowhere else.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
  /** Who may open it; empty: anyone (signed in or not). */
  roles: readonly Role[];
  /** The page's title key in the messages (for document.title and the heading). */
  title: MessageKey;
}

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

export function matchPath(routes: readonly RouteDef[], path: string): Match | null {
  const parts = path.split('/').filter((part) => part !== '');
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter((part) => part !== '');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((piece, i) => {
      const part = parts[i] ?? '';
      if (piece.startsWith(':')) {
        try {
          params[piece.slice(1)] = decodeURIComponent(part);
        } catch {
          return false;
        }
        return true;
      }
      return piece === part;
    });
    if (ok) return { route, params };
  }
  return null;
}

class Location {
  path = $state(typeof window === 'undefined' ? '/' : window.location.pathname);
  search = $state(typeof window === 'undefined' ? '' : window.location.search);

  get query(): URLSearchParams {
    return new URLSearchParams(this.search);
  }

  /** Where the person is, to come back to after signing in again. */
  get here(): string {
    return this.path + this.search;
  }

  sync(): void {
    this.path = window.location.pathname;
    this.search = window.location.search;
  }
}

export const location = new Location();

/** Only same-app paths: never follow a `next` to another site. */
export function safeNext(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//')) return '/';
  return next;
}

export function navigate(to: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  location.sync();
  window.scrollTo(0, 0);
}

export function startRouter(): void {
  window.addEventListener('popstate', () => location.sync());
  // Same-origin links navigate in the app; modified clicks and downloads behave as usual.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest('a');
    if (anchor === null || anchor === undefined) return;
    if (anchor.hasAttribute('download') || anchor.target !== '') return;
    // A one-off parse, not state: no reactivity wanted.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/v1/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
