// Awards (SPEC §5, §6): POST /v1/awards makes a grant or loan under a random id;
// GET /v1/awards/{id} reads it with its figures, schedule and arrears.

#include "api/fresh_code.hpp"
#include "api/loan_terms.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"
#include "db/registry_store.hpp"
#include "ledger/program.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

/// The fund the award is paid from: its currency is a fact of the database, read here
/// because the amount and loan terms are read in it.
std::optional<ledger::Currency> read_fund_currency(const Services& s, FieldReader& reader,
                                                   const std::optional<std::string>& code,
                                                   ledger::Award& award) {
    if (!code)
        return std::nullopt;
    const auto fund = s.programme->fund(*code);
    if (!fund) {
        reader.error("fund", "unknown_fund", "No fund has this code.");
        return std::nullopt;
    }
    award.fund = fund->code;
    award.currency = fund->currency;
    return ledger::find_currency(fund->currency);
}

std::optional<db::AwardRecord> read_award(const Services& s, FieldReader& reader,
                                          std::vector<std::string>& acknowledged) {
    reader.only({"survivor", "fund", "kind", "amount", "approved_on", "purpose", "business_sector",
                 "loan", "registry_acknowledged"});
    acknowledged = read_acknowledged_matches(reader);
    db::AwardRecord record;
    auto& award = record.award;
    const auto survivor = reader.text("survivor", true, ledger::kCodeBytesMax);
    const auto fund_code = reader.code("fund");
    const auto kind = reader.required_choice("kind", {"grant", "loan"});
    const auto approved_on = reader.date("approved_on", true);
    const auto purpose = reader.text("purpose", true, kPurposeBytesMax);
    const auto sector = reader.text("business_sector", true, kCountyBytesMax);
    const auto currency = read_fund_currency(s, reader, fund_code, award);
    const auto amount =
        currency ? reader.amount("amount", *currency, true) : std::optional<ledger::Amount>();
    // A loan's terms are read by the reader every route shares, whatever else failed, so
    // they are refused here exactly as the schedule preview refuses them.
    if (kind && *kind == "grant" && reader.has("loan"))
        reader.error("loan", "not_a_loan", "A grant has no loan terms.");
    else
        award.terms = read_loan(reader, kind && *kind == "loan", currency);
    if (!reader.ok())
        return std::nullopt;
    award.survivor = *survivor;
    award.kind = *ledger::parse_award_kind(*kind);
    award.approved = *amount;
    award.approved_on = *approved_on;
    record.purpose = *purpose;
    record.business_sector = *sector;
    return record;
}

std::string optional_amount(const std::optional<ledger::Amount>& amount,
                            const std::string& currency) {
    return amount ? amount_text(*amount, currency) : "";
}

nlohmann::json terms_json(const ledger::LoanTerms& t, const std::string& currency) {
    return {{"interest_rate", ledger::format_rate(t.interest_rate)},
            {"interest_period", ledger::to_string(t.interest_period)},
            {"interest_method", ledger::to_string(t.interest_method)},
            {"amortization", ledger::to_string(t.amortization)},
            {"installments", t.installments},
            {"repayment_every", t.repayment_every},
            {"repayment_unit", ledger::to_string(t.repayment_unit)},
            {"first_due_on", date_or_null(t.first_due_on)},
            {"grace_on_principal", t.grace_on_principal},
            {"grace_on_interest", t.grace_on_interest},
            {"installment_multiple", t.installment_multiple ? nlohmann::json(optional_amount(
                                                                  t.installment_multiple, currency))
                                                            : nlohmann::json(nullptr)},
            {"currency_multiple",
             t.currency_multiple ? nlohmann::json(optional_amount(t.currency_multiple, currency))
                                 : nlohmann::json(nullptr)}};
}

nlohmann::json award_json(const db::AwardRecord& r) {
    const auto& a = r.award;
    return {{"id", a.id},
            {"survivor", a.survivor},
            {"fund", a.fund},
            {"currency", a.currency},
            {"kind", ledger::to_string(a.kind)},
            {"amount", amount_text(a.approved, a.currency)},
            {"approved_on", ledger::format_date(a.approved_on)},
            {"purpose", r.purpose},
            {"business_sector", r.business_sector},
            {"status", ledger::to_string(a.status)},
            {"loan", a.terms ? terms_json(*a.terms, a.currency) : nlohmann::json(nullptr)}};
}

/// Stores the award under a fresh id; db::Programme checks ledger::check_award against the
/// survivor and fund it reads in the same transaction.
Rejection store_award(const Services& s, db::AwardRecord& record, db::IdempotentCreate* once,
                      const db::MatchAcknowledgement& acknowledged) {
    return insert_with_fresh_code("AW-", "award id", [&](const std::string& id) {
        record.award.id = id;
        return s.programme->create_award(record, once, acknowledged);
    });
}

/// The award as POST /v1/awards answers it: with a loan's schedule.
nlohmann::json created_json(const db::AwardRecord& record,
                            const std::optional<ledger::Schedule>& schedule) {
    auto json = award_json(record);
    json["schedule"] =
        schedule ? schedule_json(*schedule,
                                 *ledger::find_currency(record.award.currency))["installments"]
                 : nlohmann::json::array();
    return json;
}

