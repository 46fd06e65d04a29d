// Donors, funds, receipts, cohorts, survivors, awards, disbursements, repayments, write-offs,
// forgiveness and outcomes (SPEC §5-§8).

#include <sodium.h>

#include <nlohmann/json.hpp>

#include <chrono>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/loan_terms.hpp"
#include "api/pii_vault.hpp"
#include "api/problem.hpp"
#include "api/respond.hpp"
#include "db/journal_writer.hpp"
#include "db/store.hpp"
#include "ledger/awards.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

const std::vector<Role> kFinance{Role::finance};
const std::vector<Role> kFieldFinance{Role::field, Role::finance};
const std::vector<Role> kField{Role::field};
const std::vector<Role> kBooks{Role::finance, Role::auditor};
const std::vector<Role> kFundReaders{Role::finance, Role::auditor, Role::donor};
const std::vector<Role> kSurvivorReaders{Role::field, Role::finance, Role::auditor, Role::admin};

constexpr std::size_t kNameBytesMax = 200;
constexpr std::size_t kReferenceBytesMax = 64;
constexpr std::size_t kPurposeBytesMax = 500;
constexpr std::size_t kCountyBytesMax = 100;
constexpr std::size_t kPiiBytesMax = 200;
constexpr int kCodeAttempts = 5;

/// "SV-" or "AW-" followed by 8 characters of an unambiguous alphabet (no I, O, 0, 1):
/// random, so a code says nothing about who or when.
std::string random_code(const char* prefix) {
    static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::string code(prefix);
    for (int i = 0; i < 8; ++i)
        code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    return code;
}

Response created(const nlohmann::json& body) {
    return json_response(http::status::created, body);
}

Response refused(Rejection reason, const Call& call, const std::string& detail,
                 const std::string& field = "") {
    return rejection_problem(reason, detail, call.context, field);
}

std::optional<Response> parse_body(const Call& call, nlohmann::json& body) {
    auto parsed = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&parsed))
        return std::move(*answer);
    body = std::move(std::get<nlohmann::json>(parsed));
    return std::nullopt;
}

/// A code field: letters, digits, '.', '_' and '-', starting with a letter or digit.
std::optional<std::string> code_field(FieldReader& reader, const char* field) {
    auto code = reader.text(field, true, ledger::kCodeBytesMax);
    if (!code)
        return code;
    const bool ok =
        std::isalnum(static_cast<unsigned char>(code->front())) &&
        std::all_of(code->begin(), code->end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (!ok) {
        reader.error(reader.path(field), "invalid_code",
                     "Use letters, digits, '.', '_' and '-' (up to 64).");
        return std::nullopt;
    }
    return code;
}

/// A choice that must be present.
std::optional<std::string> required_choice(FieldReader& reader, const nlohmann::json& body,
                                           const char* field,
                                           std::initializer_list<std::string_view> allowed) {
    if (!body.contains(field) || body[field].is_null()) {
        reader.error(reader.path(field), "required", "This field is required.");
        return std::nullopt;
    }
    return reader.choice(field, allowed);
}

std::string optional_amount(const std::optional<ledger::Amount>& amount,
                            const std::string& currency) {
    return amount ? amount_text(*amount, currency) : "";
}

nlohmann::json date_or_null(const std::optional<ledger::Date>& date) {
    return date ? nlohmann::json(ledger::format_date(*date)) : nlohmann::json(nullptr);
}

// Donors and funds.

Response create_donor(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"code", "name"});
    const auto code = code_field(reader, "code");
    const auto name = reader.text("name", true, kNameBytesMax);
    if (!errors.empty())
        return validation_problem(errors, call.context);
    if (auto rule = s.store->create_donor({*code, *name}); rule != Rejection::none)
        return refused(rule, call, "Donor " + *code + " exists already.", "code");
    audit(s, call, "donor.create", *code);
    return created({{"code", *code}, {"name", *name}});
}

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

