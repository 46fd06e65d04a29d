// GET /v1/dashboard (SPEC §13): what each role needs on its first screen. Finance: each
// fund's cash and this month's money in and out, loans in arrears by the portfolio report's
// buckets. Donor: its own funds' progress against commitment. Auditor: the last
// verification and the journal head. Field: the caller's own enrolments and the follow-ups
// whose window is open. Admin: record counts, the last closed period and the last
// verification. No PII anywhere: survivors appear by pseudonym only.

#include <map>

#include "api/board.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "db/board_reads.hpp"
#include "db/journal_reads.hpp"
#include "reports/donor_report.hpp"
#include "reports/portfolio.hpp"

namespace riziki::api {

namespace {

/// Recent enrolments a field officer sees.
constexpr std::size_t kRecentEnrolments = 10;

ledger::Date first_of_month(const ledger::Date& day) {
    return ledger::Date(day.year(), day.month(), std::chrono::day(1));
}

ledger::Date add_days(const ledger::Date& day, long days) {
    return ledger::date_from_days(ledger::days_since_epoch(day) + days);
}

nlohmann::json finance_board(db::BoardReads& reads, const ledger::Date& today) {
    const auto from = first_of_month(today);
    const auto to = add_days(ledger::add_months(from, 1), -1);
    nlohmann::json funds = nlohmann::json::array();
    for (const auto& line : reads.fund_cash(from, to)) {
        const auto& c = line.currency;
        funds.push_back({{"fund", line.fund},
                         {"currency", c},
                         {"cash", amount_text(line.cash, c)},
                         {"month_in", amount_text(line.month_in, c)},
                         {"month_out", amount_text(line.month_out, c)}});
    }
    // Late loans per currency, in the portfolio report's aging buckets.
    const auto& labels = reports::aging_labels();
    std::map<std::string, std::vector<long>> buckets;
    for (const auto& late : reads.late_loans(today)) {
        auto& counts = buckets.try_emplace(late.currency, labels.size(), 0L).first->second;
        const auto days = ledger::days_since_epoch(today) - ledger::days_since_epoch(late.due_on);
        if (const auto bucket = reports::aging_bucket(days))
            counts[*bucket] += late.loans;
    }
    nlohmann::json arrears = nlohmann::json::array();
    for (const auto& [currency, counts] : buckets) {
        nlohmann::json rows = nlohmann::json::array();
        for (std::size_t i = 0; i < labels.size(); ++i)
            rows.push_back({{"days", labels[i]}, {"loans", counts[i]}});
        arrears.push_back({{"currency", currency}, {"buckets", rows}});
    }
    return {{"month", {{"from", ledger::format_date(from)}, {"to", ledger::format_date(to)}}},
            {"funds", funds},
            {"arrears", arrears}};
}

nlohmann::json share_or_null(const ledger::Amount& part, const ledger::Amount& whole) {
    const auto text = reports::ratio_text(part, whole, 4);
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json donor_board(db::BoardReads& reads, const Principal& principal) {
    nlohmann::json funds = nlohmann::json::array();
    for (const auto& line : reads.fund_progress(principal.funds)) {
        if (!principal.may_see_fund(line.fund))
            continue;
        const auto& c = line.currency;
        const auto& f = line.figures;
        funds.push_back({{"fund", line.fund},
                         {"currency", c},
                         {"committed", amount_text(line.committed, c)},
                         {"received", amount_text(f.received, c)},
                         {"disbursed", amount_text(f.awards.disbursed, c)},
                         {"received_share", share_or_null(f.received, line.committed)},
                         {"disbursed_share", share_or_null(f.awards.disbursed, line.committed)}});
    }
    return {{"funds", funds}};
}

/// The last GET /v1/audit/verify, from the audit log (its detail says ok or failed).
nlohmann::json last_verify(db::BoardReads& reads) {
    const auto mark = reads.last_verify();
    if (!mark)
        return nullptr;
    return {{"at", mark->at}, {"by", mark->actor}, {"ok", mark->detail == "ok"}};
}

nlohmann::json auditor_board(const Services& s, db::BoardReads& reads) {
    const auto head = s.journal->head();
    return {{"last_verify", last_verify(reads)},
            {"journal_head", {{"seq", head.seq}, {"hash", ledger::to_hex(head.hash)}}}};
}

/// The follow-ups of the caller's survivors whose window is open on `today` and holds no
/// observation yet, as the donor report counts them (reports/donor_report.hpp).
nlohmann::json outcomes_due(db::BoardReads& reads, const std::string& actor,
                            const ledger::Date& today) {
    const long window = reports::kFollowUpWindowDays;
    const auto earliest =
        ledger::add_months(add_days(today, -window - 1), -reports::kFollowUpMonths[1]);
    const auto latest =
        ledger::add_months(add_days(today, window + 1), -reports::kFollowUpMonths[0]);
    nlohmann::json due = nlohmann::json::array();
    for (const auto& c : reads.follow_up_candidates(actor, earliest, latest)) {
        for (const int months : reports::kFollowUpMonths) {
            const auto target = ledger::add_months(c.first_disbursed_on, months);
            const auto opens = add_days(target, -window), closes = add_days(target, window);
            if (today < opens || closes < today)
                continue;
            bool seen = false;
            for (const auto& day : c.observed_on)
                seen = seen || (opens <= day && day <= closes);
            if (seen)
                continue;
            due.push_back({{"survivor", c.survivor},
                           {"months_after_first_disbursement", months},
                           {"due_on", ledger::format_date(target)},
                           {"window_closes_on", ledger::format_date(closes)}});
        }
    }
    return due;
}

nlohmann::json field_board(db::BoardReads& reads, const Principal& principal,
                           const ledger::Date& today) {
    const auto actor = principal.actor();
    nlohmann::json recent = nlohmann::json::array();
    for (const auto& e : reads.enrolments_by(actor, kRecentEnrolments)) {
        recent.push_back({{"survivor", e.survivor},
                          {"cohort", e.cohort},
                          {"enrolled_on", ledger::format_date(e.enrolled_on)}});
    }
    return {{"enrolments", {{"total", reads.enrolment_count(actor)}, {"recent", recent}}},
            {"outcomes_due", outcomes_due(reads, actor, today)}};
}

nlohmann::json admin_board(const Services& s, db::BoardReads& reads) {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [table, count] : reads.record_counts())
        counts[table] = count;
    const auto periods = s.journal->periods();
    return {{"records", counts},
            {"last_closed_period",
             periods.empty() ? nlohmann::json(nullptr) : nlohmann::json(periods.back().period)},
            {"last_verify", last_verify(reads)}};
}

}  // namespace

Response dashboard(const Services& s, db::BoardReads& reads, Call& call) {
    const auto& principal = *call.principal;
    const auto today = s.today();
    nlohmann::json json = {{"role", std::string(to_string(principal.role))},
                           {"today", ledger::format_date(today)}};
    switch (principal.role) {
        case Role::finance:
            json.update(finance_board(reads, today));
            break;
        case Role::donor:
            json.update(donor_board(reads, principal));
            break;
        case Role::auditor:
            json.update(auditor_board(s, reads));
            break;
        case Role::field:
            json.update(field_board(reads, principal, today));
            break;
        case Role::admin:
            json.update(admin_board(s, reads));
            break;
        case Role::metrics:
            break;  // the router lets no metrics token here
    }
    return json_response(http::status::ok, json);
}

}  // namespace riziki::api
