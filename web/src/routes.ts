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
// ---- field, auditor and admin screens (people)
import AuditLog from './screens/people/AuditLog.svelte';
import Enrol from './screens/people/Enrol.svelte';
import Exports from './screens/people/Exports.svelte';
import OutcomeNew from './screens/people/OutcomeNew.svelte';
import Periods from './screens/people/Periods.svelte';
import Tokens from './screens/people/Tokens.svelte';
import Users from './screens/people/Users.svelte';
import Verify from './screens/people/Verify.svelte';
// Books and donors (books)
import Donors from './screens/books/Donors.svelte';
import EntryNew from './screens/books/EntryNew.svelte';
import EntryPage from './screens/books/EntryPage.svelte';
import FundPage from './screens/books/FundPage.svelte';
import Funds from './screens/books/Funds.svelte';
import TrialBalance from './screens/books/TrialBalance.svelte';
import DonorReport from './screens/reports/DonorReport.svelte';
// M-Pesa statements
import Mpesa from './screens/mpesa/Mpesa.svelte';
import MpesaStatement from './screens/mpesa/MpesaStatement.svelte';

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
  // ---- field, auditor and admin screens (people)
  { pattern: '/enrol', component: Enrol, roles: ['field', 'admin'], title: 'enrol.title' },
  { pattern: '/outcomes/new', component: OutcomeNew, roles: ['field'], title: 'outcome.title' },
  { pattern: '/verify', component: Verify, roles: ['auditor'], title: 'verify.title' },
  {
    pattern: '/audit-log',
    component: AuditLog,
    roles: ['auditor', 'admin'],
    title: 'auditLog.title',
  },
  { pattern: '/exports', component: Exports, roles: ['auditor'], title: 'exports.title' },
  { pattern: '/users', component: Users, roles: ['admin'], title: 'users.title' },
  { pattern: '/tokens', component: Tokens, roles: everyone, title: 'tokens.title' },
  { pattern: '/periods', component: Periods, roles: ['admin'], title: 'periods.title' },
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
  { pattern: '/mpesa', component: Mpesa, roles: books, title: 'mpesa.title' },
  { pattern: '/mpesa/:id', component: MpesaStatement, roles: books, title: 'mpesa.title' },
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
    { href: '/survivors', label: 'nav.survivors' },
    { href: '/awards', label: 'nav.awards' },
    { href: '/funds', label: 'nav.funds' },
    { href: '/mpesa', label: 'nav.mpesa' },
    { href: '/donors', label: 'nav.donors' },
    { href: '/entries/new', label: 'nav.entries' },
    { href: '/trial-balance', label: 'nav.trialBalance' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  // A person signed in with a password holds no API token: /tokens is in the admin's menu
  // only (anyone may still open it).
  field: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/survivors', label: 'nav.survivors' },
    { href: '/enrol', label: 'nav.enrol' },
  ],
  donor: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/funds', label: 'nav.funds' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  auditor: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/verify', label: 'nav.verify' },
    { href: '/trial-balance', label: 'nav.trialBalance' },
    { href: '/audit-log', label: 'nav.auditLog' },
    { href: '/exports', label: 'nav.exports' },
    { href: '/awards', label: 'nav.awards' },
    { href: '/funds', label: 'nav.funds' },
    { href: '/mpesa', label: 'nav.mpesa' },
    { href: '/reports/donor', label: 'nav.reports' },
  ],
  admin: [
    { href: '/', label: 'nav.dashboard' },
    { href: '/users', label: 'nav.users' },
    { href: '/tokens', label: 'nav.tokens' },
    { href: '/periods', label: 'nav.periods' },
    { href: '/enrol', label: 'nav.enrol' },
    { href: '/survivors', label: 'nav.survivors' },
    { href: '/audit-log', label: 'nav.auditLog' },
  ],
};