Response create_fund(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"code", "donor", "name", "currency", "restricted", "starts_on", "ends_on",
                 "committed_amount"});
    db::FundRecord fund;
    const auto code = code_field(reader, "code");
    const auto donor = code_field(reader, "donor");
    const auto name = reader.text("name", true, kNameBytesMax);
    const auto currency_code = reader.text("currency", true, 3);
    const auto restricted = reader.boolean("restricted", false, true);
    fund.starts_on = reader.date("starts_on", false);
    fund.ends_on = reader.date("ends_on", false);
    const auto currency = currency_code ? ledger::find_currency(*currency_code) : std::nullopt;
    if (currency_code && !currency)
        reader.error("currency", "unknown_currency", "Not an ISO 4217 currency Riziki knows.");
    if (currency && body.contains("committed_amount") && !body["committed_amount"].is_null()) {
        fund.committed = reader.amount("committed_amount", *currency, false);
        if (fund.committed && *fund.committed < 0) {
            reader.error("committed_amount", "invalid_amount", "Must not be negative.");
        }
    }
    if (fund.starts_on && fund.ends_on && *fund.ends_on < *fund.starts_on)
        reader.error("ends_on", "invalid_date", "The fund cannot end before it starts.");
    if (!errors.empty())
        return validation_problem(errors, call.context);
    fund.code = *code;
    fund.donor = *donor;
    fund.name = *name;
    fund.currency = *currency_code;
    fund.restricted = *restricted;
    if (auto rule = s.store->create_fund(fund); rule != Rejection::none) {
        return refused(rule, call,
                       rule == Rejection::donor_not_found ? "No donor has this code."
                                                          : "Fund " + *code + " exists already.",
                       rule == Rejection::donor_not_found ? "donor" : "code");
    }
    audit(s, call, "fund.create", *code);
    return created(fund_json(fund));
}

/// The fund named in the path, if the caller may see it: 404 when there is none, 403 for
/// a donor's token that does not cover it.
std::variant<db::FundRecord, Response> visible_fund(const Services& s, const Call& call,
                                                    const std::string& code) {
    if (!call.principal->may_see_fund(code)) {
        return problem(http::status::forbidden, "forbidden", "This token does not cover that fund.",
                       call.context);
    }
    auto fund = s.store->fund(code);
    if (!fund) {
        return problem(http::status::not_found, "not_found", "Fund " + code + " does not exist.",
                       call.context);
    }
    return *fund;
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
    const auto f = s.store->fund_figures(fund.code, as_of);
    const auto& c = fund.currency;
    const auto& a = f.awards;
    auto json = fund_json(fund);
    json["as_of"] = date_or_null(as_of);
    json["balances"] = {
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
    return json_response(http::status::ok, json);
}

/// Reads the amount, date, channel and reference every payment carries.
struct PaymentFields {
    std::optional<ledger::Amount> amount;
    std::optional<ledger::Date> on;
    std::optional<ledger::Channel> channel;
    std::optional<std::string> reference;
};

PaymentFields read_payment(FieldReader& reader, const nlohmann::json& body,
                           const ledger::Currency& currency, const char* date_field,
                           std::initializer_list<std::string_view> channels) {
    PaymentFields p;
    p.amount = reader.amount("amount", currency, true);
    p.on = reader.date(date_field, true);
    if (auto channel = required_choice(reader, body, "channel", channels))
        p.channel = ledger::parse_channel(*channel);
    p.reference = reader.text("reference", true, kReferenceBytesMax);
    return p;
}

Response create_receipt(const Services& s, Call& call) {
    auto read = read_money_request(call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& [key, body] = std::get<MoneyRequest>(read);
    auto found = visible_fund(s, call, call.params[0]);
    if (auto* answer = std::get_if<Response>(&found))
        return std::move(*answer);
    const auto& fund = std::get<db::FundRecord>(found);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"amount", "received_on", "channel", "reference"});
    const auto p = read_payment(reader, body, *ledger::find_currency(fund.currency), "received_on",
                                {"bank", "mpesa", "cash"});
    if (!errors.empty())
        return validation_problem(errors, call.context);
    ledger::Receipt receipt{fund.code, *p.amount, *p.on, *p.channel, *p.reference};
    return write_entry(*s.writer, call, key, body, {}, ledger::Command(receipt));
}

