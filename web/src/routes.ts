// The app's screens: client path → component, who may open it, and its title. The
// server answers index.html for every such path (api/web_assets), so links and reloads
// land here. Add a screen: import it, add a line, add its NAV entry if it is a menu item.
import type { Role } from './lib/api';
import type { MessageKey } from './lib/messages/en';
import type { RouteDef } from './lib/router.svelte';
import Dashboard from './screens/Dashboard.svelte';
import SetPassword from './screens/SetPassword.svelte';
import SignIn from './screens/SignIn.svelte';
// Books and donors (books)
import Donors from './screens/books/Donors.svelte';
import EntryNew from './screens/books/EntryNew.svelte';
import EntryPage from './screens/books/EntryPage.svelte';
import FundPage from './screens/books/FundPage.svelte';
import Funds from './screens/books/Funds.svelte';
import TrialBalance from './screens/books/TrialBalance.svelte';
import DonorReport from './screens/reports/DonorReport.svelte';

const everyone: readonly Role[] = ['admin', 'finance', 'field', 'donor', 'auditor'];

/** Screens anyone may open, signed in or not. */
export const PUBLIC_ROUTES: readonly RouteDef[] = [
  { pattern: '/sign-in', component: SignIn, roles: [], title: 'signIn.title' },
  { pattern: '/set-password', component: SetPassword, roles: [], title: 'setPassword.title' },
];

/** Screens for people signed in, each for the roles named. */
export const ROUTES: readonly RouteDef[] = [
  { pattern: '/', component: Dashboard, roles: everyone, title: 'dashboard.title' },
  // Books and donors (books)
  {
    pattern: '/funds',
    component: Funds,
    roles: ['finance', 'auditor', 'donor'],
    title: 'funds.title',
  },
  {
    pattern: '/funds/:code',
    component: FundPage,
    roles: ['finance', 'auditor', 'donor'],
    title: 'funds.title',
  },
  { pattern: '/donors', component: Donors, roles: ['finance', 'auditor'], title: 'donors.title' },
  { pattern: '/entries/new', component: EntryNew, roles: ['finance'], title: 'entry.newTitle' },
  {
    pattern: '/entries/:id',
    component: EntryPage,
    roles: ['finance', 'auditor'],
    title: 'entry.postings',
  },
  {
    pattern: '/trial-balance',
    component: TrialBalance,
    roles: ['finance', 'auditor'],
    title: 'tb.title',
  },
  {
    pattern: '/reports/donor',
    component: DonorReport,
    roles: ['donor', 'finance', 'auditor'],
    title: 'report.title',
  },
];

export interface NavItem {
  href: string;
  label: MessageKey;
}

/** The menu of each role, first what they need first. */
export const NAV: Record<Role, readonly NavItem[]> = {
  finance: [
    { href: '/', label: 'nav.dashboard' },
    // Books and donors (books)
    { href: '/funds', label: 'nav.funds' },
    { href: '/donors', label: 'nav.donors' },
    { href: '/entries/new', label: 'nav.entries' },
    { href: '/trial-balance', label: 'nav.trialBalance' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  field: [{ href: '/', label: 'nav.dashboard' }],
  donor: [
    { href: '/', label: 'nav.dashboard' },
    // Books and donors (books)
    { href: '/funds', label: 'nav.funds' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  auditor: [
    { href: '/', label: 'nav.dashboard' },
    // Books and donors (books)
    { href: '/funds', label: 'nav.funds' },
    { href: '/donors', label: 'nav.donors' },
    { href: '/trial-balance', label: 'nav.trialBalance' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  admin: [{ href: '/', label: 'nav.dashboard' }],
};