Response create_award(const Services& s, Call& call) {
    std::vector<std::string> acknowledged;
    auto read = read_create<db::AwardRecord>(
        call, [&](FieldReader& reader) { return read_award(s, reader, acknowledged); });
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [record, key] = std::get<CreateRequest<db::AwardRecord>>(read);
    // Another organisation may support this survivor (SPEC §16): finance acknowledges each
    // match, in the award's own transaction, and each acknowledgement is audited.
    if (auto answer = unknown_match_problem(s, call, record.award.survivor, acknowledged))
        return std::move(*answer);
    record.recorded_by = call.principal->actor();
    std::optional<ledger::Schedule> schedule;
    if (record.award.terms) {
        auto result = ledger::award_schedule(record.award, {});
        if (!result.ok())
            return schedule_problem(result.error, call.context);
        schedule = std::move(result.schedule);
    }
    const auto view = [&] { return created_json(record, schedule); };
    const auto rule =
        store_award(s, record, key.claim(view), {acknowledged, call.context.request_id});
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule == Rejection::registry_match_unacknowledged)
        return unacknowledged_matches_problem(s, call, record.award.survivor, acknowledged);
    if (rule != Rejection::none) {
        return refused(rule, call,
                       "The award cannot be made: " + std::string(ledger::to_string(rule)) + ".",
                       ledger::award_field(rule));
    }
    audit(s, call, "award.create", record.award.id);
    return created(view());
}

nlohmann::json figures_json(nlohmann::json json, const ledger::Award& a,
                            const ledger::AwardFigures& f) {
    const auto& c = a.currency;
    json["disbursed"] = amount_text(f.disbursed, c);
    json["remaining"] = amount_text(a.approved - f.disbursed, c);
    json["fees"] = amount_text(f.fees, c);
    json["repaid"] = amount_text(f.principal_repaid + f.interest_paid, c);
    json["principal_repaid"] = amount_text(f.principal_repaid, c);
    json["interest_paid"] = amount_text(f.interest_paid, c);
    json["overpaid"] = amount_text(f.overpaid, c);
    json["written_off"] = amount_text(f.written_off, c);
    json["forgiven"] = amount_text(f.forgiven, c);
    json["recovered"] = amount_text(f.recovered, c);
    json["outstanding"] = amount_text(f.outstanding, c);
    json["first_disbursed_on"] = date_or_null(f.first_disbursed_on);
    json["days_in_arrears"] = 0;
    json["overdue"] = nullptr;
    json["schedule"] = nlohmann::json::array();
    return json;
}

nlohmann::json installments_json(const ledger::Schedule& schedule, const ledger::AwardFigures& f,
                                 const std::string& c) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& st :
         ledger::installment_states(schedule, f.interest_paid, f.principal_repaid)) {
        const auto& d = st.due;
        items.push_back({{"n", d.number},
                         {"due_on", ledger::format_date(d.due_on)},
                         {"principal", amount_text(d.principal, c)},
                         {"interest", amount_text(d.interest, c)},
                         {"total", amount_text(d.total, c)},
                         {"balance", amount_text(d.balance, c)},
                         {"principal_paid", amount_text(st.principal_paid, c)},
                         {"interest_paid", amount_text(st.interest_paid, c)},
                         {"paid", st.interest_left() == 0 && st.principal_left() == 0}});
    }
    return items;
}

/// A loan's schedule with what was paid of each installment, and its arrears on `on` while
/// it is active.
void add_loan_state(nlohmann::json& json, const ledger::Award& a, const ledger::AwardFigures& f,
                    const ledger::Date& on) {
    const auto schedule = ledger::award_schedule(a, f);
    if (!schedule.ok())
        return;
    const auto& c = a.currency;
    json["schedule"] = installments_json(schedule.schedule, f, c);
    if (ledger::derive_status(a, f) != ledger::AwardStatus::active)
        return;
    const auto arrears = ledger::award_arrears(a, f, on);
    json["days_in_arrears"] = arrears.days;
    json["overdue"] = {{"principal", amount_text(arrears.principal_overdue, c)},
                       {"interest", amount_text(arrears.interest_overdue, c)},
                       {"oldest_due_on", date_or_null(arrears.oldest_unpaid_due_on)}};
}

Response get_award(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto record = s.programme->award(call.params[0]);
    if (!record || !call.principal->may_see_fund(record->award.fund)) {
        return problem(http::status::not_found, "not_found", "No award has this id.", call.context);
    }
    const auto& a = record->award;
    const auto f = s.programme->award_figures(a.id, as_of);
    const auto on = as_of.value_or(s.today());
    auto json = award_json(*record);
    if (as_of)
        json["status"] = ledger::to_string(ledger::derive_status(a, f));
    json["as_of"] = ledger::format_date(on);
    json = figures_json(std::move(json), a, f);
    if (a.kind == ledger::AwardKind::loan)
        add_loan_state(json, a, f, on);
    return json_response(http::status::ok, json);
}

}  // namespace

void add_award_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/awards", kFinance, bind_handler(s, create_award)});
    router.add({http::verb::get, "/v1/awards/{id}", kBooks, bind_handler(s, get_award)});
}

}  // namespace riziki::api