// Cohorts and survivors.

Response create_cohort(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"code", "name", "county", "starts_on"});
    const auto code = code_field(reader, "code");
    const auto name = reader.text("name", true, kNameBytesMax);
    const auto county = reader.text("county", true, kCountyBytesMax);
    const auto starts_on = reader.date("starts_on", true);
    if (!errors.empty())
        return validation_problem(errors, call.context);
    if (auto rule = s.store->create_cohort({*code, *name, *county, *starts_on});
        rule != Rejection::none) {
        return refused(rule, call, "Cohort " + *code + " exists already.", "code");
    }
    audit(s, call, "cohort.create", *code);
    return created({{"code", *code},
                    {"name", *name},
                    {"county", *county},
                    {"starts_on", ledger::format_date(*starts_on)}});
}

nlohmann::json survivor_json(const db::SurvivorRecord& s) {
    return {{"code", s.code},
            {"cohort", s.cohort},
            {"gender", s.gender},
            {"birth_year", s.birth_year},
            {"county", s.county},
            {"enrolled_on", ledger::format_date(s.enrolled_on)},
            {"consent",
             {{"donor_reporting", s.consent_donor_reporting}, {"follow_up", s.consent_follow_up}}}};
}

Response enrol_survivor(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"cohort", "gender", "birth_year", "county", "enrolled_on", "consent", "pii"});
    db::SurvivorRecord survivor;
    const auto cohort = code_field(reader, "cohort");
    const auto gender =
        required_choice(reader, body, "gender", {"female", "male", "other", "undisclosed"});
    const auto birth_year = reader.integer("birth_year", true, 1900, 2100, 0);
    const auto county = reader.text("county", true, kCountyBytesMax);
    const auto enrolled_on = reader.date("enrolled_on", true);
    std::optional<bool> reporting, follow_up;
    if (const auto* consent = reader.object("consent", true)) {
        FieldReader c(*consent, "consent.", errors);
        c.only({"donor_reporting", "follow_up"});
        reporting = c.boolean("donor_reporting", true, false);
        follow_up = c.boolean("follow_up", false, false);
    }
    Pii pii;
    if (const auto* fields = reader.object("pii", true)) {
        FieldReader p(*fields, "pii.", errors);
        p.only({"full_name", "phone", "national_id"});
        const auto name = p.text("full_name", true, kPiiBytesMax);
        const auto phone = p.text("phone", false, kPiiBytesMax);
        const auto national_id = p.text("national_id", false, kPiiBytesMax);
        pii = {name.value_or(""), phone.value_or(""), national_id.value_or("")};
        if (phone && normalise_phone(*phone).size() < 7)
            p.error("pii.phone", "invalid_phone", "Expected a phone number.");
        if (national_id && normalise_national_id(*national_id).empty())
            p.error("pii.national_id", "invalid_text", "Expected an identity number.");
    }
    if (enrolled_on && *enrolled_on > today_utc())
        reader.error("enrolled_on", "invalid_date", "Enrolment cannot be in the future.");
    if (!errors.empty())
        return validation_problem(errors, call.context);
    survivor.cohort = *cohort;
    survivor.gender = *gender;
    survivor.birth_year = *birth_year;
    survivor.county = *county;
    survivor.enrolled_on = *enrolled_on;
    survivor.consent_donor_reporting = *reporting;
    survivor.consent_follow_up = *follow_up;
    survivor.recorded_by = call.principal->actor();
    const auto indexes = s.vault->blind_indexes(pii);
    for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
        survivor.code = random_code("SV-");
        const auto rule =
            s.store->enrol_survivor(survivor, s.vault->seal(survivor.code, pii), indexes);
        if (rule == Rejection::already_exists)
            continue;  // the random code was taken: draw another
        if (rule == Rejection::cohort_not_found)
            return refused(rule, call, "No cohort has this code.", "cohort");
        if (rule == Rejection::survivor_already_enrolled) {
            audit(s, call, "survivor.duplicate_refused", "", "blind index matched");
            return refused(rule, call,
                           "A survivor with this phone or national id is enrolled already.", "pii");
        }
        audit(s, call, "survivor.enrol", survivor.code);
        return created(survivor_json(survivor));
    }
    throw std::runtime_error("could not draw a free survivor code");
}

