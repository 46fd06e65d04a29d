// The one place in the web app that knows the API's paths, fields and problem+json
// (docs/api.md). Screens call the typed functions at the bottom; nothing else calls fetch.

/** One `errors[]` item of a problem: the body field at fault and why. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** Codes a 503 carries: nothing was recorded, and trying again later is right. */
export const UNAVAILABLE_CODES: readonly string[] = [
  'database_unavailable',
  'too_many_connections',
  'query_timeout',
];

/** A refused or failed request. `status` 0: the server was not reached (network, timeout). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | null;
  readonly errors: readonly FieldError[];
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfterS: number | null;
  /** Where in an uploaded file the problem is (1-based; 0: not at one), when it is there. */
  readonly line: number | null;
  readonly column: number | null;
  /** The registry matches a `409 registry_match_unacknowledged` lists; empty otherwise. */
  readonly matches: readonly RegistryMatch[];

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    requestId?: string | null;
    errors?: readonly FieldError[];
    retryAfterS?: number | null;
    line?: number | null;
    column?: number | null;
    matches?: readonly RegistryMatch[];
  }) {
    super(`${init.status} ${init.code}: ${init.detail ?? init.title}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail ?? '';
    this.requestId = init.requestId ?? null;
    this.errors = init.errors ?? [];
    this.retryAfterS = init.retryAfterS ?? null;
    this.line = init.line ?? null;
    this.column = init.column ?? null;
    this.matches = init.matches ?? [];
  }

  /** Nothing was recorded and the same request may be sent again (with the same key). */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 503;
  }
}

/** The `errors[]` of a problem by field name, first message per field. */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const item of error.errors) result[item.field] ??= item.message;
  return result;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A file sent as it is (an M-Pesa statement), instead of a JSON `body`. */
  file?: Blob;
  idempotencyKey?: string;
  /** Milliseconds before the client gives up (status 0, code `timeout`). */
  timeoutMs?: number;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DEFAULT_TIMEOUT_MS = 30_000;

export function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

function retryAfter(response: Response): number | null {
  const value = response.headers.get('Retry-After');
  if (value === null || !/^\d{1,9}$/.test(value)) return null;
  return Number.parseInt(value, 10);
}

/** Turns a non-2xx response into an ApiError, whether or not it is problem+json. */
export async function problemOf(response: Response): Promise<ApiError> {
  const common = { status: response.status, retryAfterS: retryAfter(response) };
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'string'
  ) {
    const problem = body as {
      code: string;
      title?: string;
      detail?: string;
      request_id?: string;
      errors?: FieldError[];
      line?: unknown;
      column?: unknown;
      matches?: unknown;
    };
    return new ApiError({
      ...common,
      code: problem.code,
      title: problem.title ?? response.statusText,
      detail: problem.detail ?? '',
      requestId: problem.request_id ?? null,
      errors: Array.isArray(problem.errors) ? problem.errors : [],
      line: typeof problem.line === 'number' ? problem.line : null,
      column: typeof problem.column === 'number' ? problem.column : null,
      matches: Array.isArray(problem.matches) ? (problem.matches as RegistryMatch[]) : [],
    });
  }
  return new ApiError({ ...common, code: `http_${response.status}`, title: response.statusText });
}

export class ApiClient {
  /** The session's CSRF token, sent on every unsafe method (SPEC §12). */
  csrfToken: string | null = null;
  /** Called when a request was refused 401: the session ended (idle, absolute, signed out). */
  onUnauthenticated: (() => void) | null = null;

  constructor(private readonly fetchImpl: Fetch) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.file !== undefined)
      headers['Content-Type'] =
        options.file.type === '' ? 'application/octet-stream' : options.file.type;
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    if (UNSAFE.has(method) && this.csrfToken !== null) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchImpl(withQuery(path, options.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: options.file ?? (options.body === undefined ? null : JSON.stringify(options.body)),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      const timeout = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiError({
        status: 0,
        code: timeout ? 'timeout' : 'network_error',
        title: timeout ? 'The server did not answer in time' : 'The server could not be reached',
      });
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      if (problem.status === 401 && path !== '/v1/session') this.onUnauthenticated?.();
      throw problem;
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query === undefined ? {} : { query });
  }

  post<T>(path: string, body: unknown, idempotencyKey?: string): Promise<T> {
    return this.request<T>(
      'POST',
      path,
      idempotencyKey === undefined ? { body } : { body, idempotencyKey },
    );
  }

  del<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** The app's client: same origin, the session cookie carries who is asking. */
export const api = new ApiClient((input, init) => fetch(input, init));

/** A same-origin link for a download (reports, exports): the cookie authenticates it. */
export function downloadUrl(path: string, query?: Query): string {
  return withQuery(path, query);
}

const segment = (value: string | number): string => encodeURIComponent(String(value));

// ---------------------------------------------------------------------------------------
// Types of the answers screens use (docs/api.md). Amounts are decimal strings, always.

export type Role = 'admin' | 'finance' | 'field' | 'donor' | 'auditor';

export interface Me {
  user_id?: string;
  token_id?: string;
  name: string;
  role: Role;
  funds: string[];
}

export interface SessionInfo {
  csrf_token: string | null;
  me: Me;
}

/** Every list: `next` is the cursor for the following page, or null on the last one. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface PageQuery extends Query {
  limit?: number;
  after?: string | null;
}

// ---- Sessions and passwords (SPEC §12)
export const sessions = {
  signIn: (username: string, password: string) =>
    api.post<SessionInfo>('/v1/session', { username, password }),
  current: () => api.get<SessionInfo>('/v1/session'),
  signOut: () => api.del<undefined>('/v1/session'),
  setPassword: (code: string, password: string) =>
    api.post<undefined>('/v1/password', { code, password }),
};

// ---- Dashboard (docs/api.md, GET /v1/dashboard)
export interface FinanceDashboard {
  role: 'finance';
  today: string;
  month: { from: string; to: string };
  funds: { fund: string; currency: string; cash: string; month_in: string; month_out: string }[];
  arrears: { currency: string; buckets: { days: string; loans: number }[] }[];
}
export interface DonorDashboard {
  role: 'donor';
  today: string;
  funds: {
    fund: string;
    currency: string;
    committed: string;
    received: string;
    disbursed: string;
    received_share: string | null;
    disbursed_share: string | null;
  }[];
}
export interface LastVerify {
  at: string;
  by: string;
  ok: boolean;
}
export interface AuditorDashboard {
  role: 'auditor';
  today: string;
  last_verify: LastVerify | null;
  journal_head: { seq: number; hash: string };
}
export interface FieldDashboard {
  role: 'field';
  today: string;
  enrolments: {
    total: number;
    recent: { survivor: string; cohort: string; enrolled_on: string }[];
  };
  outcomes_due: {
    survivor: string;
    due_on: string;
    months_after_first_disbursement: number;
    window_closes_on: string;
  }[];
}
export interface AdminDashboard {
  role: 'admin';
  today: string;
  records: { donors: number; funds: number; cohorts: number; survivors: number; awards: number };
  last_closed_period: string | null;
  last_verify: LastVerify | null;
}
export type Dashboard =
  FinanceDashboard | DonorDashboard | AuditorDashboard | FieldDashboard | AdminDashboard;

export const dashboard = () => api.get<Dashboard>('/v1/dashboard');

// ---- Survivors and cohorts (SPEC §13)
/**
 * Another organisation of the consortium supports someone who may be this survivor (SPEC
 * §16, docs/registry.md). No PII: who, since when, what support, how sure, and the id both
 * organisations see.
 */
export interface RegistryMatch {
  match: string;
  organisation: string;
  organisation_name: string;
  /** YYYY-MM, when the other organisation enrolled them. */
  since: string;
  support: 'none' | 'grant' | 'loan';
  kind: 'exact' | 'probable';
  score: string;
  found_at: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}
/** `checked`: the hub answered; `queued`: it will be asked again; `off`: no hub here. */
export type RegistryStatus = 'checked' | 'queued' | 'off';
export interface Registry {
  status: RegistryStatus;
  matches: RegistryMatch[];
}
export interface Survivor {
  code: string;
  cohort: string;
  county: string;
  gender: string;
  birth_year: number | null;
  enrolled_on: string;
  consent: { donor_reporting: boolean; follow_up: boolean };
  /** One survivor's answers (enrolment, GET by code) have it; list items do not. */
  registry?: Registry;
}
export interface Cohort {
  code: string;
  name: string;
  county: string;
  starts_on: string;
}

export const survivors = {
  list: (query: PageQuery & { cohort?: string; county?: string; q?: string }) =>
    api.get<Page<Survivor>>('/v1/survivors', query),
  get: (code: string) => api.get<Survivor>(`/v1/survivors/${segment(code)}`),
};

export const cohorts = {
  list: (query: PageQuery = {}) => api.get<Page<Cohort>>('/v1/cohorts', query),
};

// ---- Awards, money events, survivor pages (loans)
export type AwardKind = 'grant' | 'loan';
export type AwardStatus = 'approved' | 'active' | 'repaid' | 'written_off' | 'forgiven' | 'closed';
export type Channel = 'mpesa' | 'bank' | 'cash' | 'in_kind';

/** A loan's terms as POST /v1/awards and POST /v1/schedules/preview read them. */
export interface LoanTerms {
  interest_rate: string;
  interest_period?: 'year' | 'month';
  interest_method?: 'declining_balance' | 'flat';
  amortization?: 'equal_installments' | 'equal_principal';
  installments: number;
  repayment_every?: number;
  repayment_unit?: 'months' | 'weeks' | 'days';
  first_due_on?: string | null;
  grace_on_principal?: number;
  grace_on_interest?: number;
}

export interface Installment {
  n: number;
  due_on: string;
  principal: string;
  interest: string;
  total: string;
  balance: string;
}

/** An installment of an award's schedule with what is paid of it. */
export interface PaidInstallment extends Installment {
  principal_paid: string;
  interest_paid: string;
  paid: boolean;
}

export interface SchedulePreview {
  installments: Installment[];
  totals: { principal: string; interest: string; total: string };
}

/** What every award answer has: who, from where, how much, and where it stands today. */
export interface AwardBase {
  id: string;
  survivor: string;
  fund: string;
  kind: AwardKind;
  status: AwardStatus;
  currency: string;
  amount: string;
  approved_on: string;
  disbursed: string;
  remaining: string;
  outstanding: string;
  days_in_arrears: number;
}

/** An item of GET /v1/awards. */
export interface AwardSummary extends AwardBase {
  oldest_due_on: string | null;
}

/** GET /v1/awards/{id}: the award with all its figures and its schedule. */
export interface Award extends AwardBase {
  purpose: string;
  business_sector: string;
  loan: (LoanTerms & { interest_period: string; repayment_unit: string }) | null;
  as_of: string;
  fees: string;
  principal_repaid: string;
  interest_paid: string;
  repaid: string;
  overpaid: string;
  written_off: string;
  forgiven: string;
  recovered: string;
  first_disbursed_on: string | null;
  overdue: { principal: string; interest: string; oldest_due_on: string } | null;
  schedule: PaidInstallment[];
}

export interface NewAward {
  survivor: string;
  fund: string;
  kind: AwardKind;
  amount: string;
  approved_on: string;
  purpose: string;
  business_sector: string;
  loan?: LoanTerms;
  /** The ids of the survivor's registry matches the finance officer has seen. */
  registry_acknowledged?: string[];
}

export interface Posting {
  account: string;
  fund: string;
  currency: string;
  amount: string;
  survivor: string | null;
  award: string | null;
}

/** A journal entry as the money events answer it. */
export interface AwardEntry {
  id: string;
  seq: number;
  effective_on: string;
  memo: string;
  event: string;
  postings: Posting[];
}

export interface Allocation {
  /** Not sent by today's server; shown when a later one sends it. */
  fees?: string;
  interest: string;
  principal: string;
  overpayment: string;
  installments: { n: number; interest: string; principal: string }[];
}

export interface Disbursement {
  award: string;
  amount: string;
  disbursed_on: string;
  channel: Channel;
  reference: string;
  fee?: string;
}

export interface Repayment {
  award: string;
  amount: string;
  paid_on: string;
  channel: Exclude<Channel, 'in_kind'>;
  reference: string;
}

/** A fund to choose for an award: its code, name, currency and available cash. */
export interface FundChoice {
  code: string;
  name: string;
  currency: string;
  balances: { available_cash: string };
}

export interface SurvivorIdentity extends Survivor {
  pii_erased_at: string | null;
  pii: { full_name: string; phone: string | null; national_id: string | null };
}

export interface Outcome {
  id: string;
  survivor: string;
  observed_on: string;
  business_status: 'operating' | 'closed' | 'not_started';
  currency: string;
  monthly_revenue: string;
  monthly_profit: string;
  household_income: string;
  savings: string;
  jobs: number;
}

export const loans = {
  awards: (
    query: PageQuery & {
      fund?: string;
      survivor?: string;
      kind?: string;
      status?: string;
      min_days_late?: string;
      sort?: 'approved_on' | 'days_late';
    },
  ) => api.get<Page<AwardSummary>>('/v1/awards', query),
  award: (id: string) => api.get<Award>(`/v1/awards/${segment(id)}`),
  createAward: (body: NewAward, key: string) =>
    api.post<{ id: string; status: AwardStatus }>('/v1/awards', body, key),
  preview: (body: { amount: string; currency: string; disbursed_on: string; loan: LoanTerms }) =>
    api.post<SchedulePreview>('/v1/schedules/preview', body),
  disburse: (body: Disbursement, key: string) =>
    api.post<AwardEntry>('/v1/disbursements', body, key),
  repay: (body: Repayment, key: string) =>
    api.post<AwardEntry & { allocation?: Allocation }>('/v1/repayments', body, key),
  close: (
    id: string,
    how: 'write-off' | 'forgive',
    body: { on: string; reason: string },
    key: string,
  ) => api.post<AwardEntry>(`/v1/awards/${segment(id)}/${how}`, body, key),
  funds: () => api.get<Page<FundChoice>>('/v1/funds', { limit: 1000 }),
  identity: (code: string) =>
    api.get<SurvivorIdentity>(`/v1/survivors/${segment(code)}`, { include: 'pii' }),
  outcomes: (query: PageQuery & { survivor: string }) =>
    api.get<Page<Outcome>>('/v1/outcomes', query),
};

// ---- Enrolment, outcomes, audit, users, tokens and periods (people)
export type Gender = 'female' | 'male' | 'other' | 'undisclosed';
export interface EnrolRequest {
  cohort: string;
  gender: Gender;
  birth_year: number;
  county: string;
  enrolled_on: string;
  consent: { donor_reporting: boolean; follow_up: boolean };
  pii: { full_name: string; phone?: string; national_id?: string };
}

export type BusinessStatus = 'operating' | 'closed' | 'not_started';
export interface OutcomeRequest {
  survivor: string;
  observed_on: string;
  business_status: BusinessStatus;
  monthly_revenue: string;
  monthly_profit: string;
  household_income: string;
  savings: string;
  jobs: number;
  currency?: string;
}
export interface Outcome extends OutcomeRequest {
  id: string;
  currency: string;
}

export interface VerifyCheck {
  name: string;
  ok: boolean;
  examined: number;
  detail: string;
  first_entry?: number;
}
export interface VerifyResult {
  ok: boolean;
  entries_checked: number;
  head_hash: string;
  checks: VerifyCheck[];
}

export interface AuditLine {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: string;
  request_id: string;
  hash: string;
  prev_hash: string;
}
export interface AuditLogQuery extends PageQuery {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
}
export type ExportFormat = 'hledger' | 'ledger' | 'beancount' | 'csv';

export interface User {
  id: number;
  username: string;
  name: string;
  role: Role;
  funds: string[];
  has_password: boolean;
  disabled: boolean;
}
export interface SetPasswordLink {
  code: string;
  path: string;
  valid_hours: number;
}
export interface UserWithLink extends User {
  set_password: SetPasswordLink;
}
export interface NewUser {
  username: string;
  name: string;
  role: Role;
  funds?: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role | 'metrics';
  funds: string[];
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface ClosedPeriod {
  period: string;
  closed_at: string;
  closed_by: string;
  closed_after_seq: number;
}

export const enrolment = {
  enrol: (body: EnrolRequest, key: string) => api.post<Survivor>('/v1/survivors', body, key),
  newCohort: (body: Cohort, key: string) => api.post<Cohort>('/v1/cohorts', body, key),
};

export const outcomes = {
  record: (body: OutcomeRequest, key: string) => api.post<Outcome>('/v1/outcomes', body, key),
};

export const audit = {
  verify: () => api.get<VerifyResult>('/v1/audit/verify'),
  log: (query: AuditLogQuery) => api.get<Page<AuditLine>>('/v1/audit/log', query),
  exportUrl: (format: ExportFormat, from: string, to: string) =>
    downloadUrl('/v1/audit/export', { format, from, to }),
};

export const users = {
  list: (query: PageQuery = {}) => api.get<Page<User>>('/v1/users', query),
  create: (body: NewUser) => api.post<UserWithLink>('/v1/users', body),
  disable: (id: number) => api.post<User>(`/v1/users/${segment(id)}/disable`, {}),
  reset: (id: number) => api.post<UserWithLink>(`/v1/users/${segment(id)}/reset`, {}),
};

export const tokens = {
  list: (query: PageQuery = {}) => api.get<Page<ApiToken>>('/v1/tokens', query),
  revoke: (id: string) => api.del<ApiToken>(`/v1/tokens/${segment(id)}`),
};

export const periods = {
  list: (query: PageQuery = {}) => api.get<Page<ClosedPeriod>>('/v1/periods', query),
  close: (period: string) => api.post<ClosedPeriod>(`/v1/periods/${segment(period)}/close`, {}),
};

// ---- Funds, donors, manual entries, trial balance and the donor report (books)
export interface Donor {
  code: string;
  name: string;
}
export interface FundBalances {
  available_cash: string;
  disbursed: string;
  fees: string;
  forgiven: string;
  interest_paid: string;
  loans_outstanding: string;
  principal_repaid: string;
  received: string;
  recovered: string;
  repaid: string;
  written_off: string;
}
export interface Fund {
  code: string;
  name: string;
  donor: string;
  currency: string;
  restricted: boolean;
  starts_on: string | null;
  ends_on: string | null;
  committed_amount: string | null;
  balances: FundBalances;
}
/** Shares of the commitment, 4 places HALF_EVEN; null without a commitment. */
export interface FundShares {
  received: string | null;
  disbursed: string | null;
  spent: string | null;
  available: string | null;
}
export interface FundListItem extends Fund {
  shares: FundShares | null;
}
export interface FundRequest {
  code: string;
  donor: string;
  name: string;
  currency: string;
  restricted: boolean;
  starts_on?: string;
  ends_on?: string;
  committed_amount?: string;
}
/** How money comes into a fund: no receipt is in kind. */
export type ReceiptChannel = Exclude<Channel, 'in_kind'>;
export interface Receipt {
  amount: string;
  currency: string;
  channel: ReceiptChannel;
  entry: number;
  received_on: string;
  reference: string;
  reversed: boolean;
}
export interface ReceiptRequest {
  amount: string;
  received_on: string;
  channel: ReceiptChannel;
  reference: string;
}
export interface Account {
  code: string;
  name: string;
  type: string;
}
export interface Entry {
  id: string;
  seq: number;
  effective_on: string;
  memo: string;
  event: string;
  recorded_by: string;
  recorded_at: string;
  reverses: string | null;
  prev_hash: string;
  hash: string;
  postings: Posting[];
}
export interface EntryRequest {
  effective_on: string;
  memo: string;
  postings: { account: string; fund: string; amount: string }[];
}
export interface TrialBalanceRow {
  account: string;
  name: string;
  type: string;
  fund: string;
  currency: string;
  debit: string;
  credit: string;
}
export interface TrialBalance {
  as_of: string | null;
  fund: string | null;
  rows: TrialBalanceRow[];
  totals: { currency: string; debit: string; credit: string; balanced: boolean }[];
}
/** A count of people in the donor report: a number, `"<5"` or `"suppressed"`. */
export type ReportCount = number | string;
export interface DonorReport {
  fund: string;
  fund_name: string;
  donor: string;
  currency: string;
  from: string;
  to: string;
  /** The fund against its commitment up to `to` (newer servers; absent from older ones). */
  commitment?: {
    committed: string | null;
    received: string;
    disbursed: string;
    spent: string;
    received_share: string | null;
    disbursed_share: string | null;
    spent_share: string | null;
  };
  fund_statement: Record<string, string>;
  money_by_month: { month: string; in: string; out: string }[];
  reach: { survivors: ReportCount; by: Record<string, Record<string, ReportCount>> };
  awards: Record<string, string | number | boolean | null>;
  loans: Record<string, string | number | boolean | null>;
  outcomes: Record<string, string | number | boolean | null>;
  notes: string[];
}
export type DonorReportFormat = 'json' | 'csv' | 'html' | 'pdf' | 'xlsx';

export const donors = {
  list: (query: PageQuery = {}) => api.get<Page<Donor>>('/v1/donors', query),
  create: (body: Donor, key: string) => api.post<Donor>('/v1/donors', body, key),
};
export const funds = {
  list: (query: PageQuery = {}) => api.get<Page<FundListItem>>('/v1/funds', query),
  get: (code: string) => api.get<Fund>(`/v1/funds/${segment(code)}`),
  create: (body: FundRequest, key: string) => api.post<Fund>('/v1/funds', body, key),
  receipts: (code: string, query: PageQuery = {}) =>
    api.get<Page<Receipt>>(`/v1/funds/${segment(code)}/receipts`, query),
  recordReceipt: (code: string, body: ReceiptRequest, key: string) =>
    api.post<Entry>(`/v1/funds/${segment(code)}/receipts`, body, key),
};
export const accounts = {
  list: () => api.get<Page<Account>>('/v1/accounts', { limit: 1000 }),
};
export const entries = {
  get: (id: string) => api.get<Entry>(`/v1/entries/${segment(id)}`),
  create: (body: EntryRequest, key: string) => api.post<Entry>('/v1/entries', body, key),
  reverse: (id: string, body: { effective_on: string; memo: string }, key: string) =>
    api.post<Entry>(`/v1/entries/${segment(id)}/reverse`, body, key),
};
export const trialBalance = {
  get: (query: { as_of?: string; fund?: string }) =>
    api.get<TrialBalance>('/v1/audit/trial-balance', query),
  csvUrl: (query: { as_of?: string; fund?: string }) =>
    downloadUrl('/v1/audit/trial-balance', { ...query, format: 'csv' }),
};
export const donorReport = {
  get: (query: { fund: string; from: string; to: string }) =>
    api.get<DonorReport>('/v1/reports/donor', { ...query, format: 'json' }),
  url: (query: { fund: string; from: string; to: string }, format: DonorReportFormat) =>
    downloadUrl('/v1/reports/donor', { ...query, format }),
};

// ---- M-Pesa statements (SPEC §15; docs/api.md "M-Pesa")
export type MatchState = 'matched' | 'proposed' | 'charge' | 'ignored' | 'unmatched';
export const MATCH_STATES: readonly MatchState[] = [
  'proposed',
  'matched',
  'charge',
  'ignored',
  'unmatched',
];

export interface StatementLine {
  line: number;
  receipt: string;
  completed_at: string;
  status: string;
  paid_in: string;
  withdrawn: string;
  balance: string | null;
  reason_type: string;
  linked_receipt: string | null;
  /** What the payer typed (right after an upload), or the award id or survivor code kept. */
  account_number: string | null;
  state: MatchState;
  reason: string | null;
  entry: number | null;
  award: string | null;
  /** A proposed line, right after an upload: what the core would post. */
  allocation?: { interest: string; principal: string; overpayment: string };
}

export interface StateTotal {
  lines: number;
  paid_in: string;
  withdrawn: string;
}

export interface StatementSummary {
  /** null for a dry run: nothing was kept. */
  statement: number | null;
  dry_run: boolean;
  fund: string;
  account: string;
  currency: string;
  file_sha256: string;
  format: 'csv' | 'xlsx';
  imported_by: string | null;
  imported_at: string | null;
  window_days: number;
  first_at: string | null;
  last_at: string | null;
  opening_balance: string | null;
  closing_balance: string | null;
  posted: number;
}

export interface StatementImport extends StatementSummary {
  totals: Record<MatchState, StateTotal>;
  lines: StatementLine[];
}

export interface StatementListItem extends StatementSummary {
  /** The number of lines. */
  lines: number;
}

export interface Difference {
  line: number | null;
  receipt: string | null;
  entry: number | null;
  day: string;
  amount: string;
  reason: string;
  award: string | null;
}

export type Verdict = 'reconciled' | 'explained' | 'unexplained' | 'no_balances';

export interface Reconciliation {
  statement: number;
  fund: string;
  account: string;
  currency: string;
  from: string;
  to: string;
  statement_balances: { opening: string | null; movement: string; closing: string | null };
  ledger_balances: { opening: string; movement: string; closing: string };
  on_statement_not_in_ledger: { total: string; items: Difference[] };
  in_ledger_not_on_statement: { total: string; items: Difference[] };
  verdict: Verdict;
  unexplained: string;
  summary: string;
}

/** A statement's upload and posting can take seconds: this long before the client gives up. */
const STATEMENT_TIMEOUT_MS = 120_000;

export const mpesa = {
  /** Checks (dryRun) or posts the statement `file` for `fund`. Posting needs a key. */
  upload: (fund: string, file: Blob, dryRun: boolean, idempotencyKey?: string) =>
    api.request<StatementImport>('POST', '/v1/mpesa/statements', {
      query: { fund, account: '1020', dry_run: dryRun },
      file,
      timeoutMs: STATEMENT_TIMEOUT_MS,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    }),
  list: (fund: string, query: PageQuery = {}) =>
    api.get<Page<StatementListItem>>('/v1/mpesa/statements', { fund, ...query }),
  get: (id: number) => api.get<StatementImport>(`/v1/mpesa/statements/${segment(id)}`),
  reconciliation: (id: number) =>
    api.get<Reconciliation>('/v1/mpesa/reconciliation', { statement: id }),
  reconciliationUrl: (id: number, format: 'csv' | 'xlsx') =>
    downloadUrl('/v1/mpesa/reconciliation', { statement: id, format }),
};
