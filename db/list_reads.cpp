// The read side's lists (SPEC §13): one query per page, in keyset order, with the caller's
// scope inside the query. Each order has its index (migration 0022).

#include "db/list_reads.hpp"

#include <limits>
#include <map>
#include <set>

#include "db/bytes.hpp"
#include "db/pool_impl.hpp"
#include "db/record_rows.hpp"

namespace riziki::db {

namespace {

// `:all` is 1 for a caller who sees every fund; otherwise `:scope` (a text[] literal)
// names the funds it may see.
constexpr const char* kDonors = R"(
SELECT d.code, d.name FROM donors d
WHERE d.code > :after
  AND (:all <> 0 OR EXISTS (SELECT 1 FROM funds f
                            WHERE f.donor = d.code AND f.code = ANY(CAST(:scope AS text[]))))
ORDER BY d.code LIMIT :lim)";

const std::string kFunds = std::string("SELECT ") + kFundColumns + R"(
FROM funds f
WHERE f.code > :after AND (:all <> 0 OR f.code = ANY(CAST(:scope AS text[])))
ORDER BY f.code LIMIT :lim)";

// The page's funds' figures, for add_fund_sum to fold.
constexpr const char* kFundSumsOf = R"(
SELECT fund, account, counts_as, first_on::text, amount_minor::text FROM fund_sums
WHERE fund = ANY(CAST(:funds AS text[])))";

constexpr const char* kCohorts = R"(
SELECT code, name, county, starts_on::text FROM cohorts
WHERE code > :after ORDER BY code LIMIT :lim)";

// An empty filter matches every row. Parameters are bound by position, each place once. The code
// prefix is a range of the primary key
// (`:qe` is the prefix with its last character's successor), so it is read by index.
const std::string kSurvivors = std::string("SELECT ") + kSurvivorColumns + R"(
FROM survivors s
WHERE s.code > :after
  AND (:co = '' OR s.cohort = :co) AND (:k = '' OR s.county = :k)
  AND (:g = '' OR s.gender = :g)
  AND (:ef = '' OR s.enrolled_on >= CAST(NULLIF(:ef, '') AS date))
  AND (:et = '' OR s.enrolled_on <= CAST(NULLIF(:et, '') AS date))
  AND (:q = '' OR (s.code >= :q AND s.code < :qe))
ORDER BY s.code LIMIT :lim)";

// A receipt is an entry of event `receipt`; its 4100 posting carries the fund and amount,
// its other posting the cash account, payment_references the reference.
constexpr const char* kReceipts = R"(
SELECT p.entry_seq, p.effective_on::text, (-p.amount_minor)::text, p.currency,
       COALESCE((SELECT c.account FROM postings c
                 WHERE c.entry_seq = p.entry_seq AND c.line <> p.line
                 ORDER BY c.line LIMIT 1), ''),
       COALESCE((SELECT r.reference FROM payment_references r
                 WHERE r.entry_seq = p.entry_seq LIMIT 1), ''),
       CASE WHEN EXISTS (SELECT 1 FROM entries x WHERE x.reverses = p.entry_seq)
            THEN 1 ELSE 0 END
FROM postings p JOIN entries e ON e.seq = p.entry_seq
WHERE p.fund = :f AND p.account = '4100' AND p.counts_as = 'receipt' AND e.event = 'receipt'
  AND p.entry_seq < :before
ORDER BY p.entry_seq DESC LIMIT :lim)";

// ORDER BY names the table's columns: a bare `observed_on` would be the text output column of
// the same name, which no index serves (a sort of every outcome: 147 ms at 230,000).
constexpr const char* kOutcomes = R"(
SELECT id, survivor, observed_on::text, business_status, currency,
       monthly_revenue_minor::text, monthly_profit_minor::text, household_income_minor::text,
       savings_minor::text, jobs
FROM outcomes
WHERE (:s = '' OR survivor = :s)
  AND (:f = '' OR observed_on >= CAST(NULLIF(:f, '') AS date))
  AND (:t = '' OR observed_on <= CAST(NULLIF(:t, '') AS date))
  AND (:ad = '' OR (observed_on, id) < (CAST(NULLIF(:ad, '') AS date), :aid))
ORDER BY outcomes.observed_on DESC, outcomes.id DESC LIMIT :lim)";

constexpr const char* kSurvivorByIndex = R"(
SELECT survivor FROM survivor_blind_index WHERE kind = :k AND digest = decode(:d, 'hex'))";

/// A PostgreSQL text[] literal of `values`, each quoted.
std::string text_array(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const auto& value : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (char c : value) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string optional_date(const std::optional<ledger::Date>& date) {
    return date ? ledger::format_date(*date) : "";
}

/// The first text after every text that starts with `prefix` (its last character's
/// successor; the survivor code alphabet is ASCII).
std::string prefix_end(std::string prefix) {
    if (!prefix.empty())
        prefix.back() = static_cast<char>(prefix.back() + 1);
    return prefix;
}

}  // namespace

std::vector<DonorRecord> ListReads::donors(const FundScope& scope, const std::string& after,
                                           std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const int all = scope.all ? 1 : 0;
        const std::string funds = text_array(scope.funds);
        const auto lim = static_cast<long long>(limit);
        soci::rowset<soci::row> rows = (sql.prepare << kDonors, soci::use(after), soci::use(all),
                                        soci::use(funds), soci::use(lim));
        std::vector<DonorRecord> out;
        for (const auto& row : rows)
            out.push_back({row.get<std::string>(0), row.get<std::string>(1)});
        return out;
    });
}