Response get_survivor(const Services& s, Call& call) {
    QueryReader query(call);
    const auto include = query.choice("include", {"", "pii"});
    if (auto bad = query.problem_if_any())
        return *bad;
    const bool with_pii = include == "pii";
    const auto role = call.principal->role;
    if (with_pii && role != Role::field && role != Role::admin) {
        return problem(http::status::forbidden, "forbidden",
                       "Only field and admin tokens may read a survivor's PII.", call.context);
    }
    const auto survivor = s.store->survivor(call.params[0]);
    if (!survivor) {
        return problem(http::status::not_found, "not_found", "No survivor has this code.",
                       call.context);
    }
    auto json = survivor_json(*survivor);
    if (with_pii) {
        // Logged before it is shown: a read that fails to log is not served.
        audit(s, call, "survivor.pii_read", survivor->code);
        const auto sealed = s.store->survivor_pii(survivor->code);
        const auto pii = sealed ? s.vault->unseal(survivor->code, *sealed) : std::nullopt;
        if (!pii) {
            return problem(http::status::conflict, "pii_unavailable",
                           "The PII of this survivor cannot be opened with this server's key.",
                           call.context);
        }
        json["pii"] = {
            {"full_name", pii->full_name},
            {"phone", pii->phone.empty() ? nlohmann::json(nullptr) : nlohmann::json(pii->phone)},
            {"national_id", pii->national_id.empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json(pii->national_id)}};
    }
    return json_response(http::status::ok, json);
}

// Awards.

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

Response create_award(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"survivor", "fund", "kind", "amount", "approved_on", "purpose", "business_sector",
                 "loan"});
    db::AwardRecord record;
    auto& award = record.award;
    const auto survivor = reader.text("survivor", true, ledger::kCodeBytesMax);
    const auto fund_code = code_field(reader, "fund");
    const auto kind = required_choice(reader, body, "kind", {"grant", "loan"});
    const auto approved_on = reader.date("approved_on", true);
    const auto purpose = reader.text("purpose", true, kPurposeBytesMax);
    const auto sector = reader.text("business_sector", true, kCountyBytesMax);
    std::optional<db::FundRecord> fund;
    if (fund_code) {
        fund = s.store->fund(*fund_code);
        if (!fund)
            reader.error("fund", "unknown_fund", "No fund has this code.");
    }
    const auto currency = fund ? ledger::find_currency(fund->currency) : std::nullopt;
    const auto amount =
        currency ? reader.amount("amount", *currency, true) : std::optional<ledger::Amount>();
    const auto* loan = reader.object("loan", kind && *kind == "loan");
    if (kind && *kind == "grant" && loan != nullptr)
        reader.error("loan", "not_a_loan", "A grant has no loan terms.");
    if (kind && *kind == "loan" && loan != nullptr && currency)
        award.terms = read_loan_terms(*loan, "loan.", *currency, errors);
    if (!errors.empty())
        return validation_problem(errors, call.context);
    award.survivor = *survivor;
    award.fund = fund->code;
    award.currency = fund->currency;
    award.kind = *ledger::parse_award_kind(*kind);
    award.approved = *amount;
    award.approved_on = *approved_on;
    record.purpose = *purpose;
    record.business_sector = *sector;
    record.recorded_by = call.principal->actor();
    std::optional<ledger::Schedule> schedule;
    if (award.terms) {
        const auto result = ledger::award_schedule(award, {});
        if (!result.ok()) {
            const std::string code(ledger::to_string(result.error));
            return problem(http::status::unprocessable_entity, code,
                           "These loan terms cannot make a schedule: " + code + ".", call.context,
                           {{"loan", code, "The terms cannot make a schedule."}});
        }
        schedule = result.schedule;
    }
    for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
        award.id = random_code("AW-");
        const auto rule = s.store->create_award(record);
        if (rule == Rejection::already_exists)
            continue;
        if (rule != Rejection::none) {
            const std::string field = rule == Rejection::survivor_not_found ? "survivor"
                                      : rule == Rejection::before_enrolment ? "approved_on"
                                                                            : "fund";
            return refused(
                rule, call,
                "The award cannot be made: " + std::string(ledger::to_string(rule)) + ".", field);
        }
        audit(s, call, "award.create", award.id);
        auto json = award_json(record);
        json["schedule"] = schedule ? schedule_json(*schedule, *currency)["installments"]
                                    : nlohmann::json::array();
        return created(json);
    }
    throw std::runtime_error("could not draw a free award id");
}

