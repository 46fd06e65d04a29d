// What reports read: one query set per report, in one snapshot.

#include "db/awards_sql.hpp"
#include "db/store_impl.hpp"

namespace riziki::db {

namespace {

// A reversal counts under the event of the entry it reverses.
constexpr const char* kFundDaySums = R"(
SELECT e.effective_on::text, p.account, COALESCE(o.event, e.event), sum(p.amount_minor)::text
FROM postings p JOIN entries e ON e.seq = p.entry_seq
LEFT JOIN entries o ON o.seq = e.reverses
WHERE p.fund = :f AND e.effective_on <= CAST(:to AS date)
GROUP BY 1, 2, 3)";

// Awards of one fund (:f), or every loan (:f empty), with their postings.
constexpr const char* kAwardPostings = R"(
SELECT p.award, e.effective_on::text, p.account, COALESCE(o.event, e.event),
       sum(p.amount_minor)::text
FROM awards a JOIN postings p ON p.award = a.id
JOIN entries e ON e.seq = p.entry_seq
LEFT JOIN entries o ON o.seq = e.reverses
WHERE (a.fund = :f OR (:f = '' AND a.kind = 'loan')) AND e.effective_on <= CAST(:to AS date)
GROUP BY 1, 2, 3, 4)";

constexpr const char* kSurvivors = R"(
SELECT a.id, s.code, s.gender, s.birth_year, s.county, s.cohort,
       CASE WHEN s.consent_donor_reporting THEN 1 ELSE 0 END
FROM awards a JOIN survivors s ON s.code = a.survivor
WHERE (a.fund = :f OR (:f = '' AND a.kind = 'loan')) AND a.approved_on <= CAST(:to AS date))";

constexpr const char* kOutcomes = R"(
SELECT o.survivor, o.observed_on::text, o.business_status, o.monthly_profit_minor::text,
       o.currency, o.jobs
FROM outcomes o
WHERE o.survivor IN (SELECT survivor FROM awards WHERE fund = :f)
  AND o.observed_on <= CAST(:to AS date))";

ledger::Date date_of(const soci::row& row, std::size_t i) {
    return *ledger::parse_date(row.get<std::string>(i));
}

std::vector<reports::FundDaySum> fund_day_sums(soci::session& sql, const std::string& fund,
                                               const std::string& until) {
    std::vector<reports::FundDaySum> sums;
    soci::rowset<soci::row> rows = (sql.prepare << kFundDaySums, soci::use(fund), soci::use(until));
    for (const auto& row : rows) {
        sums.push_back({date_of(row, 0), row.get<std::string>(1), row.get<std::string>(2),
                        amount_from_text(row.get<std::string>(3))});
    }
    return sums;
}

/// The awards of `fund` (or every loan when it is empty) approved by `until`, each with its
/// survivor's facts and its postings up to `until`.
std::vector<reports::AwardFacts> award_facts(soci::session& sql, const std::string& fund,
                                             const std::string& until) {
    std::map<std::string, reports::SurvivorFacts> people;  // by award id
    std::set<std::string> ids;
    soci::rowset<soci::row> survivors =
        (sql.prepare << kSurvivors, soci::use(fund), soci::use(fund), soci::use(until));
    for (const auto& row : survivors) {
        const auto id = row.get<std::string>(0);
        ids.insert(id);
        people[id] = {row.get<std::string>(1), row.get<std::string>(2), row.get<int>(3),
                      row.get<std::string>(4), row.get<std::string>(5), row.get<int>(6) != 0};
    }
    // Fetched a block of rows at a time into columns: the largest read of a report.
    std::map<std::string, std::vector<reports::AwardPosting>> postings;
    constexpr std::size_t kBlock = 4096;
    std::vector<std::string> award_id(kBlock), day(kBlock), account(kBlock), event(kBlock),
        amount(kBlock);
    soci::statement st =
        (sql.prepare << kAwardPostings, soci::into(award_id), soci::into(day), soci::into(account),
         soci::into(event), soci::into(amount), soci::use(fund), soci::use(fund), soci::use(until));
    st.execute();
    while (st.fetch()) {
        for (std::size_t i = 0; i < award_id.size(); ++i) {
            postings[award_id[i]].push_back({*ledger::parse_date(day[i]), std::move(account[i]),
                                             std::move(event[i]), amount_from_text(amount[i])});
        }
        for (auto* column : {&award_id, &day, &account, &event, &amount})
            column->resize(kBlock);
    }
    std::vector<reports::AwardFacts> facts;
    for (auto& [id, award] : select_awards(sql, ids))
        facts.push_back({std::move(award), people[id], std::move(postings[id])});
    return facts;
}

}  // namespace

std::optional<reports::DonorReportInput> Store::donor_report_input(const std::string& fund_code,
                                                                   const ledger::Date& from,
                                                                   const ledger::Date& to) {
    const auto fund_record = fund(fund_code);
    if (!fund_record)
        return std::nullopt;
    return impl_->with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
        reports::DonorReportInput in;
        in.fund = fund_record->code;
        in.fund_name = fund_record->name;
        in.donor = fund_record->donor;
        in.currency = fund_record->currency;
        in.from = from;
        in.to = to;
        const std::string until = ledger::format_date(to);
        in.fund_sums = db::fund_day_sums(sql, fund_code, until);
        in.awards = award_facts(sql, fund_code, until);
        soci::rowset<soci::row> outcomes =
            (sql.prepare << kOutcomes, soci::use(fund_code), soci::use(until));
        for (const auto& row : outcomes) {
            in.outcomes.push_back({row.get<std::string>(0), date_of(row, 1),
                                   row.get<std::string>(2),
                                   amount_from_text(row.get<std::string>(3)),
                                   row.get<std::string>(4), row.get<int>(5)});
        }
        tx.commit();
        return std::optional(std::move(in));
    });
}

reports::PortfolioInput Store::portfolio_input(const ledger::Date& as_of) {
    return impl_->with_session([&](soci::session& sql) {
        soci::transaction tx(sql);
        sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
        reports::PortfolioInput in{as_of, award_facts(sql, "", ledger::format_date(as_of))};
        tx.commit();
        return in;
    });
}

std::vector<reports::FundDaySum> Store::fund_day_sums(const std::string& fund,
                                                      const ledger::Date& to) {
    return impl_->with_session(
        [&](soci::session& sql) { return db::fund_day_sums(sql, fund, ledger::format_date(to)); });
}

std::string Store::donor_name(const std::string& code) {
    return impl_->with_session([&](soci::session& sql) {
        std::string name;
        sql << "SELECT name FROM donors WHERE code = :c", soci::use(code), soci::into(name);
        return sql.got_data() ? name : std::string();
    });
}

}  // namespace riziki::db
