// The awards list (SPEC §13): GET /v1/awards, filtered, sorted by approval or by days late,
// in keyset pages. Each item's figures and days in arrears are computed as GET
// /v1/awards/{id} computes them (ledger::award_arrears on today); the order and the
// min_days_late filter use the list key the writer keeps (migration 0023), from which the
// same days follow.

#include <charconv>
#include <memory>
#include <variant>

#include "api/board.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/board_reads.hpp"

namespace riziki::api {

namespace {

/// Days late asked for: at most a century, which no loan reaches.
constexpr long kDaysLateMax = 36'500;

/// `min_days_late`: a whole number of days, 0..kDaysLateMax; 0 when absent.
std::optional<long> read_min_days_late(const Call& call, std::vector<FieldError>& errors) {
    const auto& text = call.query_value("min_days_late");
    if (text.empty())
        return 0;
    long days = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), days);
    if (error != std::errc() || end != text.data() + text.size() || days < 0 ||
        days > kDaysLateMax) {
        errors.push_back(
            {"min_days_late", "invalid_integer", "A whole number of days from 0 to 36500."});
        return std::nullopt;
    }
    return days;
}

/// The cursor's values are checked against the order they continue: a date (or, sorting by
/// days late, "" once past the late loans) and an award id.
bool cursor_fits(const std::vector<std::string>& after, db::AwardListQuery::Sort sort) {
    if (after.empty())
        return true;
    if (after[1].empty())
        return false;
    if (sort == db::AwardListQuery::Sort::days_late && after[0].empty())
        return true;
    return ledger::parse_date(after[0]).has_value();
}

/// The list's query, or the problem with it.
std::variant<db::AwardListQuery, Response> read_list_query(const Services& s, Call& call) {
    QueryReader query(call);
    db::AwardListQuery q;
    q.fund = query.code("fund");
    q.survivor = query.code("survivor");
    q.kind = query.choice("kind", {"", "grant", "loan"});
    q.status = query.choice(
        "status", {"", "approved", "active", "repaid", "written_off", "forgiven", "closed"});
    const auto sort = query.choice("sort", {"approved_on", "days_late"});
    q.sort = sort == "days_late" ? db::AwardListQuery::Sort::days_late
                                 : db::AwardListQuery::Sort::approved_on;
    q.limit = query.limit();
    q.after = query.after_keys(2);
    if (auto bad = query.problem_if_any())
        return std::move(*bad);
    std::vector<FieldError> errors;
    const auto days = read_min_days_late(call, errors);
    if (!cursor_fits(q.after, q.sort))
        errors.push_back({"after", "invalid_cursor", "Use the `next` value of a previous page."});
    if (!errors.empty()) {
        return problem(http::status::bad_request, "invalid_query",
                       "Some query parameters are invalid; see errors.", call.context, errors);
    }
    q.today = s.today();
    if (*days > 0)
        q.unpaid_due_by = ledger::date_from_days(ledger::days_since_epoch(q.today) - *days);
    return q;
}

nlohmann::json item_json(const db::AwardListRow& row, const ledger::Date& today,
                         ledger::ScheduleMemo& schedules) {
    const auto& a = row.award;
    const auto& f = row.figures;
    const auto& c = a.currency;
    const auto arrears = ledger::award_arrears(a, f, today, schedules);
    return {{"id", a.id},
            {"survivor", a.survivor},
            {"fund", a.fund},
            {"currency", c},
            {"kind", ledger::to_string(a.kind)},
            {"status", ledger::to_string(a.status)},
            {"amount", amount_text(a.approved, c)},
            {"approved_on", ledger::format_date(a.approved_on)},
            {"disbursed", amount_text(f.disbursed, c)},
            {"remaining", amount_text(a.approved - f.disbursed, c)},
            {"outstanding", amount_text(f.outstanding, c)},
            {"days_in_arrears", arrears.days},
            {"oldest_due_on", date_or_null(arrears.oldest_unpaid_due_on)}};
}

/// The keyset of `row` in the query's order.
std::vector<std::string> row_keys(const db::AwardListRow& row, const db::AwardListQuery& q) {
    if (q.sort == db::AwardListQuery::Sort::approved_on)
        return {ledger::format_date(row.award.approved_on), row.award.id};
    const auto bound = q.unpaid_due_by.value_or(q.today);
    const bool late = row.oldest_unpaid_due_on && *row.oldest_unpaid_due_on <= bound;
    return {late ? ledger::format_date(*row.oldest_unpaid_due_on) : "", row.award.id};
}

Response list_awards(const Services& s, db::BoardReads& reads, Call& call) {
    auto read = read_list_query(s, call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& q = std::get<db::AwardListQuery>(read);
    auto rows = reads.awards(q);
    nlohmann::json next = nullptr;
    if (rows.size() > q.limit) {
        rows.resize(q.limit);
        next = keyset_cursor(row_keys(rows.back(), q));
    }
    nlohmann::json items = nlohmann::json::array();
    ledger::ScheduleMemo schedules;  // loans on the same terms and principal share one
    for (const auto& row : rows) {
        // Finance and auditors see every fund; the check keeps a wider role set safe.
        if (call.principal->may_see_fund(row.award.fund))
            items.push_back(item_json(row, q.today, schedules));
    }
    return json_response(http::status::ok, {{"items", std::move(items)}, {"next", next}});
}

}  // namespace

void add_board_routes(Router& router, const Services& s, db::Pool& pool) {
    auto reads = std::make_shared<db::BoardReads>(pool, s.read_limits);
    router.add({http::verb::get, "/v1/awards", kBooks,
                [s, reads](Call& call) { return list_awards(s, *reads, call); }});
    router.add({http::verb::get, "/v1/dashboard", kAnyRole,
                [s, reads](Call& call) { return dashboard(s, *reads, call); }});
}

}  // namespace riziki::api