Response get_award(const Services& s, Call& call) {
    QueryReader query(call);
    const auto as_of = query.date("as_of");
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto record = s.store->award(call.params[0]);
    if (!record || !call.principal->may_see_fund(record->award.fund)) {
        return problem(http::status::not_found, "not_found", "No award has this id.", call.context);
    }
    const auto& a = record->award;
    const auto& c = a.currency;
    const auto f = s.store->award_figures(a.id, as_of);
    const auto on = as_of.value_or(today_utc());
    auto json = award_json(*record);
    if (as_of)
        json["status"] = ledger::to_string(ledger::derive_status(a, f));
    json["as_of"] = ledger::format_date(on);
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
    if (a.kind == ledger::AwardKind::loan) {
        const auto schedule = ledger::award_schedule(a, f);
        if (schedule.ok()) {
            nlohmann::json items = nlohmann::json::array();
            for (const auto& st : ledger::installment_states(schedule.schedule, f.interest_paid,
                                                             f.principal_repaid)) {
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
            json["schedule"] = items;
            const bool counting = ledger::derive_status(a, f) == ledger::AwardStatus::active;
            if (counting) {
                const auto arrears = ledger::arrears_as_of(schedule.schedule, f, on);
                json["days_in_arrears"] = arrears.days;
                json["overdue"] = {{"principal", amount_text(arrears.principal_overdue, c)},
                                   {"interest", amount_text(arrears.interest_overdue, c)},
                                   {"oldest_due_on", date_or_null(arrears.oldest_unpaid_due_on)}};
            }
        }
    }
    return json_response(http::status::ok, json);
}

/// The award a money event names, for reading its amount in the award's currency; an
/// unknown award is left to the writer, which refuses it in its documented order.
std::optional<ledger::Currency> award_currency(const Services& s, const Call& call,
                                               const std::optional<std::string>& award) {
    if (!award)
        return std::nullopt;
    const auto place = s.store->award_place(*award);
    if (!place || !call.principal->may_see_fund(place->fund))
        return std::nullopt;
    return ledger::find_currency(place->currency);
}

Response award_not_found(const Call& call) {
    return refused(Rejection::award_not_found, call, "No award has this id.", "award");
}

Response create_disbursement(const Services& s, Call& call) {
    auto read = read_money_request(call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& [key, body] = std::get<MoneyRequest>(read);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"award", "amount", "disbursed_on", "channel", "reference", "fee"});
    const auto award = reader.text("award", true, ledger::kCodeBytesMax);
    const auto currency = award_currency(s, call, award);
    if (award && !currency && errors.empty())
        return award_not_found(call);
    if (!currency)
        return validation_problem(errors, call.context);
    const auto p =
        read_payment(reader, body, *currency, "disbursed_on", {"mpesa", "bank", "cash", "in_kind"});
    std::optional<ledger::Amount> fee = ledger::Amount(0);
    if (body.contains("fee") && !body["fee"].is_null()) {
        fee = reader.amount("fee", *currency, false);
        if (fee && *fee < 0)
            reader.error("fee", "invalid_amount", "A fee cannot be negative.");
        if (fee && *fee > 0 && p.channel == ledger::Channel::in_kind)
            reader.error("fee", "invalid_amount", "Goods handed over in kind carry no fee.");
    }
    if (!errors.empty())
        return validation_problem(errors, call.context);
    ledger::Disbursement d{*award, *p.amount, *p.on, *p.channel, *p.reference, *fee};
    return write_entry(*s.writer, call, key, body, {}, ledger::Command(d));
}