std::vector<FundRow> ListReads::funds(const FundScope& scope, const std::string& after,
                                      std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const int all = scope.all ? 1 : 0;
        const std::string funds = text_array(scope.funds);
        const auto lim = static_cast<long long>(limit);
        std::vector<FundRow> out;
        std::vector<std::string> codes;
        {
            soci::rowset<soci::row> rows = (sql.prepare << kFunds, soci::use(after), soci::use(all),
                                            soci::use(funds), soci::use(lim));
            for (const auto& row : rows) {
                out.push_back({fund_from_row(row), {}});
                codes.push_back(out.back().fund.code);
            }
        }
        if (codes.empty())
            return out;
        std::map<std::string, ledger::FundFigures> figures;
        const std::string page = text_array(codes);
        soci::rowset<soci::row> rows = (sql.prepare << kFundSumsOf, soci::use(page));
        for (const auto& row : rows)
            add_fund_sum(figures[row.get<std::string>(0)], row, 1);
        for (auto& fund : out)
            fund.figures = figures[fund.fund.code];
        return out;
    });
}

std::vector<CohortRecord> ListReads::cohorts(const std::string& after, std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const auto lim = static_cast<long long>(limit);
        soci::rowset<soci::row> rows = (sql.prepare << kCohorts, soci::use(after), soci::use(lim));
        std::vector<CohortRecord> out;
        for (const auto& row : rows) {
            out.push_back({row.get<std::string>(0), row.get<std::string>(1),
                           row.get<std::string>(2), *ledger::parse_date(row.get<std::string>(3))});
        }
        return out;
    });
}

std::vector<SurvivorRecord> ListReads::survivors(const SurvivorFilter& filter,
                                                 const std::string& after, std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const std::string from = optional_date(filter.enrolled_from);
        const std::string to = optional_date(filter.enrolled_to);
        const std::string end = prefix_end(filter.code_prefix);
        const auto lim = static_cast<long long>(limit);
        soci::rowset<soci::row> rows =
            (sql.prepare << kSurvivors, soci::use(after), soci::use(filter.cohort),
             soci::use(filter.cohort), soci::use(filter.county), soci::use(filter.county),
             soci::use(filter.gender), soci::use(filter.gender), soci::use(from), soci::use(from),
             soci::use(to), soci::use(to), soci::use(filter.code_prefix),
             soci::use(filter.code_prefix), soci::use(end), soci::use(lim));
        std::vector<SurvivorRecord> out;
        for (const auto& row : rows)
            out.push_back(survivor_from_row(row));
        return out;
    });
}

std::vector<ReceiptRow> ListReads::receipts(const std::string& fund,
                                            std::optional<std::int64_t> before_seq,
                                            std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const long long before = before_seq.value_or(std::numeric_limits<std::int64_t>::max());
        const auto lim = static_cast<long long>(limit);
        soci::rowset<soci::row> rows =
            (sql.prepare << kReceipts, soci::use(fund), soci::use(before), soci::use(lim));
        std::vector<ReceiptRow> out;
        for (const auto& row : rows) {
            ReceiptRow r;
            r.seq = row.get<long long>(0);
            r.received_on = *ledger::parse_date(row.get<std::string>(1));
            r.amount = amount_from_text(row.get<std::string>(2));
            r.currency = row.get<std::string>(3);
            r.cash_account = row.get<std::string>(4);
            r.reference = row.get<std::string>(5);
            r.reversed = row.get<int>(6) != 0;
            out.push_back(std::move(r));
        }
        return out;
    });
}

std::vector<OutcomeRecord> ListReads::outcomes(const OutcomeFilter& filter,
                                               const std::optional<OutcomeKey>& after,
                                               std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const std::string from = optional_date(filter.from);
        const std::string to = optional_date(filter.to);
        const std::string after_on = after ? ledger::format_date(after->observed_on) : "";
        const long long after_id = after ? after->id : 0;
        const auto lim = static_cast<long long>(limit);
        soci::rowset<soci::row> rows =
            (sql.prepare << kOutcomes, soci::use(filter.survivor), soci::use(filter.survivor),
             soci::use(from), soci::use(from), soci::use(to), soci::use(to), soci::use(after_on),
             soci::use(after_on), soci::use(after_id), soci::use(lim));
        std::vector<OutcomeRecord> out;
        for (const auto& row : rows) {
            OutcomeRecord o;
            o.id = row.get<long long>(0);
            o.survivor = row.get<std::string>(1);
            o.observed_on = *ledger::parse_date(row.get<std::string>(2));
            o.business_status = row.get<std::string>(3);
            o.currency = row.get<std::string>(4);
            o.monthly_revenue = amount_from_text(row.get<std::string>(5));
            o.monthly_profit = amount_from_text(row.get<std::string>(6));
            o.household_income = amount_from_text(row.get<std::string>(7));
            o.savings = amount_from_text(row.get<std::string>(8));
            o.jobs = row.get<int>(9);
            out.push_back(std::move(o));
        }
        return out;
    });
}

std::vector<std::string> ListReads::survivors_by_index(const std::vector<BlindIndex>& indexes) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::set<std::string> found;
        for (const auto& index : indexes) {
            const std::string digest = hex_of(index.digest);
            soci::rowset<std::string> rows =
                (sql.prepare << kSurvivorByIndex, soci::use(index.kind), soci::use(digest));
            for (const auto& code : rows)
                found.insert(code);
        }
        return std::vector<std::string>(found.begin(), found.end());
    });
}

}  // namespace riziki::db
