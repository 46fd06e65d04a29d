// The read side's lists (SPEC §13, issue 18): GET /v1/donors, /v1/funds, /v1/cohorts,
// /v1/survivors, /v1/funds/{code}/receipts, /v1/outcomes, and POST /v1/survivors/lookup.
// Each page is `{"items":[…],"next":cursor-or-null}` in a keyset order ending in a unique
// column (api/body.hpp: keyset_cursor); `next` is null on the last page. A donor's token
// sees only its funds in every list, through any filter (the scope is in the query); no
// list carries PII.

#include <algorithm>
#include <array>
#include <cctype>

#include "api/pii_vault.hpp"
#include "api/problem.hpp"
#include "api/rate_limit.hpp"
#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/list_reads.hpp"
#include "ledger/program.hpp"
#include "reports/donor_report.hpp"

namespace riziki::api {

namespace {

/// The longest survivor code: "SV-" and 8 characters.
constexpr std::size_t kSurvivorCodeBytes = 11;

db::FundScope scope_of(const Principal& principal) {
    if (principal.role == Role::donor)
        return {false, principal.funds};
    return {};
}

/// One page whose cursor is the keyset cursor of the last row's sort key (`key`).
template <typename Row, typename View, typename Key>
Response page(const std::vector<Row>& rows, std::size_t limit, View view, Key key) {
    return json_page(rows, limit, view, [&](const Row& row) { return keyset_cursor(key(row)); });
}

/// The single sort key of a list in code order ("" from the start).
std::string after_code(QueryReader& query) {
    const auto keys = query.after_keys(1);
    return keys.empty() ? "" : keys[0];
}

/// A list in code order with no filter: the page `read(after, limit)` gives, `view` each.
template <typename Read, typename View, typename Code>
Response code_page(Call& call, Read read, View view, Code code) {
    QueryReader query(call);
    const auto limit = query.limit();
    const auto after = after_code(query);
    if (auto bad = query.problem_if_any())
        return *bad;
    return page(read(after, limit), limit, view,
                [&](const auto& row) { return std::vector<std::string>{code(row)}; });
}

Response list_donors(const Services& s, Call& call) {
    return code_page(
        call,
        [&](const std::string& after, std::size_t limit) {
            return s.lists->donors(scope_of(*call.principal), after, limit);
        },
        [](const db::DonorRecord& d) {
            return nlohmann::json{{"code", d.code}, {"name", d.name}};
        },
        [](const db::DonorRecord& d) { return d.code; });
}

/// `part` of `whole` as a decimal string with 4 places (HALF_EVEN), e.g. "0.4250"; null
/// when there is no commitment to be a share of.
nlohmann::json share(const ledger::Amount& part, const std::optional<ledger::Amount>& whole) {
    const auto text = whole ? reports::ratio_text(part, *whole, 4) : std::string();
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

nlohmann::json fund_row_json(const db::FundRow& row) {
    auto json = fund_json(row.fund);
    json["balances"] = balances_json(row.figures, row.fund.currency);
    const auto& f = row.figures;
    const auto spent = f.awards.disbursed + f.awards.fees;
    json["shares"] = {{"received", share(f.received, row.fund.committed)},
                      {"disbursed", share(f.awards.disbursed, row.fund.committed)},
                      {"spent", share(spent, row.fund.committed)},
                      {"available", share(f.cash, row.fund.committed)}};
    return json;
}

Response list_funds(const Services& s, Call& call) {
    return code_page(
        call,
        [&](const std::string& after, std::size_t limit) {
            return s.lists->funds(scope_of(*call.principal), after, limit);
        },
        fund_row_json, [](const db::FundRow& r) { return r.fund.code; });
}

Response list_cohorts(const Services& s, Call& call) {
    return code_page(
        call,
        [&](const std::string& after, std::size_t limit) { return s.lists->cohorts(after, limit); },
        cohort_json, [](const db::CohortRecord& c) { return c.code; });
}

/// `q`: the start of a survivor code, in any case; "" when absent.
std::string code_prefix(const Call& call, std::vector<FieldError>& errors) {
    std::string q = call.query_value("q");
    std::transform(q.begin(), q.end(), q.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const bool valid =
        q.size() <= kSurvivorCodeBytes && std::all_of(q.begin(), q.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        });
    if (!valid) {
        errors.push_back(
            {"q", "invalid_code_prefix", "Expected the start of a survivor code, such as SV-7K."});
        return "";
    }
    return q;
}

/// `gender` among ledger::kGenders, or "" for any.
std::string gender_filter(const Call& call, std::vector<FieldError>& errors) {
    const auto& gender = call.query_value("gender");
    if (gender.empty() || std::find(ledger::kGenders.begin(), ledger::kGenders.end(), gender) !=
                              ledger::kGenders.end()) {
        return gender;
    }
    errors.push_back({"gender", "invalid_choice", "Not one of the accepted values."});
    return "";
}

Response list_survivors(const Services& s, Call& call) {
    QueryReader query(call);
    std::vector<FieldError> errors;
    const auto& county = call.query_value("county");
    if (county.size() > kCountyBytesMax)
        errors.push_back({"county", "invalid_length", "Expected at most 100 bytes."});
    db::SurvivorFilter filter{query.code("cohort"),        county,
                              gender_filter(call, errors), query.date("enrolled_from"),
                              query.date("enrolled_to"),   code_prefix(call, errors)};
    const auto limit = query.limit();
    const auto after = after_code(query);
    if (auto bad = query.problem_if_any())
        return *bad;
    if (!errors.empty()) {
        return problem(http::status::bad_request, "invalid_query",
                       "Some query parameters are invalid; see errors.", call.context, errors);
    }
    return page(s.lists->survivors(filter, after, limit), limit, survivor_json,
                [](const db::SurvivorRecord& r) { return std::vector<std::string>{r.code}; });
}

/// The channel money came in by, from the cash account it went to.
nlohmann::json channel_of(const std::string& account) {
    for (const auto channel :
         {ledger::Channel::bank, ledger::Channel::mpesa, ledger::Channel::cash}) {
        if (ledger::channel_account(channel) == account)
            return std::string(ledger::to_string(channel));
    }
    return nullptr;
}

nlohmann::json receipt_json(const db::ReceiptRow& r) {
    return {
        {"entry", r.seq},
        {"received_on", ledger::format_date(r.received_on)},
        {"amount", amount_text(r.amount, r.currency)},
        {"currency", r.currency},
        {"channel", channel_of(r.cash_account)},
        {"reference", r.reference.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.reference)},
        {"reversed", r.reversed}};
}

/// A positive whole number of at most 18 digits (an entry's seq in a cursor).
std::optional<std::int64_t> whole_number(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(text);
}

Response invalid_cursor(const Call& call) {
    return problem(http::status::bad_request, "invalid_query",
                   "Some query parameters are invalid; see errors.", call.context,
                   {{"after", "invalid_cursor", "Use the `next` value of a previous page."}});
}

Response list_receipts(const Services& s, Call& call) {
    QueryReader query(call);
    const auto limit = query.limit();
    const auto after = query.after_keys(1);
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto before = after.empty() ? std::nullopt : whole_number(after[0]);
    if (!after.empty() && !before)
        return invalid_cursor(call);
    auto found = visible_fund(s, call, call.params[0]);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    const auto& fund = std::get<db::FundRecord>(found);
    return page(
        s.lists->receipts(fund.code, before, limit), limit, receipt_json,
        [](const db::ReceiptRow& r) { return std::vector<std::string>{std::to_string(r.seq)}; });
}

Response list_outcomes(const Services& s, Call& call) {
    QueryReader query(call);
    db::OutcomeFilter filter{query.code("survivor"), query.date("from"), query.date("to")};
    const auto limit = query.limit();
    const auto after = query.after_keys(2);
    if (auto bad = query.problem_if_any())
        return *bad;
    std::optional<db::OutcomeKey> key;
    if (!after.empty()) {
        const auto on = ledger::parse_date(after[0]);
        const auto id = whole_number(after[1]);
        if (!on || !id)
            return invalid_cursor(call);
        key = db::OutcomeKey{*on, *id};
    }
    return page(s.lists->outcomes(filter, key, limit), limit, outcome_json,
                [](const db::OutcomeRecord& o) {
                    return std::vector<std::string>{ledger::format_date(o.observed_on),
                                                    std::to_string(o.id)};
                });
}

}  // namespace

void add_list_routes(Router& router, const Services& s) {
    router.add({http::verb::get, "/v1/donors", kFundReaders, bind_handler(s, list_donors)});
    router.add({http::verb::get, "/v1/funds", kFundReaders, bind_handler(s, list_funds)});
    router.add({http::verb::get, "/v1/cohorts", kSurvivorReaders, bind_handler(s, list_cohorts)});
    router.add(
        {http::verb::get, "/v1/survivors", kSurvivorReaders, bind_handler(s, list_survivors)});
    router.add({http::verb::get, "/v1/funds/{code}/receipts", kFundReaders,
                bind_handler(s, list_receipts)});
    router.add({http::verb::get, "/v1/outcomes", kSurvivorReaders, bind_handler(s, list_outcomes)});
    add_lookup_route(router, s);
}

}  // namespace riziki::api