Response create_repayment(const Services& s, Call& call) {
    auto read = read_money_request(call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& [key, body] = std::get<MoneyRequest>(read);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"award", "amount", "paid_on", "channel", "reference"});
    const auto award = reader.text("award", true, ledger::kCodeBytesMax);
    const auto currency = award_currency(s, call, award);
    if (award && !currency && errors.empty())
        return award_not_found(call);
    if (!currency)
        return validation_problem(errors, call.context);
    const auto p = read_payment(reader, body, *currency, "paid_on", {"mpesa", "bank", "cash"});
    if (!errors.empty())
        return validation_problem(errors, call.context);
    ledger::Repayment r{*award, *p.amount, *p.on, *p.channel, *p.reference};
    return write_entry(*s.writer, call, key, body, {}, ledger::Command(r));
}

Response close_award(const Services& s, Call& call, ledger::Closure::Kind kind) {
    auto read = read_money_request(call);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& [key, body] = std::get<MoneyRequest>(read);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"on", "reason"});
    const auto on = reader.date("on", true);
    const auto reason = reader.text("reason", true, kPurposeBytesMax);
    if (!errors.empty())
        return validation_problem(errors, call.context);
    if (!award_currency(s, call, call.params[0])) {
        return problem(http::status::not_found, "not_found", "No award has this id.", call.context);
    }
    ledger::Closure closure{kind, call.params[0], *on, *reason};
    return write_entry(*s.writer, call, key, body, {}, ledger::Command(closure));
}

// Outcomes.

Response record_outcome(const Services& s, Call& call) {
    nlohmann::json body;
    if (auto bad = parse_body(call, body))
        return *bad;
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    reader.only({"survivor", "observed_on", "business_status", "monthly_revenue", "monthly_profit",
                 "household_income", "savings", "jobs", "currency"});
    db::OutcomeRecord o;
    const auto survivor = reader.text("survivor", true, ledger::kCodeBytesMax);
    const auto observed_on = reader.date("observed_on", true);
    const auto status =
        required_choice(reader, body, "business_status", {"operating", "closed", "not_started"});
    const auto currency_code = reader.text("currency", false, 3).value_or("KES");
    const auto currency = ledger::find_currency(currency_code);
    if (!currency)
        reader.error("currency", "unknown_currency", "Not an ISO 4217 currency Riziki knows.");
    const auto money = [&](const char* field) -> std::optional<ledger::Amount> {
        if (!currency)
            return std::nullopt;
        auto value = reader.amount(field, *currency, false);
        if (value && *value < 0) {
            reader.error(field, "invalid_amount", "Must not be negative.");
            return std::nullopt;
        }
        return value;
    };
    const auto revenue = money("monthly_revenue");
    const auto profit = money("monthly_profit");
    const auto household = money("household_income");
    const auto savings = money("savings");
    const auto jobs = reader.integer("jobs", true, 0, 100000, 0);
    if (observed_on && *observed_on > today_utc())
        reader.error("observed_on", "invalid_date", "An observation cannot be in the future.");
    if (!errors.empty())
        return validation_problem(errors, call.context);
    o.survivor = *survivor;
    o.observed_on = *observed_on;
    o.business_status = *status;
    o.currency = currency_code;
    o.monthly_revenue = *revenue;
    o.monthly_profit = *profit;
    o.household_income = *household;
    o.savings = *savings;
    o.jobs = *jobs;
    o.recorded_by = call.principal->actor();
    if (auto rule = s.store->record_outcome(o); rule != Rejection::none) {
        return refused(rule, call,
                       rule == Rejection::survivor_not_found
                           ? "No survivor has this code."
                           : "An outcome cannot be observed before the survivor enrolled.",
                       rule == Rejection::survivor_not_found ? "survivor" : "observed_on");
    }
    audit(s, call, "outcome.record", o.survivor);
    const auto& c = o.currency;
    return created({{"id", std::to_string(o.id)},
                    {"survivor", o.survivor},
                    {"observed_on", ledger::format_date(o.observed_on)},
                    {"business_status", o.business_status},
                    {"currency", c},
                    {"monthly_revenue", amount_text(o.monthly_revenue, c)},
                    {"monthly_profit", amount_text(o.monthly_profit, c)},
                    {"household_income", amount_text(o.household_income, c)},
                    {"savings", amount_text(o.savings, c)},
                    {"jobs", o.jobs}});
}

