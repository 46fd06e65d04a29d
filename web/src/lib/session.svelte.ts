// Who is signed in, and their CSRF token: read once from GET /v1/session on load, set by
// sign-in, cleared by sign-out or by any 401 (the session ended while the page was open).
import { api, sessions, type Me, type Role } from './api';

class SessionState {
  me = $state<Me | null>(null);
  /** True once GET /v1/session answered (either way): screens wait for it. */
  known = $state(false);
  /** The session ended under the person's feet (idle or absolute expiry). */
  expired = $state(false);

  accept(me: Me, csrf: string | null): void {
    this.me = me;
    this.expired = false;
    this.known = true;
    api.csrfToken = csrf;
  }

  clear(expired: boolean): void {
    this.me = null;
    this.expired = expired;
    this.known = true;
    api.csrfToken = null;
  }

  hasRole(...roles: Role[]): boolean {
    return this.me !== null && roles.includes(this.me.role);
  }

  async load(): Promise<void> {
    try {
      const info = await sessions.current();
      this.accept(info.me, info.csrf_token);
    } catch {
      this.clear(false);
    }
  }

  async signIn(username: string, password: string): Promise<void> {
    const info = await sessions.signIn(username, password);
    this.accept(info.me, info.csrf_token);
  }

  async signOut(): Promise<void> {
    try {
      await sessions.signOut();
    } finally {
      this.clear(false);
    }
  }
}

export const session = new SessionState();
