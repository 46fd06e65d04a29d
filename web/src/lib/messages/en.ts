// Every string the app shows, in English. messages/sw.ts has the same keys in Kiswahili
// (the type checker refuses a missing one). Keys are grouped by screen.
export const en = {
  // Shell
  'app.name': 'Riziki',
  'app.skip': 'Skip to content',
  'app.menu': 'Menu',
  'app.language': 'Language',
  'app.signOut': 'Sign out',
  'app.signedInAs': 'Signed in as {name} ({role})',
  'app.loading': 'Loading…',
  'app.notFound': 'There is no such page.',
  'app.notAllowed': 'Your role may not open this page.',
  'app.home': 'Go to the first page',
  'app.more': 'Show more',
  'app.none': 'Nothing here yet.',
  'app.save': 'Save',
  'app.cancel': 'Cancel',
  'app.confirm': 'Confirm',
  'app.close': 'Close',
  'app.retry': 'Try again',

  // Roles
  'role.admin': 'administrator',
  'role.finance': 'finance officer',
  'role.field': 'field officer',
  'role.donor': 'donor',
  'role.auditor': 'auditor',

  // Navigation
  'nav.dashboard': 'Home',
  'nav.survivors': 'Survivors',
  'nav.enrol': 'Enrol',
  'nav.awards': 'Awards',
  'nav.funds': 'Funds',
  'nav.donors': 'Donors',
  'nav.entries': 'Manual entry',
  'nav.trialBalance': 'Trial balance',
  'nav.verify': 'Verify',
  'nav.auditLog': 'Audit log',
  'nav.exports': 'Exports',
  'nav.reports': 'Reports',
  'nav.users': 'Users',
  'nav.tokens': 'Tokens',
  'nav.periods': 'Periods',

  // Problems (ApiError shown to people)
  'problem.unavailable': 'The books are unavailable; nothing was recorded. Try again.',
  'problem.network': 'The server could not be reached; nothing was recorded. Try again.',
  'problem.fields': 'Some fields need attention; see the messages next to them.',
  'problem.forbidden': 'Your role may not do this.',
  'problem.notFound': 'Not found.',
  'problem.conflict': 'This cannot be done now: {detail}',
  'problem.tooMany': 'Too many attempts. Wait {wait} and try again.',
  'problem.other': 'Something went wrong ({code}). Reference: {requestId}',

  // Durations, in words
  'wait.seconds': '{n} seconds',
  'wait.second': '1 second',
  'wait.minutes': '{n} minutes',
  'wait.minute': '1 minute',

  // Sign in
  'signIn.title': 'Sign in',
  'signIn.intro': 'Sign in with the username and password your administrator gave you.',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.invalid': 'The username or password is wrong.',
  'signIn.disabled': 'This account is disabled. Ask your administrator.',
  'signIn.delay': 'Too many failed attempts. You can try again in {wait}.',
  'signIn.expired': 'Your session ended. Sign in again to go back to where you were.',

  // Set password
  'setPassword.title': 'Choose your password',
  'setPassword.intro':
    'At least 12 characters. A few unrelated words with spaces are easy to remember and hard to guess.',
  'setPassword.password': 'New password',
  'setPassword.again': 'The same password again',
  'setPassword.mismatch': 'The two passwords are not the same.',
  'setPassword.submit': 'Set password',
  'setPassword.done': 'Your password is set. You can sign in now.',

  // Money input
  'money.blank': 'Enter an amount.',
  'money.not_a_number': 'Enter an amount such as 1,500.00.',
  'money.too_many_decimals': 'Too many decimals for {currency}.',
  'money.negative': 'The amount cannot be negative.',
  'money.zero': 'The amount cannot be zero.',
  'money.too_large': 'The amount is too large.',
  'money.unknown_currency': 'Unknown currency.',

  // Dashboard
  'dashboard.title': 'Home',
  'dashboard.today': 'Today is {date}',
} as const;

export type MessageKey = keyof typeof en;