// The audit log.

Response list_audit_log(const Services& s, Call& call) {
    QueryReader query(call);
    db::AuditFilter filter{query.date("from"), query.date("to"), query.code("actor"),
                           query.code("action")};
    const auto limit = query.limit();
    const auto after = query.after();
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto records = s.store->audit_log(filter, after, limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : records) {
        items.push_back({{"seq", r.seq},
                         {"at", ledger::format_timestamp_us(r.at_us)},
                         {"actor", r.event.actor},
                         {"request_id", r.event.request_id},
                         {"action", r.event.action},
                         {"subject", r.event.subject},
                         {"detail", r.event.detail},
                         {"prev_hash", r.prev_hash},
                         {"hash", r.hash}});
    }
    nlohmann::json next = nullptr;
    if (records.size() == limit)
        next = cursor_after(records.back().seq);
    return json_response(http::status::ok, {{"items", items}, {"next", next}});
}

}  // namespace

void audit(const Services& s, const Call& call, const std::string& action,
           const std::string& subject, const std::string& detail) {
    s.store->audit({call.principal->actor(), call.context.request_id, action, subject, detail});
}

void add_program_routes(Router& router, const Services& s) {
    router.add({http::verb::post, "/v1/donors", kFinance, bind_handler(s, create_donor)});
    router.add({http::verb::post, "/v1/funds", kFinance, bind_handler(s, create_fund)});
    router.add({http::verb::get, "/v1/funds/{code}", kFundReaders, bind_handler(s, get_fund)});
    router.add(
        {http::verb::post, "/v1/funds/{code}/receipts", kFinance, bind_handler(s, create_receipt)});
    router.add({http::verb::post, "/v1/cohorts", kFieldFinance, bind_handler(s, create_cohort)});
    router.add({http::verb::post, "/v1/survivors", kFieldFinance, bind_handler(s, enrol_survivor)});
    router.add(
        {http::verb::get, "/v1/survivors/{code}", kSurvivorReaders, bind_handler(s, get_survivor)});
    router.add({http::verb::post, "/v1/awards", kFinance, bind_handler(s, create_award)});
    router.add({http::verb::get, "/v1/awards/{id}", kBooks, bind_handler(s, get_award)});
    router.add(
        {http::verb::post, "/v1/disbursements", kFinance, bind_handler(s, create_disbursement)});
    router.add({http::verb::post, "/v1/repayments", kFinance, bind_handler(s, create_repayment)});
    router.add({http::verb::post, "/v1/awards/{id}/write-off", kFinance, [s](Call& call) {
                    return close_award(s, call, ledger::Closure::Kind::write_off);
                }});
    router.add({http::verb::post, "/v1/awards/{id}/forgive", kFinance, [s](Call& call) {
                    return close_award(s, call, ledger::Closure::Kind::forgiveness);
                }});
    router.add({http::verb::post, "/v1/outcomes", kField, bind_handler(s, record_outcome)});
    router.add({http::verb::get,
                "/v1/audit/log",
                {Role::auditor, Role::admin},
                bind_handler(s, list_audit_log)});
}

}  // namespace riziki::api
