// The app's screens: client path → component, who may open it, and its title. The
// server answers index.html for every such path (api/web_assets), so links and reloads
// land here. Add a screen: import it, add a line, add its NAV entry if it is a menu item.
import type { Role } from './lib/api';
import type { MessageKey } from './lib/messages/en';
import type { RouteDef } from './lib/router.svelte';
import Dashboard from './screens/Dashboard.svelte';
import SetPassword from './screens/SetPassword.svelte';
import SignIn from './screens/SignIn.svelte';
// Survivors and awards (loans)
import Award from './screens/loans/Award.svelte';
import Awards from './screens/loans/Awards.svelte';
import NewAward from './screens/loans/NewAward.svelte';
import Survivor from './screens/loans/Survivor.svelte';
import Survivors from './screens/loans/Survivors.svelte';

const everyone: readonly Role[] = ['admin', 'finance', 'field', 'donor', 'auditor'];
/** Who may read survivors (GET /v1/survivors) and who may read awards (GET /v1/awards). */
const people: readonly Role[] = ['finance', 'field', 'auditor', 'admin'];
const books: readonly Role[] = ['finance', 'auditor'];

/** Screens anyone may open, signed in or not. */
export const PUBLIC_ROUTES: readonly RouteDef[] = [
  { pattern: '/sign-in', component: SignIn, roles: [], title: 'signIn.title' },
  { pattern: '/set-password', component: SetPassword, roles: [], title: 'setPassword.title' },
];

/** Screens for people signed in, each for the roles named. */
export const ROUTES: readonly RouteDef[] = [
  { pattern: '/', component: Dashboard, roles: everyone, title: 'dashboard.title' },
  // Survivors and awards (loans)
  { pattern: '/survivors', component: Survivors, roles: people, title: 'survivors.title' },
  { pattern: '/survivors/:code', component: Survivor, roles: people, title: 'survivors.title' },
  { pattern: '/awards', component: Awards, roles: books, title: 'awards.title' },
  { pattern: '/awards/new', component: NewAward, roles: ['finance'], title: 'newAward.title' },
  { pattern: '/awards/:id', component: Award, roles: books, title: 'awards.title' },
];

export interface NavItem {
  href: string;
  label: MessageKey;
}

/** The menu of each role, first what they need first. */
export const NAV: Record<Role, readonly NavItem[]> = {
  finance: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/survivors', label: 'nav.survivors' }, // loans
    { href: '/awards', label: 'nav.awards' }, // loans
  ],
  field: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/survivors', label: 'nav.survivors' }, // loans
  ],
  donor: [{ href: '/', label: 'nav.dashboard' }],
  auditor: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/survivors', label: 'nav.survivors' }, // loans
    { href: '/awards', label: 'nav.awards' }, // loans
  ],
  admin: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/survivors', label: 'nav.survivors' }, // loans
  ],
};
