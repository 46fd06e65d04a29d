// Funds and the receipts paid into them (SPEC §5): POST /v1/funds, GET /v1/funds/{code},
// POST /v1/funds/{code}/receipts.

#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

/// The optional committed amount, in the fund's currency and not negative.
void read_committed(FieldReader& reader, db::FundRecord& fund,
                    const std::optional<ledger::Currency>& currency) {
    if (!currency || !reader.has("committed_amount"))
        return;
    fund.committed = reader.amount("committed_amount", *currency, false);
    if (fund.committed && *fund.committed < 0)
        reader.error("committed_amount", "invalid_amount", "Must not be negative.");
}

std::optional<db::FundRecord> read_fund(FieldReader& reader) {
    reader.only({"code", "donor", "name", "currency", "restricted", "starts_on", "ends_on",
                 "committed_amount"});
    db::FundRecord fund;
    const auto code = reader.code("code");
    const auto donor = reader.code("donor");
    const auto name = reader.text("name", true, kNameBytesMax);
    const auto currency_code = reader.text("currency", true, 3);
    const auto restricted = reader.boolean("restricted", false, true);
    fund.starts_on = reader.date("starts_on", false);
    fund.ends_on = reader.date("ends_on", false);
    const auto currency = currency_code ? ledger::find_currency(*currency_code) : std::nullopt;
    if (currency_code && !currency)
        reader.error("currency", "unknown_currency", "Not an ISO 4217 currency Riziki knows.");
    read_committed(reader, fund, currency);
    if (fund.starts_on && fund.ends_on && *fund.ends_on < *fund.starts_on)
        reader.error("ends_on", "invalid_date", "The fund cannot end before it starts.");
    if (!reader.ok())
        return std::nullopt;
    fund.code = *code;
    fund.donor = *donor;
    fund.name = *name;
    fund.currency = *currency_code;
    fund.restricted = *restricted;
    return fund;
}

Response create_fund(const Services& s, Call& call) {
    auto read = read_create<db::FundRecord>(call, read_fund);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [fund, key] = std::get<CreateRequest<db::FundRecord>>(read);
    const auto rule = s.programme->create_fund(fund, key.claim([&] { return fund_json(fund); }));
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule != Rejection::none) {
        return refused(rule, call,
                       rule == Rejection::donor_not_found
                           ? "No donor has this code."
                           : "Fund " + fund.code + " exists already.",
                       rule == Rejection::donor_not_found ? "donor" : "code");
    }
    audit(s, call, "fund.create", fund.code);
    return created(fund_json(fund));
}

Response get_fund(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    if (auto bad = query.problem_if_any())
        return *bad;
    auto found = visible_fund(s, call, call.params[0]);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    const auto& fund = std::get<db::FundRecord>(found);
    auto json = fund_json(fund);
    json["as_of"] = date_or_null(as_of);
    json["balances"] = balances_json(s.programme->fund_figures(fund.code, as_of), fund.currency);
    return json_response(http::status::ok, json);
}

/// A receipt into the fund in the path, in its currency (the fund is checked first).
CommandRead read_receipt(const Services& s, const Call& call, FieldReader& reader) {
    auto found = visible_fund(s, call, call.params[0]);
    if (auto* answer = std::get_if<Response>(&found))
        return {std::nullopt, std::move(*answer)};
    const auto& fund = std::get<db::FundRecord>(found);
    reader.only({"amount", "received_on", "channel", "reference"});
    const auto p = read_payment(reader, *ledger::find_currency(fund.currency), "received_on",
                                {"bank", "mpesa", "cash"});
    if (!reader.ok())
        return {};
    return {ledger::Receipt{fund.code, *p.amount, *p.on, *p.channel, *p.reference}, std::nullopt};
}

Response create_receipt(const Services& s, Call& call) {
    return post_command(s, call,
                        [&](FieldReader& reader) { return read_receipt(s, call, reader); });
}

}  // namespace

nlohmann::json fund_json(const db::FundRecord& f) {
    return {{"code", f.code},
            {"donor", f.donor.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.donor)},
            {"name", f.name},
            {"currency", f.currency},
            {"restricted", f.restricted},
            {"starts_on", date_or_null(f.starts_on)},
            {"ends_on", date_or_null(f.ends_on)},
            {"committed_amount", f.committed ? nlohmann::json(amount_text(*f.committed, f.currency))
                                             : nlohmann::json(nullptr)}};
}

/// The fund named in the path, if the caller may see it: 404 when there is none, 403 for
/// a donor's token that does not cover it.
std::variant<db::FundRecord, Response> visible_fund(const Services& s, const Call& call,
                                                    const std::string& code) {
    if (!call.principal->may_see_fund(code)) {
        return problem(http::status::forbidden, "forbidden", "This token does not cover that fund.",
                       call.context);
    }
    auto fund = s.programme->fund(code);
    if (!fund) {
        return problem(http::status::not_found, "not_found", "Fund " + code + " does not exist.",
                       call.context);
    }
    return *fund;
}

std::variant<db::FundRecord, Response> queried_fund(const Services& s, const Call& call,
                                                    const std::string& code) {
    if (code.empty()) {
        return problem(http::status::bad_request, "invalid_query", "The fund is required.",
                       call.context, {{"fund", "required", "This parameter is required."}});
    }
    return visible_fund(s, call, code);
}

nlohmann::json balances_json(const ledger::FundFigures& f, const std::string& c) {
    const auto& a = f.awards;
    return {
        {"received", amount_text(f.received, c)},
        {"disbursed", amount_text(a.disbursed, c)},
        {"fees", amount_text(a.fees, c)},
        {"repaid", amount_text(a.principal_repaid + a.interest_paid, c)},
        {"principal_repaid", amount_text(a.principal_repaid, c)},
        {"interest_paid", amount_text(a.interest_paid, c)},
        {"written_off", amount_text(a.written_off, c)},
        {"forgiven", amount_text(a.forgiven, c)},
        {"recovered", amount_text(a.recovered, c)},
        {"available_cash", amount_text(f.cash, c)},
        {"loans_outstanding", amount_text(a.outstanding, c)},
    };
}

void add_fund_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/funds", kFinance, bind_handler(s, create_fund)});
    router.add({http::verb::get, "/v1/funds/{code}", kFundReaders, bind_handler(s, get_fund)});
    router.add(
        {http::verb::post, "/v1/funds/{code}/receipts", kFinance, bind_handler(s, create_receipt)});
}

}  // namespace riziki::api
