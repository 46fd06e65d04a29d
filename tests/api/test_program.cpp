// The program endpoints over HTTP (SPEC §5-§8): donors, funds, receipts, cohorts,
// survivors, awards, disbursements, repayments, write-offs, forgiveness and outcomes.
// One story with exact figures; every rejection code with its status and an unchanged
// journal; concurrent disbursements against one fund's cash; what a database dump and the
// server log must not hold; and what a donor's token may see. Each case makes the records it
// needs through the helpers below, under codes and payment references of its own, so that it
// runs alone as well as after the others on its suite's server.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "api/pii_vault.hpp"
#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const std::string kZeroHash(64, '0');
const std::regex kSurvivorCode("SV-[23456789A-HJ-NP-Z]{8}");
const std::regex kAwardId("AW-[23456789A-HJ-NP-Z]{8}");

// ------------------------------------------------------------------------ request bodies

json loan_terms(const std::string& rate, const std::string& period, int installments,
                const std::string& first_due_on = "") {
    json terms{{"interest_rate", rate},
               {"interest_period", period},
               {"interest_method", "declining_balance"},
               {"amortization", "equal_installments"},
               {"installments", installments},
               {"repayment_every", 1},
               {"repayment_unit", "months"}};
    if (!first_due_on.empty())
        terms["first_due_on"] = first_due_on;
    return terms;
}

json award_body(const std::string& survivor, const std::string& fund, const std::string& kind,
                const std::string& amount, const std::string& approved_on,
                const json& terms = nullptr) {
    json body{{"survivor", survivor},
              {"fund", fund},
              {"kind", kind},
              {"amount", amount},
              {"approved_on", approved_on},
              {"purpose", "Start-up stock for a tailoring stall"},
              {"business_sector", "tailoring"}};
    if (!terms.is_null())
        body["loan"] = terms;
    return body;
}

json disbursement_body(const std::string& award, const std::string& amount, const std::string& on,
                       const std::string& channel, const std::string& reference,
                       const std::string& fee = "") {
    json body{{"award", award},
              {"amount", amount},
              {"disbursed_on", on},
              {"channel", channel},
              {"reference", reference}};
    if (!fee.empty())
        body["fee"] = fee;
    return body;
}

json repayment_body(const std::string& award, const std::string& amount, const std::string& on,
                    const std::string& channel, const std::string& reference) {
    return {{"award", award},
            {"amount", amount},
            {"paid_on", on},
            {"channel", channel},
            {"reference", reference}};
}

json receipt_json(const std::string& amount, const std::string& on, const std::string& channel,
                  const std::string& reference) {
    return {
        {"amount", amount}, {"received_on", on}, {"channel", channel}, {"reference", reference}};
}

json outcome_body(const std::string& survivor, const std::string& observed_on) {
    return {{"survivor", survivor},           {"observed_on", observed_on},
            {"business_status", "operating"}, {"monthly_revenue", "15000.00"},
            {"monthly_profit", "4000.00"},    {"household_income", "9000.00"},
            {"savings", "1200.00"},           {"jobs", 2}};
}

/// A posting as the API answers it.
json posting(const std::string& account, const std::string& fund, const std::string& amount,
             const std::string& survivor = "", const std::string& award = "",
             const std::string& currency = "KES") {
    return {{"account", account},
            {"fund", fund},
            {"currency", currency},
            {"amount", amount},
            {"survivor", survivor.empty() ? json(nullptr) : json(survivor)},
            {"award", award.empty() ? json(nullptr) : json(award)}};
}

/// An award's two postings as the API answers them: `amount` to `debit` from `credit`.
json debit_credit(const std::string& debit, const std::string& credit, const std::string& amount,
                  const std::string& fund, const std::string& survivor, const std::string& award) {
    return json::array({posting(debit, fund, amount, survivor, award),
                        posting(credit, fund, "-" + amount, survivor, award)});
}

/// The memo of a payment on an award: "<what> <award> (<reference>)".
std::string paid_memo(const std::string& what, const std::string& award,
                      const std::string& reference) {
    return what + " " + award + " (" + reference + ")";
}

/// Event, date, memo, who and the exact postings of an entry the API answered.
void check_entry(const json& entry, const std::string& event, const std::string& effective_on,
                 const std::string& memo, const json& postings) {
    BOOST_TEST_CONTEXT("entry " << entry.dump()) {
        BOOST_TEST(entry.value("event", "") == event);
        BOOST_TEST(entry.value("effective_on", "") == effective_on);
        BOOST_TEST(entry.value("memo", "") == memo);
        BOOST_TEST(entry.value("recorded_by", "") == "token:2");  // the finance token
        BOOST_TEST(entry.value("reverses", json()).is_null());
        BOOST_TEST(entry.value("postings", json()) == postings);
    }
}

/// A schedule row as POST /v1/awards answers it.
json due(int n, const std::string& due_on, const std::string& principal,
         const std::string& interest, const std::string& total, const std::string& balance) {
    return {{"n", n},         {"due_on", due_on},  {"principal", principal}, {"interest", interest},
            {"total", total}, {"balance", balance}};
}

/// A schedule row as GET /v1/awards/{id} answers it: with what was paid of it.
json due_paid(json row, const std::string& principal_paid, const std::string& interest_paid,
              bool paid) {
    row["principal_paid"] = principal_paid;
    row["interest_paid"] = interest_paid;
    row["paid"] = paid;
    return row;
}

// ---------------------------------------------------------------------------- requests

/// One keep-alive connection to a server, with the program's requests.
struct Api {
    ApiServer& srv;
    HttpClient client;

    explicit Api(ApiServer& s) : srv(s), client(s.client()) {}

    HttpResponse post(const std::string& role, const std::string& target, const json& body) {
        return client.post(target, body.dump(), srv.auth(role));
    }
    /// A money POST as finance, under a fresh Idempotency-Key unless one is given.
    HttpResponse money(const std::string& target, const json& body, std::string key = "") {
        if (key.empty())
            key = fresh_key("program");
        return client.post(target, body.dump(), with(srv.auth("finance"), "Idempotency-Key", key));
    }
    HttpResponse get(const std::string& role, const std::string& target) {
        return client.get(target, srv.auth(role));
    }
    json get_ok(const std::string& role, const std::string& target) {
        const auto response = get(role, target);
        BOOST_TEST_REQUIRE(response.status == 200, target << ": " << response.body);
        BOOST_TEST(response.header("Content-Type") == "application/json");
        return body_json(response);
    }

    static json created(const HttpResponse& response) {
        BOOST_TEST_REQUIRE(response.status == 201, response.body);
        BOOST_TEST(response.header("Content-Type") == "application/json");
        return body_json(response);
    }

    void donor(const std::string& code, const std::string& name = "A donor") {
        created(post("finance", "/v1/donors", {{"code", code}, {"name", name}}));
    }
    void fund(const std::string& code, const std::string& donor) {
        created(post("finance", "/v1/funds",
                     {{"code", code},
                      {"donor", donor},
                      {"name", "Fund " + code},
                      {"currency", "KES"},
                      {"restricted", true},
                      {"starts_on", "2025-01-01"},
                      {"ends_on", "2027-12-31"},
                      {"committed_amount", "1000000.00"}}));
    }
    void cohort(const std::string& code, const std::string& starts_on = "2025-01-01") {
        created(post("field", "/v1/cohorts",
                     {{"code", code},
                      {"name", "Cohort " + code},
                      {"county", "Mombasa"},
                      {"starts_on", starts_on}}));
    }
    std::string survivor(const json& body) {
        const auto code = created(post("field", "/v1/survivors", body)).value("code", "");
        BOOST_TEST(std::regex_match(code, kSurvivorCode), code);
        return code;
    }
    std::string award(const json& body) {
        const auto id = created(post("finance", "/v1/awards", body)).value("id", "");
        BOOST_TEST(std::regex_match(id, kAwardId), id);
        return id;
    }
    json receipt(const std::string& fund, const json& body) {
        return created(money("/v1/funds/" + fund + "/receipts", body));
    }
    json disburse(const json& body) { return created(money("/v1/disbursements", body)); }
    json repay(const json& body) { return created(money("/v1/repayments", body)); }
};

/// The journal's length, checked after each request that must leave it as it was.
class Journal {
  public:
    explicit Journal(const ApiServer& s) : srv_(s), seq_(s.journal_seq()) {}
    void unchanged() const { BOOST_TEST(srv_.journal_seq() == seq_, "the journal moved"); }
    void grew(long long by) {
        seq_ += by;
        BOOST_TEST(srv_.journal_seq() == seq_);
    }
    long long seq() const { return seq_; }

  private:
    const ApiServer& srv_;
    long long seq_;
};

/// A refusal with this status and code, naming `field` when given.
void check_refused(const HttpResponse& response, int status, const std::string& code,
                   const std::string& field = "") {
    const auto problem = check_problem(response, status, code);
    if (!field.empty()) {
        const auto got = field_errors(problem);
        BOOST_TEST((got == FieldErrors{{field, code}}), "errors " << describe(got));
    }
}

/// `prefix` and a number no other call in this program gets: a code or a payment reference
/// no other case's records use, so that cases sharing a server do not collide.
std::string unique(const std::string& prefix) {
    return fresh_key(prefix);
}

/// The hash the next entry will chain to: the last entry's, or zeros on an empty journal.
std::string tail_hash(Api& api) {
    const auto seq = api.srv.journal_seq();
    if (seq == 0)
        return kZeroHash;
    return api.get_ok("auditor", "/v1/entries/" + std::to_string(seq)).value("hash", "");
}

/// A donor, its fund (KES, committed 1,000,000.00) and a cohort, with fresh codes, and a
/// survivor enrolled on 10 January 2026 with no phone or national id (so as to collide with
/// no one's); `receipt_ref` is set when the fund received cash.
struct Books {
    std::string donor{}, fund{}, cohort{}, survivor{}, receipt_ref{};
};

Books make_fund(Api& api) {
    Books books{unique("D"), unique("F"), unique("C")};
    api.donor(books.donor);
    api.fund(books.fund, books.donor);
    api.cohort(books.cohort);
    books.survivor = api.survivor(survivor_body(books.cohort, "2026-01-10", "Rehema Survivor"));
    return books;
}

/// make_fund() with `cash` received by bank on 12 January 2026.
Books make_fund_with_cash(Api& api, const std::string& cash) {
    auto books = make_fund(api);
    books.receipt_ref = unique("IN");
    api.receipt(books.fund, receipt_json(cash, "2026-01-12", "bank", books.receipt_ref));
    return books;
}

/// An award a helper made and what its steps wrote; an entry or a payment reference stays
/// empty where the helper did not take that step.
struct Award {
    std::string id{};
    json answer{};  // what POST /v1/awards answered, where the helper keeps it
    json disbursed{}, repaid{}, written_off{}, recovered{}, forgiven{};
    std::string disbursement_ref{}, repayment_ref{}, recovery_ref{};
};

/// Every row of the audit log (as auditor), following `next`.
json audit_rows(Api& api) {
    json rows = json::array();
    std::string target = "/v1/audit/log?limit=1000";
    for (int page = 0; page < 100; ++page) {
        const auto body = api.get_ok("auditor", target);
        for (const auto& item : body.at("items"))
            rows.push_back(item);
        if (body.at("next").is_null())
            return rows;
        target = "/v1/audit/log?limit=1000&after=" + body.at("next").get<std::string>();
    }
    BOOST_FAIL("more than 100 pages of audit log");
    return rows;
}

std::string to_hex(const std::string& text) {
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

}  // namespace

// ==================================================================== 1. the whole story

namespace {

/// What the story's cases start from: a donor, its fund and a cohort with fresh codes, and
/// 150,000.00 received (100,000.00 by bank on 5 January, 50,000.00 by M-Pesa on 6 January),
/// with every answer for the first case to check.
struct StoryFund {
    std::string fund{}, donor{}, cohort{}, bank_ref{}, mpesa_ref{};
    json donor_answer{}, fund_answer{}, cohort_answer{}, bank{}, mpesa{};
};

json story_fund_json(const std::string& code, const std::string& donor) {
    return {{"code", code},
            {"donor", donor},
            {"name", "Livelihoods 2026"},
            {"currency", "KES"},
            {"restricted", true},
            {"starts_on", "2026-01-01"},
            {"ends_on", "2027-12-31"},
            {"committed_amount", "500000.00"}};
}

json story_cohort_json(const std::string& code) {
    return {{"code", code},
            {"name", "Mombasa 2026 A"},
            {"county", "Mombasa"},
            {"starts_on", "2026-01-01"}};
}

StoryFund make_story_fund(Api& api) {
    StoryFund s{unique("F-LIVE"), unique("D-ACME"), unique("C-2026A"), unique("BANK"),
                unique("MP-REC")};
    s.donor_answer = Api::created(
        api.post("finance", "/v1/donors", {{"code", s.donor}, {"name", "Acme Foundation"}}));
    s.fund_answer =
        Api::created(api.post("finance", "/v1/funds", story_fund_json(s.fund, s.donor)));
    s.bank = api.receipt(s.fund, receipt_json("100000", "2026-01-05", "bank", s.bank_ref));
    s.mpesa = api.receipt(s.fund, receipt_json("50000.00", "2026-01-06", "mpesa", s.mpesa_ref));
    s.cohort_answer = Api::created(api.post("finance", "/v1/cohorts", story_cohort_json(s.cohort)));
    return s;
}

/// A survivor of the story's cohort, enrolled on 10 January, with no phone or national id.
std::string enrol(Api& api, const StoryFund& story, const std::string& name) {
    return api.survivor(survivor_body(story.cohort, "2026-01-10", name));
}

/// 12,000.00 at 2 % a month over 4 months, approved on 15 January, disbursed by M-Pesa on
/// 20 January with a 33.00 charge; 3,500.00 repaid on 20 February.
Award make_loan_with_fee_partly_repaid(Api& api, const std::string& fund,
                                       const std::string& survivor) {
    Award a{.disbursement_ref = unique("MP-D"), .repayment_ref = unique("MP-R")};
    a.answer = Api::created(api.post(
        "finance", "/v1/awards",
        award_body(survivor, fund, "loan", "12000.00", "2026-01-15", loan_terms("2", "month", 4))));
    a.id = a.answer.value("id", "");
    BOOST_TEST_REQUIRE(std::regex_match(a.id, kAwardId), a.id);
    a.disbursed = api.disburse(
        disbursement_body(a.id, "12000.00", "2026-01-20", "mpesa", a.disbursement_ref, "33"));
    a.repaid = api.repay(repayment_body(a.id, "3500.00", "2026-02-20", "mpesa", a.repayment_ref));
    return a;
}

/// 5,000.00 at 0 %, approved on 25 January, disbursed on 1 February; 1,000.00 repaid on
/// 1 March, the rest written off on 30 June, and 600.00 recovered on 15 July.
Award make_written_off_and_recovered_loan(Api& api, const std::string& fund,
                                          const std::string& survivor) {
    Award a{.disbursement_ref = unique("MP-D"),
            .repayment_ref = unique("MP-R"),
            .recovery_ref = unique("MP-R")};
    a.id = api.award(
        award_body(survivor, fund, "loan", "5000.00", "2026-01-25", loan_terms("0", "year", 5)));
    a.disbursed =
        api.disburse(disbursement_body(a.id, "5000.00", "2026-02-01", "mpesa", a.disbursement_ref));
    a.repaid = api.repay(repayment_body(a.id, "1000.00", "2026-03-01", "mpesa", a.repayment_ref));
    a.written_off = Api::created(api.money("/v1/awards/" + a.id + "/write-off",
                                           {{"on", "2026-06-30"}, {"reason", "Business closed"}}));
    a.recovered = api.repay(repayment_body(a.id, "600.00", "2026-07-15", "mpesa", a.recovery_ref));
    return a;
}

/// 3,000.00 at 0 %, approved on 20 February, disbursed on 1 March, forgiven on 1 May.
Award make_forgiven_loan(Api& api, const std::string& fund, const std::string& survivor) {
    Award a{.disbursement_ref = unique("MP-D")};
    a.id = api.award(
        award_body(survivor, fund, "loan", "3000.00", "2026-02-20", loan_terms("0", "month", 3)));
    a.disbursed =
        api.disburse(disbursement_body(a.id, "3000.00", "2026-03-01", "mpesa", a.disbursement_ref));
    a.forgiven =
        Api::created(api.money("/v1/awards/" + a.id + "/forgive",
                               {{"on", "2026-05-01"}, {"reason", "Converted to a grant"}}));
    return a;
}

/// An 8,000.00 grant approved on 5 February, and its first tranche: 5,000.00 by bank on
/// 10 February.
Award make_grant_with_first_tranche(Api& api, const std::string& fund,
                                    const std::string& survivor) {
    Award a{.disbursement_ref = unique("BK-G")};
    a.id = api.award(award_body(survivor, fund, "grant", "8000.00", "2026-02-05"));
    a.disbursed =
        api.disburse(disbursement_body(a.id, "5000.00", "2026-02-10", "bank", a.disbursement_ref));
    return a;
}

/// That grant's second and last tranche: 3,000.00 by bank on 10 March.
void pay_second_tranche(Api& api, const std::string& grant) {
    api.disburse(disbursement_body(grant, "3000.00", "2026-03-10", "bank", unique("BK-G")));
}

/// A 2,500.00 grant approved on 1 April and handed over in kind on 5 April.
Award make_grant_in_kind(Api& api, const std::string& fund, const std::string& survivor) {
    Award a{.disbursement_ref = unique("INV")};
    a.id = api.award(award_body(survivor, fund, "grant", "2500.00", "2026-04-01"));
    a.disbursed = api.disburse(
        disbursement_body(a.id, "2500.00", "2026-04-05", "in_kind", a.disbursement_ref));
    return a;
}

/// "1234.56" as 123456.
long long cents(const std::string& amount) {
    const auto point = amount.find('.');
    return std::stoll(amount.substr(0, point)) * 100 + std::stoll(amount.substr(point + 1));
}

/// 123456 as "1234.56".
std::string amount_text(long long minor) {
    const auto fraction = std::to_string(100 + minor % 100).substr(1);
    return std::to_string(minor / 100) + "." + fraction;
}

/// A trial balance's totals with `amount` more on both sides of the KES row (a new balanced
/// row when there was none), the rows kept in currency order.
json totals_plus_kes(json totals, const std::string& amount) {
    for (auto& row : totals) {
        if (row.value("currency", "") != "KES")
            continue;
        row["debit"] = amount_text(cents(row.value("debit", "")) + cents(amount));
        row["credit"] = amount_text(cents(row.value("credit", "")) + cents(amount));
        return totals;
    }
    totals.push_back(
        {{"currency", "KES"}, {"debit", amount}, {"credit", amount}, {"balanced", true}});
    std::sort(totals.begin(), totals.end(), [](const json& a, const json& b) {
        return a.value("currency", "") < b.value("currency", "");
    });
    return totals;
}

/// A trial balance's rows of `fund`, and the other rows, each in the order given.
std::pair<json, json> split_rows(const json& rows, const std::string& fund) {
    std::pair<json, json> out{json::array(), json::array()};
    for (const auto& row : rows)
        (row.value("fund", "") == fund ? out.first : out.second).push_back(row);
    return out;
}

/// What most story cases start from (a Boost.Test case fixture): a connection, a story fund
/// and a survivor enrolled in its cohort.
struct StoryStart {
    Api api{server()};
    StoryFund story = make_story_fund(api);
    std::string fund = story.fund;
    std::string sv = enrol(api, story, "Amina Borrower");
};

}  // namespace

BOOST_AUTO_TEST_SUITE(program_story, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(donor_fund_receipts_cohort_and_survivors) {
    Api api(server());
    Journal journal(server());
    const auto genesis = tail_hash(api);  // zeros when this case runs on its own
    const auto story = make_story_fund(api);
    const auto& fund = story.fund;
    BOOST_TEST(story.donor_answer == json({{"code", story.donor}, {"name", "Acme Foundation"}}));
    BOOST_TEST(story.fund_answer == story_fund_json(fund, story.donor));

    check_entry(
        story.bank, "receipt", "2026-01-05", "Donor receipt (" + story.bank_ref + ")",
        json::array({posting("1010", fund, "100000.00"), posting("4100", fund, "-100000.00")}));
    BOOST_TEST(story.bank.value("seq", 0LL) == journal.seq() + 1);
    BOOST_TEST(story.bank.value("prev_hash", "") == genesis);
    check_entry(
        story.mpesa, "receipt", "2026-01-06", "Donor receipt (" + story.mpesa_ref + ")",
        json::array({posting("1020", fund, "50000.00"), posting("4100", fund, "-50000.00")}));
    BOOST_TEST(story.mpesa.value("prev_hash", "") == story.bank.value("hash", "x"));
    BOOST_TEST(story.cohort_answer == story_cohort_json(story.cohort));

    const auto enrolled = Api::created(api.post(
        "field", "/v1/survivors",
        survivor_body(story.cohort, "2026-01-10", "Amina Survivor-One", "0711000001", "30000001")));
    const auto s1 = enrolled.value("code", "");
    BOOST_TEST_REQUIRE(std::regex_match(s1, kSurvivorCode), s1);
    const json expected_survivor{{"code", s1},
                                 {"cohort", story.cohort},
                                 {"gender", "female"},
                                 {"birth_year", 1994},
                                 {"county", "Mombasa"},
                                 {"enrolled_on", "2026-01-10"},
                                 {"consent", {{"donor_reporting", true}, {"follow_up", true}}},
                                 {"registry", {{"status", "off"}, {"matches", json::array()}}}};
    BOOST_TEST(enrolled == expected_survivor);  // and no PII echoed back
    // A read also says whether the identity was erased (docs/privacy.md): not yet.
    auto expected_read = expected_survivor;
    expected_read["pii_erased_at"] = nullptr;
    for (const char* role : {"field", "finance", "auditor", "admin"})
        BOOST_TEST(api.get_ok(role, "/v1/survivors/" + s1) == expected_read);
    const auto s2 = api.survivor(
        survivor_body(story.cohort, "2026-01-10", "Zawadi Survivor-Two", "0711000002", "30000002"));
    const auto s3 = enrol(api, story, "Neema Survivor-Three");
    BOOST_TEST(std::set<std::string>({s1, s2, s3}).size() == 3u);
    journal.grew(2);
}

BOOST_FIXTURE_TEST_CASE(loan_schedule_disbursement_with_fee_and_repayment_allocation, StoryStart) {
    Journal journal(server());
    const auto loan = make_loan_with_fee_partly_repaid(api, fund, sv);
    const auto& id = loan.id;
    // Fineract's figures for 12,000.00 at 2 % a month over 4 months, from the approval date
    // until something is disbursed.
    const json terms{{"interest_rate", "2"},
                     {"interest_period", "month"},
                     {"interest_method", "declining_balance"},
                     {"amortization", "equal_installments"},
                     {"installments", 4},
                     {"repayment_every", 1},
                     {"repayment_unit", "months"},
                     {"first_due_on", nullptr},
                     {"grace_on_principal", 0},
                     {"grace_on_interest", 0},
                     {"installment_multiple", nullptr},
                     {"currency_multiple", nullptr}};
    BOOST_TEST(
        loan.answer ==
        json({{"id", id},
              {"survivor", sv},
              {"fund", fund},
              {"currency", "KES"},
              {"kind", "loan"},
              {"amount", "12000.00"},
              {"approved_on", "2026-01-15"},
              {"purpose", "Start-up stock for a tailoring stall"},
              {"business_sector", "tailoring"},
              {"status", "approved"},
              {"loan", terms},
              {"schedule", json::array({
                               due(1, "2026-02-15", "2911.49", "240.00", "3151.49", "9088.51"),
                               due(2, "2026-03-15", "2969.72", "181.77", "3151.49", "6118.79"),
                               due(3, "2026-04-15", "3029.11", "122.38", "3151.49", "3089.68"),
                               due(4, "2026-05-15", "3089.68", "61.79", "3151.47", "0.00"),
                           })}}));

    // Disbursed by M-Pesa with a 33.00 charge: 1100/1020 and 5300/1020.
    check_entry(
        loan.disbursed, "disbursement", "2026-01-20",
        paid_memo("Loan disbursement", id, loan.disbursement_ref),
        json::array(
            {posting("1100", fund, "12000.00", sv, id), posting("1020", fund, "-12000.00", sv, id),
             posting("5300", fund, "33.00", sv, id), posting("1020", fund, "-33.00", sv, id)}));
    BOOST_TEST(!loan.disbursed.contains("allocation"));

    // 3,500.00 pays installment 1 (240.00 interest, 2,911.49 principal), then installment
    // 2's interest (181.77) and 166.74 of its principal.
    check_entry(loan.repaid, "repayment", "2026-02-20",
                paid_memo("Loan repayment", id, loan.repayment_ref),
                json::array({posting("1020", fund, "3500.00", sv, id),
                             posting("4200", fund, "-421.77", sv, id),
                             posting("1100", fund, "-3078.23", sv, id)}));
    BOOST_TEST(
        loan.repaid.value("allocation", json()) ==
        json({{"interest", "421.77"},
              {"principal", "3078.23"},
              {"overpayment", "0.00"},
              {"installments",
               json::array({{{"n", 1}, {"interest", "240.00"}, {"principal", "2911.49"}},
                            {{"n", 2}, {"interest", "181.77"}, {"principal", "166.74"}}})}}));
    journal.grew(2);
}

BOOST_FIXTURE_TEST_CASE(the_award_as_of_a_date, StoryStart) {
    const auto id = make_loan_with_fee_partly_repaid(api, fund, sv).id;
    // The schedule now runs from the disbursement date (20 Jan -> due on the 20th).
    const json rows = json::array({
        due(1, "2026-02-20", "2911.49", "240.00", "3151.49", "9088.51"),
        due(2, "2026-03-20", "2969.72", "181.77", "3151.49", "6118.79"),
        due(3, "2026-04-20", "3029.11", "122.38", "3151.49", "3089.68"),
        due(4, "2026-05-20", "3089.68", "61.79", "3151.47", "0.00"),
    });
    const json paid_rows = json::array(
        {due_paid(rows[0], "2911.49", "240.00", true), due_paid(rows[1], "166.74", "181.77", false),
         due_paid(rows[2], "0.00", "0.00", false), due_paid(rows[3], "0.00", "0.00", false)});
    for (const char* role : {"finance", "auditor"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            const auto a = api.get_ok(role, "/v1/awards/" + id + "?as_of=2026-04-01");
            BOOST_TEST(a.value("status", "") == "active");
            BOOST_TEST(a.value("as_of", "") == "2026-04-01");
            BOOST_TEST(a.value("amount", "") == "12000.00");
            BOOST_TEST(a.value("disbursed", "") == "12000.00");
            BOOST_TEST(a.value("remaining", "") == "0.00");
            BOOST_TEST(a.value("fees", "") == "33.00");
            BOOST_TEST(a.value("repaid", "") == "3500.00");
            BOOST_TEST(a.value("principal_repaid", "") == "3078.23");
            BOOST_TEST(a.value("interest_paid", "") == "421.77");
            BOOST_TEST(a.value("overpaid", "") == "0.00");
            BOOST_TEST(a.value("written_off", "") == "0.00");
            BOOST_TEST(a.value("outstanding", "") == "8921.77");
            BOOST_TEST(a.value("first_disbursed_on", "") == "2026-01-20");
            // Installment 2 fell due on 20 March and is not paid: 12 days late.
            BOOST_TEST(a.value("days_in_arrears", -1) == 12);
            BOOST_TEST(a.value("overdue", json()) == json({{"principal", "2802.98"},
                                                           {"interest", "0.00"},
                                                           {"oldest_due_on", "2026-03-20"}}));
            BOOST_TEST(a.value("schedule", json()) == paid_rows);
        }
    }
    // After the last due date everything left is overdue, still counted from 20 March.
    const auto june = api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-06-01");
    BOOST_TEST(june.value("days_in_arrears", -1) == 73);
    BOOST_TEST(
        june.value("overdue", json()) ==
        json({{"principal", "8921.77"}, {"interest", "184.17"}, {"oldest_due_on", "2026-03-20"}}));
    // The day before the repayment: nothing paid yet, nothing due yet.
    const auto february = api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-02-19");
    BOOST_TEST(february.value("repaid", "") == "0.00");
    BOOST_TEST(february.value("outstanding", "") == "12000.00");
    BOOST_TEST(february.value("days_in_arrears", -1) == 0);
    BOOST_TEST(february.value("overdue", json()) ==
               json({{"principal", "0.00"}, {"interest", "0.00"}, {"oldest_due_on", nullptr}}));
    // Paid on its due date: not late.
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-02-20")
                   .value("days_in_arrears", -1) == 0);
    // Unpaid the day after its due date: one day late.
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-03-21")
                   .value("days_in_arrears", -1) == 1);
    // Before the disbursement: approved, nothing out.
    const auto january = api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-01-16");
    BOOST_TEST(january.value("status", "") == "approved");
    BOOST_TEST(january.value("disbursed", "") == "0.00");
    BOOST_TEST(january.value("remaining", "") == "12000.00");
    BOOST_TEST(january.value("outstanding", "") == "0.00");
    BOOST_TEST(january.value("first_disbursed_on", json(1)).is_null());

    // The fund so far, and as of the end of January.
    const auto so_far = api.get_ok("finance", "/v1/funds/" + fund);
    BOOST_TEST(so_far.value("balances", json()) == json({{"received", "150000.00"},
                                                         {"disbursed", "12000.00"},
                                                         {"fees", "33.00"},
                                                         {"repaid", "3500.00"},
                                                         {"principal_repaid", "3078.23"},
                                                         {"interest_paid", "421.77"},
                                                         {"written_off", "0.00"},
                                                         {"forgiven", "0.00"},
                                                         {"recovered", "0.00"},
                                                         {"available_cash", "141467.00"},
                                                         {"loans_outstanding", "8921.77"}}));
    BOOST_TEST(so_far.value("as_of", json(1)).is_null());
    const auto end_of_january = api.get_ok("auditor", "/v1/funds/" + fund + "?as_of=2026-01-31");
    BOOST_TEST(end_of_january.value("as_of", "") == "2026-01-31");
    const auto& b = end_of_january.at("balances");
    BOOST_TEST(b.value("received", "") == "150000.00");
    BOOST_TEST(b.value("disbursed", "") == "12000.00");
    BOOST_TEST(b.value("repaid", "") == "0.00");
    BOOST_TEST(b.value("available_cash", "") == "137967.00");
    BOOST_TEST(b.value("loans_outstanding", "") == "12000.00");
}

BOOST_FIXTURE_TEST_CASE(write_off_then_recovery, StoryStart) {
    const auto loan = make_written_off_and_recovered_loan(api, fund, sv);
    const auto& id = loan.id;
    check_entry(loan.disbursed, "disbursement", "2026-02-01",
                paid_memo("Loan disbursement", id, loan.disbursement_ref),
                debit_credit("1100", "1020", "5000.00", fund, sv, id));
    check_entry(loan.repaid, "repayment", "2026-03-01",
                paid_memo("Loan repayment", id, loan.repayment_ref),
                debit_credit("1020", "1100", "1000.00", fund, sv, id));
    BOOST_TEST(loan.repaid.at("allocation") ==
               json({{"interest", "0.00"},
                     {"principal", "1000.00"},
                     {"overpayment", "0.00"},
                     {"installments",
                      json::array({{{"n", 1}, {"interest", "0.00"}, {"principal", "1000.00"}}})}}));
    check_entry(loan.written_off, "write_off", "2026-06-30",
                "Write-off of loan " + id + ": Business closed",
                debit_credit("5200", "1100", "4000.00", fund, sv, id));
    // A repayment on a written-off loan is a recovery: cash against 4300.
    check_entry(loan.recovered, "recovery", "2026-07-15",
                paid_memo("Recovery on written-off loan", id, loan.recovery_ref),
                debit_credit("1020", "4300", "600.00", fund, sv, id));
    BOOST_TEST(!loan.recovered.contains("allocation"));

    const auto a = api.get_ok("auditor", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "written_off");
    BOOST_TEST(a.value("disbursed", "") == "5000.00");
    BOOST_TEST(a.value("principal_repaid", "") == "1000.00");
    BOOST_TEST(a.value("written_off", "") == "4000.00");
    BOOST_TEST(a.value("recovered", "") == "600.00");
    BOOST_TEST(a.value("outstanding", "") == "0.00");
    BOOST_TEST(a.value("days_in_arrears", -1) == 0);
    BOOST_TEST(a.value("overdue", json(1)).is_null());
    // As of before the write-off it was an active loan.
    BOOST_TEST(
        api.get_ok("auditor", "/v1/awards/" + id + "?as_of=2026-06-29").value("status", "") ==
        "active");
}

BOOST_FIXTURE_TEST_CASE(forgiveness_turns_a_loan_into_a_grant, StoryStart) {
    const auto loan = make_forgiven_loan(api, fund, sv);
    const auto& id = loan.id;
    check_entry(loan.forgiven, "forgiveness", "2026-05-01",
                "Forgiveness of loan " + id + ": Converted to a grant",
                debit_credit("5100", "1100", "3000.00", fund, sv, id));
    const auto a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "forgiven");
    BOOST_TEST(a.value("forgiven", "") == "3000.00");
    BOOST_TEST(a.value("outstanding", "") == "0.00");
}

BOOST_FIXTURE_TEST_CASE(grants_in_two_tranches_and_in_kind, StoryStart) {
    const auto grant = make_grant_with_first_tranche(api, fund, sv);
    const auto& id = grant.id;
    auto a = api.get_ok("finance", "/v1/awards/" + id);
    check_entry(grant.disbursed, "disbursement", "2026-02-10",
                paid_memo("Grant disbursement", id, grant.disbursement_ref),
                debit_credit("5100", "1010", "5000.00", fund, sv, id));
    BOOST_TEST(a.value("status", "") == "active");
    BOOST_TEST(a.value("disbursed", "") == "5000.00");
    BOOST_TEST(a.value("remaining", "") == "3000.00");
    BOOST_TEST(a.value("schedule", json(1)) == json::array());
    pay_second_tranche(api, id);
    a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "closed");
    BOOST_TEST(a.value("disbursed", "") == "8000.00");
    BOOST_TEST(a.value("remaining", "") == "0.00");
    // Closed: not even a cent more.
    Journal journal(server());
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(id, "0.01", "2026-03-11", "bank", "BK-G-003")),
                  409, "award_not_active", "award");
    journal.unchanged();

    // Goods handed over: 5110 against accounts payable 2200; no cash moves.
    const auto other = enrol(api, story, "Neema Grantee");
    const auto in_kind = make_grant_in_kind(api, fund, other);
    const auto& kind = in_kind.id;
    check_entry(in_kind.disbursed, "disbursement", "2026-04-05",
                paid_memo("Grant disbursement", kind, in_kind.disbursement_ref),
                debit_credit("5110", "2200", "2500.00", fund, other, kind));
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + kind).value("status", "") == "closed");
}

BOOST_AUTO_TEST_CASE(an_outcome_is_recorded) {
    Api api(server());
    const auto cohort = unique("C-OUT");
    api.cohort(cohort);
    const auto sv = api.survivor(survivor_body(cohort, "2026-01-10", "Amina Outcome"));
    const auto outcome =
        Api::created(api.post("field", "/v1/outcomes", outcome_body(sv, "2026-08-01")));
    BOOST_TEST(outcome.value("id", "").size() > 0u);
    json rest = outcome;
    rest.erase("id");
    BOOST_TEST(rest == json({{"survivor", sv},
                             {"observed_on", "2026-08-01"},
                             {"business_status", "operating"},
                             {"currency", "KES"},
                             {"monthly_revenue", "15000.00"},
                             {"monthly_profit", "4000.00"},
                             {"household_income", "9000.00"},
                             {"savings", "1200.00"},
                             {"jobs", 2}}));
}

BOOST_AUTO_TEST_CASE(fund_balances_trial_balance_and_verify) {
    Api api(server());
    const auto before = api.get_ok("auditor", "/v1/audit/trial-balance");
    Journal journal(server());
    // The story of the cases above on a fund of its own: 13 entries.
    const auto story = make_story_fund(api);
    const auto& fund = story.fund;
    const auto s1 = enrol(api, story, "Amina");
    const auto s2 = enrol(api, story, "Zawadi");
    const auto s3 = enrol(api, story, "Neema");
    make_loan_with_fee_partly_repaid(api, fund, s1);
    const auto loan_b = make_written_off_and_recovered_loan(api, fund, s2);
    make_forgiven_loan(api, fund, s3);
    pay_second_tranche(api, make_grant_with_first_tranche(api, fund, s1).id);
    make_grant_in_kind(api, fund, s3);
    journal.grew(13);

    const auto answer = api.get_ok("auditor", "/v1/funds/" + fund);
    BOOST_TEST(answer.value("code", "") == fund);
    BOOST_TEST(answer.value("donor", "") == story.donor);
    BOOST_TEST(answer.value("committed_amount", "") == "500000.00");
    // Cash: 150,000 in; loans 12,000 + 5,000 + 3,000 and grants 8,000 out, 33 of fees;
    // 3,500 + 1,000 repaid and 600 recovered. The in-kind grant moves no cash.
    BOOST_TEST(answer.value("balances", json()) == json({{"received", "150000.00"},
                                                         {"disbursed", "30500.00"},
                                                         {"fees", "33.00"},
                                                         {"repaid", "4500.00"},
                                                         {"principal_repaid", "4078.23"},
                                                         {"interest_paid", "421.77"},
                                                         {"written_off", "4000.00"},
                                                         {"forgiven", "3000.00"},
                                                         {"recovered", "600.00"},
                                                         {"available_cash", "127067.00"},
                                                         {"loans_outstanding", "8921.77"}}));

    const auto row = [&](const char* account, const char* name, const char* type, const char* debit,
                         const char* credit) {
        return json{{"account", account}, {"name", name},   {"type", type},    {"fund", fund},
                    {"currency", "KES"},  {"debit", debit}, {"credit", credit}};
    };
    const json rows = json::array({
        row("1010", "Bank", "asset", "92000.00", "0.00"),
        row("1020", "M-Pesa float", "asset", "35067.00", "0.00"),
        row("1100", "Loans receivable", "asset", "8921.77", "0.00"),
        row("2200", "Accounts payable", "liability", "0.00", "2500.00"),
        row("4100", "Grant revenue", "revenue", "0.00", "150000.00"),
        row("4200", "Loan interest income", "revenue", "0.00", "421.77"),
        row("4300", "Recoveries on written-off loans", "revenue", "0.00", "600.00"),
        row("5100", "Livelihood grants to survivors", "expense", "11000.00", "0.00"),
        row("5110", "In-kind business assets to survivors", "expense", "2500.00", "0.00"),
        row("5200", "Loan losses written off", "expense", "4000.00", "0.00"),
        row("5300", "Transfer and M-Pesa charges", "expense", "33.00", "0.00"),
    });
    const json totals = json::array({{{"currency", "KES"},
                                      {"debit", "153521.77"},
                                      {"credit", "153521.77"},
                                      {"balanced", true}}});
    BOOST_TEST(api.get_ok("finance", "/v1/audit/trial-balance?fund=" + fund) ==
               json({{"as_of", nullptr}, {"fund", fund}, {"rows", rows}, {"totals", totals}}));
    // The whole books: these rows added to what was there, the totals grown by as much.
    auto whole = api.get_ok("auditor", "/v1/audit/trial-balance");
    const auto [mine, others] = split_rows(whole.at("rows"), fund);
    BOOST_TEST(mine == rows);
    BOOST_TEST(others == before.at("rows"));
    whole.erase("rows");
    BOOST_TEST(whole == json({{"as_of", nullptr},
                              {"fund", nullptr},
                              {"totals", totals_plus_kes(before.at("totals"), "153521.77")}}));
    // The loan sub-ledger equals 1100, no award is over-disbursed, the chain holds.
    const auto verify = api.get_ok("auditor", "/v1/audit/verify");
    BOOST_TEST(verify.value("ok", false), verify.dump());
    BOOST_TEST(verify.value("entries_checked", 0LL) == journal.seq());
    // Each award's entries are listed under it.
    BOOST_TEST(
        seqs_of(api.get_ok("auditor", "/v1/entries?award=" + loan_b.id).at("items")).size() == 4u);
}

BOOST_AUTO_TEST_CASE(overpayment_full_repayment_and_reversals) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "10000.00");
    const auto& fund = books.fund;
    const auto& sv = books.survivor;
    const auto id = api.award(
        award_body(sv, fund, "loan", "1000.00", "2026-01-15", loan_terms("0", "month", 2)));
    const auto disbursed =
        api.disburse(disbursement_body(id, "1000.00", "2026-02-01", "mpesa", "OV-D-1"));
    // 200.00 beyond the whole schedule is an overpayment, owed back to the survivor.
    const auto repaid = api.repay(repayment_body(id, "1200.00", "2026-02-15", "mpesa", "OV-R-1"));
    check_entry(repaid, "repayment", "2026-02-15", "Loan repayment " + id + " (OV-R-1)",
                json::array({posting("1020", fund, "1200.00", sv, id),
                             posting("1100", fund, "-1000.00", sv, id),
                             posting("2100", fund, "-200.00", sv, id)}));
    BOOST_TEST(repaid.at("allocation") ==
               json({{"interest", "0.00"},
                     {"principal", "1000.00"},
                     {"overpayment", "200.00"},
                     {"installments",
                      json::array({{{"n", 1}, {"interest", "0.00"}, {"principal", "500.00"}},
                                   {{"n", 2}, {"interest", "0.00"}, {"principal", "500.00"}}})}}));
    auto a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "repaid");
    BOOST_TEST(a.value("overpaid", "") == "200.00");
    BOOST_TEST(a.value("outstanding", "") == "0.00");
    BOOST_TEST(a.at("schedule").at(1).value("paid", false));
    Journal journal(server());
    check_refused(
        api.money("/v1/repayments", repayment_body(id, "1.00", "2026-02-20", "mpesa", "OV-R-2")),
        409, "award_not_active", "award");
    journal.unchanged();

    // The repayment bounced: its reversal makes the loan active again.
    const auto reversal =
        Api::created(api.money("/v1/entries/" + repaid.value("id", "") + "/reverse",
                               {{"effective_on", "2026-02-16"}, {"memo", "M-Pesa reversal"}}));
    BOOST_TEST(reversal.value("reverses", "") == repaid.value("id", "x"));
    journal.grew(1);
    a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "active");
    BOOST_TEST(a.value("repaid", "") == "0.00");
    BOOST_TEST(a.value("overpaid", "") == "0.00");
    BOOST_TEST(a.value("outstanding", "") == "1000.00");
    // As of before the reversal it was repaid.
    BOOST_TEST(
        api.get_ok("finance", "/v1/awards/" + id + "?as_of=2026-02-15").value("status", "") ==
        "repaid");
    // A reversed disbursement un-disburses: the award is approved again, the cash back.
    Api::created(api.money("/v1/entries/" + disbursed.value("id", "") + "/reverse",
                           {{"effective_on", "2026-02-17"}, {"memo", "sent to the wrong number"}}));
    journal.grew(1);
    a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "approved");
    BOOST_TEST(a.value("disbursed", "") == "0.00");
    BOOST_TEST(a.value("remaining", "") == "1000.00");
    const auto balances = api.get_ok("finance", "/v1/funds/" + fund).at("balances");
    BOOST_TEST(balances.value("available_cash", "") == "10000.00");
    BOOST_TEST(balances.value("disbursed", "") == "0.00");
    BOOST_TEST(balances.value("loans_outstanding", "") == "0.00");
    // ... and can be disbursed again, in full.
    api.disburse(disbursement_body(id, "1000.00", "2026-02-18", "mpesa", "OV-D-2"));
    journal.grew(1);
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + id).value("status", "") == "active");
    BOOST_TEST(api.get_ok("auditor", "/v1/audit/verify").value("ok", false));
}

BOOST_AUTO_TEST_SUITE_END()

// ========================================================= 2. every rejection over HTTP

namespace {

// Awards in the states the rejections need, on a make_fund_with_cash() fund, approved on
// 15 January 2026.

/// A 1,000.00 loan at 0 % over 2 months, approved and never disbursed.
std::string make_approved_loan(Api& api, const Books& books) {
    return api.award(award_body(books.survivor, books.fund, "loan", "1000.00", "2026-01-15",
                                loan_terms("0", "month", 2)));
}

/// A 50,000.00 grant, approved and never disbursed.
std::string make_approved_grant(Api& api, const Books& books) {
    return api.award(award_body(books.survivor, books.fund, "grant", "50000.00", "2026-01-15"));
}

/// A 500.00 grant disbursed in full on 20 January: closed.
std::string make_closed_grant(Api& api, const Books& books) {
    const auto id =
        api.award(award_body(books.survivor, books.fund, "grant", "500.00", "2026-01-15"));
    api.disburse(disbursement_body(id, "500.00", "2026-01-20", "mpesa", unique("REJ-G")));
    return id;
}

/// A 2,000.00 loan at 0 % over 2 months; 1,000.00 of it disbursed by M-Pesa on 1 February
/// and repaid on 15 February: active, with nothing outstanding.
Award make_loan_with_nothing_outstanding(Api& api, const Books& books) {
    Award a{.disbursement_ref = unique("REJ-D"), .repayment_ref = unique("REJ-R")};
    a.id = api.award(award_body(books.survivor, books.fund, "loan", "2000.00", "2026-01-15",
                                loan_terms("0", "month", 2)));
    a.disbursed =
        api.disburse(disbursement_body(a.id, "1000.00", "2026-02-01", "mpesa", a.disbursement_ref));
    a.repaid = api.repay(repayment_body(a.id, "1000.00", "2026-02-15", "mpesa", a.repayment_ref));
    return a;
}

/// A 300.00 loan at 0 % in one installment, disbursed on 1 February, written off on
/// 30 April.
std::string make_written_off_loan(Api& api, const Books& books) {
    const auto id = api.award(award_body(books.survivor, books.fund, "loan", "300.00", "2026-01-15",
                                         loan_terms("0", "month", 1)));
    api.disburse(disbursement_body(id, "300.00", "2026-02-01", "mpesa", unique("REJ-D")));
    Api::created(api.money("/v1/awards/" + id + "/write-off",
                           {{"on", "2026-04-30"}, {"reason", "Left the county"}}));
    return id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(program_rejections, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(the_awards_the_rejections_start_from_are_in_the_states_named) {
    Api api(server());
    Journal journal(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_new = make_approved_loan(api, books);
    const auto grant = make_closed_grant(api, books);
    const auto loan_part = make_loan_with_nothing_outstanding(api, books).id;
    const auto loan_off = make_written_off_loan(api, books);
    const auto big_grant = make_approved_grant(api, books);
    journal.grew(6);
    const auto status = [&](const std::string& id) {
        return api.get_ok("finance", "/v1/awards/" + id).value("status", "");
    };
    BOOST_TEST(status(loan_new) == "approved");
    BOOST_TEST(status(grant) == "closed");
    BOOST_TEST(status(loan_off) == "written_off");
    BOOST_TEST(status(big_grant) == "approved");
    const auto part = api.get_ok("finance", "/v1/awards/" + loan_part);
    BOOST_TEST(part.value("status", "") == "active");
    BOOST_TEST(part.value("outstanding", "") == "0.00");
    // 20,000 - 500 - 1,000 + 1,000 - 300
    BOOST_TEST(api.get_ok("finance", "/v1/funds/" + books.fund)
                   .at("balances")
                   .value("available_cash", "") == "19200.00");
}

BOOST_AUTO_TEST_CASE(award_not_found) {
    Api api(server());
    Journal journal(server());
    const std::string none = "AW-ZZZZZZZZ";
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(none, "1.00", "2026-03-01", "mpesa", "NF-1")),
                  404, "award_not_found", "award");
    journal.unchanged();
    check_refused(
        api.money("/v1/repayments", repayment_body(none, "1.00", "2026-03-01", "mpesa", "NF-2")),
        404, "award_not_found", "award");
    journal.unchanged();
    // An award in the path is a resource: plain not_found.
    for (const char* action : {"write-off", "forgive"}) {
        check_problem(
            api.money("/v1/awards/" + none + "/" + action, {{"on", "2026-03-01"}, {"reason", "x"}}),
            404, "not_found");
        journal.unchanged();
    }
    check_problem(api.get("finance", "/v1/awards/" + none), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(award_not_active) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_new = make_approved_loan(api, books);
    const auto grant = make_closed_grant(api, books);
    const auto loan_off = make_written_off_loan(api, books);
    Journal journal(server());
    // Nothing disbursed yet: nothing to repay, write off or forgive.
    check_refused(api.money("/v1/repayments",
                            repayment_body(loan_new, "10.00", "2026-03-01", "mpesa", "NA-1")),
                  409, "award_not_active", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + loan_new + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      409, "award_not_active", "award");
        journal.unchanged();
    }
    // A closed grant takes no more; a written-off loan takes no more, and is not written
    // off or forgiven twice.
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(grant, "1.00", "2026-03-01", "mpesa", "NA-2")),
                  409, "award_not_active", "award");
    journal.unchanged();
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(loan_off, "1.00", "2026-05-01", "mpesa", "NA-3")),
                  409, "award_not_active", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + loan_off + "/" + action,
                                {{"on", "2026-05-01"}, {"reason", "again"}}),
                      409, "award_not_active", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(exceeds_award) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_part = make_loan_with_nothing_outstanding(api, books).id;
    const auto loan_off = make_written_off_loan(api, books);
    Journal journal(server());
    // 1,000.00 of 2,000.00 is left.
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(loan_part, "1000.01", "2026-03-01", "mpesa", "EX-1")),
                  422, "exceeds_award", "amount");
    journal.unchanged();
    // A recovery cannot exceed what was written off (300.00).
    check_refused(api.money("/v1/repayments",
                            repayment_body(loan_off, "300.01", "2026-05-01", "mpesa", "EX-2")),
                  422, "exceeds_award", "amount");
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(insufficient_fund_balance) {
    Api api(server());
    const auto rich = make_fund_with_cash(api, "19200.00");
    const auto books = make_fund_with_cash(api, "100.00");
    const auto poor =
        api.award(award_body(books.survivor, books.fund, "grant", "1000.00", "2026-01-15"));
    Journal journal(server());
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(poor, "100.01", "2026-03-01", "mpesa", "IF-1")),
                  422, "insufficient_fund_balance", "amount");
    journal.unchanged();
    // The fee counts: 100.00 + 0.01 is more than the 100.00 there is.
    check_refused(api.money("/v1/disbursements", disbursement_body(poor, "100.00", "2026-03-01",
                                                                   "mpesa", "IF-2", "0.01")),
                  422, "insufficient_fund_balance", "amount");
    journal.unchanged();
    // Another fund's cash does not help (`rich` holds 19,200.00).
    api.disburse(disbursement_body(poor, "99.99", "2026-03-01", "mpesa", "IF-3", "0.01"));
    journal.grew(1);
    BOOST_TEST(api.get_ok("finance", "/v1/funds/" + books.fund)
                   .at("balances")
                   .value("available_cash", "") == "0.00");
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(poor, "0.01", "2026-03-02", "mpesa", "IF-4")),
                  422, "insufficient_fund_balance", "amount");
    journal.unchanged();
    // In kind moves no cash: allowed with none.
    api.disburse(disbursement_body(poor, "10.00", "2026-03-02", "in_kind", "IF-5"));
    journal.grew(1);
    BOOST_TEST(api.get_ok("finance", "/v1/funds/" + rich.fund)
                   .at("balances")
                   .value("available_cash", "") == "19200.00");
}

BOOST_AUTO_TEST_CASE(duplicate_reference) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_part = make_loan_with_nothing_outstanding(api, books);
    const auto big_grant = make_approved_grant(api, books);
    Journal journal(server());
    // The loan's disbursement was paid by M-Pesa under this reference already.
    const auto& paid = loan_part.disbursement_ref;
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(big_grant, "10.00", "2026-03-01", "mpesa", paid)),
                  409, "duplicate_reference", "reference");
    journal.unchanged();
    check_refused(api.money("/v1/repayments", repayment_body(loan_part.id, "1.00", "2026-03-01",
                                                             "mpesa", loan_part.repayment_ref)),
                  409, "duplicate_reference", "reference");
    journal.unchanged();
    check_refused(api.money("/v1/funds/" + books.fund + "/receipts",
                            receipt_json("5.00", "2026-03-01", "bank", books.receipt_ref)),
                  409, "duplicate_reference", "reference");
    journal.unchanged();
    // References are per channel: the same text by bank is another payment.
    api.disburse(disbursement_body(big_grant, "10.00", "2026-03-01", "bank", paid));
    journal.grew(1);
}

BOOST_AUTO_TEST_CASE(nothing_outstanding) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_part = make_loan_with_nothing_outstanding(api, books).id;
    Journal journal(server());
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + loan_part + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      409, "nothing_outstanding", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(not_a_loan) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto big_grant = make_approved_grant(api, books);
    Journal journal(server());
    check_refused(api.money("/v1/repayments",
                            repayment_body(big_grant, "1.00", "2026-03-01", "mpesa", "NL-1")),
                  422, "not_a_loan", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + big_grant + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      422, "not_a_loan", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(invalid_loan_terms) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    // First due on 1 March: a disbursement on 15 March cannot make a schedule.
    const auto late =
        api.award(award_body(books.survivor, books.fund, "loan", "500.00", "2026-01-15",
                             loan_terms("1", "month", 2, "2026-03-01")));
    Journal journal(server());
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(late, "500.00", "2026-03-15", "mpesa", "LT-1")),
                  422, "invalid_loan_terms", "disbursed_on");
    journal.unchanged();
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + late).value("status", "") == "approved");
    // On the first due date itself it is fine.
    api.disburse(disbursement_body(late, "500.00", "2026-03-01", "mpesa", "LT-2"));
    journal.grew(1);
}

BOOST_AUTO_TEST_CASE(survivor_already_enrolled) {
    Api api(server());
    const auto cohort = unique("C-REJ");
    api.cohort(cohort);
    api.survivor(
        survivor_body(cohort, "2026-01-10", "Rehema Rejection", "0712345678", "1234 5678"));
    Journal journal(server());
    // The same national id written differently, with another phone.
    check_refused(
        api.post("field", "/v1/survivors",
                 survivor_body(cohort, "2026-02-01", "Someone Else", "0799000001", "12345678")),
        409, "survivor_already_enrolled", "pii");
    check_refused(api.post("admin", "/v1/survivors",
                           survivor_body(cohort, "2026-02-01", "Someone Else", "", "1234-5678")),
                  409, "survivor_already_enrolled", "pii");
    // The same phone written differently, with no national id.
    check_refused(api.post("field", "/v1/survivors",
                           survivor_body(cohort, "2026-02-01", "Someone Else", "+254 712 345 678")),
                  409, "survivor_already_enrolled", "pii");
    check_refused(api.post("field", "/v1/survivors",
                           survivor_body(cohort, "2026-02-01", "Someone Else", "712345678")),
                  409, "survivor_already_enrolled", "pii");
    // Letters in an id compare without case; other people enrol.
    api.survivor(survivor_body(cohort, "2026-02-01", "Other One", "", "ab 9911"));
    check_refused(
        api.post("field", "/v1/survivors", survivor_body(cohort, "2026-02-01", "X", "", "AB9911")),
        409, "survivor_already_enrolled", "pii");
    api.survivor(survivor_body(cohort, "2026-02-01", "Other Two", "0712345679", "12345679"));
    journal.unchanged();
}

// Regression: "00254…" and "+254 0…" kept their extra digits, so the same phone written so
// enrolled a second person.
BOOST_AUTO_TEST_CASE(one_phone_written_five_ways_enrols_once) {
    Api api(server());
    const auto cohort = unique("C-PHONE");
    api.cohort(cohort);
    api.survivor(survivor_body(cohort, "2026-02-01", "Phone First", "+254711222333"));
    for (const char* phone :
         {"0711 222 333", "00254-711-222-333", "+254 0711222333", "254711222333"}) {
        BOOST_TEST_CONTEXT(phone) {
            check_refused(api.post("field", "/v1/survivors",
                                   survivor_body(cohort, "2026-02-01", "Phone Again", phone)),
                          409, "survivor_already_enrolled", "pii");
        }
    }
    // A number from elsewhere is kept whole; written with + or 00 it is the same number.
    api.survivor(survivor_body(cohort, "2026-02-01", "Phone Abroad", "+44 (20) 7946-0958"));
    check_refused(
        api.post("field", "/v1/survivors",
                 survivor_body(cohort, "2026-02-01", "Phone Abroad", "0044 20 7946 0958")),
        409, "survivor_already_enrolled", "pii");
}

// Regression: letters and other characters were dropped and the digits left indexed, so
// "07I2 345 678" enrolled as a phone number.
BOOST_AUTO_TEST_CASE(what_cannot_be_a_phone_number_is_refused) {
    Api api(server());
    const auto cohort = unique("C-NOPHONE");
    api.cohort(cohort);
    Journal journal(server());
    for (const char* phone : {"07I2 345 678", "0712 345 678 ext 9", "0712/345/678", "0712+345678",
                              "+254 712 345", "+254 7123 456 789", "0712 345", "071 234 567 89",
                              "612345678", "+0712345678", "+1234567890123456", "+", "-"}) {
        BOOST_TEST_CONTEXT(phone) {
            check_validation(api.post("field", "/v1/survivors",
                                      survivor_body(cohort, "2026-02-01", "No Phone", phone)),
                             {{"pii.phone", "invalid_phone"}});
        }
    }
    journal.unchanged();
}

// The form the blind index is taken of. Numbers that normalised to a full international
// number before (07…, 7…, +254 7…) give the same digits as they did, so the blind indexes
// already stored still match.
BOOST_AUTO_TEST_CASE(phones_normalise_to_their_e164_digits) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"+254712345678", "254712345678"},
        {"0712 345 678", "254712345678"},
        {"00254-712-345-678", "254712345678"},
        {"+254 0712345678", "254712345678"},
        {"254712345678", "254712345678"},
        {"712345678", "254712345678"},
        {"+254 (0)712.345.678", "254712345678"},
        {"(0712) 345-678", "254712345678"},
        {"0110 123 456", "254110123456"},
        {"020 1234567", "254201234567"},
        {"\t0712 345 678 ", "254712345678"},
        {"+44 20 7946 0958", "442079460958"},
        {"0044 20 7946 0958", "442079460958"},
        {"+1 (555) 123-4567", "15551234567"},
        {"07I2 345 678", ""},
        {"0712 345", ""},
        {"612345678", ""},
        {"+254 712 345", ""},
        {"00", ""},
        {"", ""},
    };
    for (const auto& [phone, normalised] : cases) {
        BOOST_TEST_CONTEXT(phone) {
            BOOST_TEST(riziki::api::normalise_phone(phone) == normalised);
        }
    }
}

BOOST_AUTO_TEST_CASE(not_found_records_and_already_exists) {
    Api api(server());
    const auto books = make_fund(api);
    Journal journal(server());
    check_refused(api.post("finance", "/v1/awards",
                           award_body("SV-ZZZZZZZZ", books.fund, "grant", "10.00", "2026-02-01")),
                  404, "survivor_not_found", "survivor");
    check_refused(api.post("field", "/v1/outcomes", outcome_body("SV-ZZZZZZZZ", "2026-02-01")), 404,
                  "survivor_not_found", "survivor");
    check_refused(api.post("field", "/v1/survivors",
                           survivor_body("C-NOPE", "2026-02-01", "Nobody", "0700111222")),
                  404, "cohort_not_found", "cohort");
    check_refused(
        api.post(
            "finance", "/v1/funds",
            {{"code", "F-ORPHAN"}, {"donor", "D-NOPE"}, {"name", "Orphan"}, {"currency", "KES"}}),
        404, "donor_not_found", "donor");
    check_refused(api.post("finance", "/v1/donors", {{"code", books.donor}, {"name", "Again"}}),
                  409, "already_exists", "code");
    check_refused(
        api.post(
            "finance", "/v1/funds",
            {{"code", books.fund}, {"donor", books.donor}, {"name", "Again"}, {"currency", "KES"}}),
        409, "already_exists", "code");
    // F-KES was made without the API; it exists all the same.
    check_refused(
        api.post("finance", "/v1/funds",
                 {{"code", "F-KES"}, {"donor", books.donor}, {"name", "A"}, {"currency", "KES"}}),
        409, "already_exists", "code");
    check_refused(api.post("field", "/v1/cohorts",
                           {{"code", books.cohort},
                            {"name", "Again"},
                            {"county", "Kilifi"},
                            {"starts_on", "2026-01-01"}}),
                  409, "already_exists", "code");
    // The refused fund was not made; unknown records read as not_found.
    check_problem(api.get("finance", "/v1/funds/F-ORPHAN"), 404, "not_found");
    check_problem(api.get("finance", "/v1/survivors/SV-ZZZZZZZZ"), 404, "not_found");
    check_problem(api.get("field", "/v1/survivors/SV-ZZZZZZZZ?include=pii"), 404, "not_found");
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(before_enrolment) {
    Api api(server());
    const auto books = make_fund(api);
    Journal journal(server());
    // Enrolled on 10 January.
    check_refused(api.post("finance", "/v1/awards",
                           award_body(books.survivor, books.fund, "grant", "10.00", "2026-01-09")),
                  422, "before_enrolment", "approved_on");
    check_refused(api.post("field", "/v1/outcomes", outcome_body(books.survivor, "2026-01-09")),
                  422, "before_enrolment", "observed_on");
    // The day of enrolment is fine.
    Api::created(api.post("field", "/v1/outcomes", outcome_body(books.survivor, "2026-01-10")));
    journal.unchanged();
}

// Issue 16: an outcome of a survivor who did not consent to follow-up is refused (before
// its date is looked at), and nothing is written.
BOOST_AUTO_TEST_CASE(follow_up_not_consented) {
    Api api(server());
    const auto books = make_fund(api);
    auto declining = survivor_body(books.cohort, "2026-01-10", "Declined Follow-up");
    declining["consent"]["follow_up"] = false;
    const auto survivor = api.survivor(declining);
    const auto owner = server().owner();
    const auto outcomes = [&] {
        long long count = 0;
        *owner << "SELECT count(*) FROM outcomes", soci::into(count);
        return count;
    };
    const auto before = outcomes();
    check_refused(api.post("field", "/v1/outcomes", outcome_body(survivor, "2026-03-01")), 422,
                  "follow_up_not_consented", "survivor");
    check_refused(api.post("field", "/v1/outcomes", outcome_body(survivor, "2026-01-09")), 422,
                  "follow_up_not_consented", "survivor");
    BOOST_TEST(outcomes() == before);
    // The survivor who consented is followed up.
    Api::created(api.post("field", "/v1/outcomes", outcome_body(books.survivor, "2026-03-01")));
    BOOST_TEST(outcomes() == before + 1);
}

BOOST_AUTO_TEST_CASE(period_closed) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto loan_part = make_loan_with_nothing_outstanding(api, books).id;
    const auto early = api.survivor(survivor_body(books.cohort, "2025-11-01", "Early Enrolee"));
    const auto grant = api.award(award_body(early, books.fund, "grant", "100.00", "2025-11-05"));
    const auto closed = api.client.post("/v1/periods/2025-12/close", "", server().auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    Journal journal(server());
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(grant, "100.00", "2025-12-10", "mpesa", "PC-1")),
                  409, "period_closed");
    journal.unchanged();
    check_refused(api.money("/v1/funds/" + books.fund + "/receipts",
                            receipt_json("5.00", "2025-12-31", "bank", "PC-2")),
                  409, "period_closed");
    journal.unchanged();
    // The award's own rules come first: this loan was disbursed in 2026.
    check_refused(api.money("/v1/awards/" + loan_part + "/write-off",
                            {{"on", "2025-12-31"}, {"reason", "x"}}),
                  422, "dated_before_award", "on");
    journal.unchanged();
    // Paid out before it was approved.
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(grant, "100.00", "2025-11-04", "mpesa", "PC-0")),
                  422, "dated_before_award", "disbursed_on");
    journal.unchanged();
    // The first of the next month is open.
    api.disburse(disbursement_body(grant, "100.00", "2026-01-01", "mpesa", "PC-1"));
    journal.grew(1);
}

BOOST_AUTO_TEST_CASE(money_posts_need_an_idempotency_key) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto big_grant = make_approved_grant(api, books);
    const auto loan_off = make_written_off_loan(api, books);
    Journal journal(server());
    const std::vector<std::pair<std::string, json>> posts{
        {"/v1/funds/" + books.fund + "/receipts",
         receipt_json("5.00", "2026-03-01", "bank", "IK-1")},
        {"/v1/disbursements", disbursement_body(big_grant, "5.00", "2026-03-01", "mpesa", "IK-2")},
        {"/v1/repayments", repayment_body(loan_off, "5.00", "2026-05-01", "mpesa", "IK-3")},
        {"/v1/awards/" + loan_off + "/write-off", {{"on", "2026-05-01"}, {"reason", "x"}}},
        {"/v1/awards/" + loan_off + "/forgive", {{"on", "2026-05-01"}, {"reason", "x"}}},
    };
    for (const auto& [target, body] : posts) {
        BOOST_TEST_CONTEXT(target) {
            check_problem(api.post("finance", target, body), 428, "idempotency_key_required");
            journal.unchanged();
        }
    }
    // The same key with another body.
    const std::string key = fresh_key("reused");
    const auto first =
        api.money("/v1/disbursements",
                  disbursement_body(big_grant, "5.00", "2026-03-01", "mpesa", "IK-4"), key);
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    journal.grew(1);
    check_problem(
        api.money("/v1/disbursements",
                  disbursement_body(big_grant, "6.00", "2026-03-01", "mpesa", "IK-4"), key),
        409, "idempotency_key_reused");
    journal.unchanged();
    const auto replay =
        api.money("/v1/disbursements",
                  disbursement_body(big_grant, "5.00", "2026-03-01", "mpesa", "IK-4"), key);
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(replay.body == first.body);
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(validation_failed_for_nasty_bodies) {
    Api api(server());
    const auto books = make_fund_with_cash(api, "20000.00");
    const auto big_grant = make_approved_grant(api, books);
    const auto loan_off = make_written_off_loan(api, books);
    const auto loan_part = make_loan_with_nothing_outstanding(api, books).id;
    Journal journal(server());
    const auto& grant = big_grant;
    const auto base = disbursement_body(grant, "100.00", "2026-03-01", "mpesa", "VF-1");
    const auto edit = [&](const std::string& field, const json& value) {
        json body = base;
        if (value.is_null())
            body.erase(field);
        else
            body[field] = value;
        return body;
    };
    const std::vector<std::pair<json, FieldErrors>> disbursements{
        {edit("amount", 100), {{"amount", "invalid_amount"}}},
        {edit("amount", 100.0), {{"amount", "invalid_amount"}}},
        {edit("amount", "100.001"), {{"amount", "invalid_amount"}}},
        {edit("amount", "1e2"), {{"amount", "invalid_amount"}}},
        {edit("amount", "NaN"), {{"amount", "invalid_amount"}}},
        {edit("amount", ""), {{"amount", "invalid_amount"}}},
        {edit("amount", " 100.00"), {{"amount", "invalid_amount"}}},
        {edit("amount", "0.00"), {{"amount", "invalid_amount"}}},
        {edit("amount", "-100.00"), {{"amount", "invalid_amount"}}},
        {edit("amount", nullptr), {{"amount", "required"}}},
        {edit("fee", "-1.00"), {{"fee", "invalid_amount"}}},
        {edit("fee", "0.001"), {{"fee", "invalid_amount"}}},
        {edit("fee", 1), {{"fee", "invalid_amount"}}},
        {edit("memo", "extra"), {{"memo", "unknown_field"}}},
        {edit("channel", "paypal"), {{"channel", "invalid_choice"}}},
        {edit("channel", "MPESA"), {{"channel", "invalid_choice"}}},
        {edit("channel", nullptr), {{"channel", "required"}}},
        {edit("disbursed_on", "2026-02-30"), {{"disbursed_on", "invalid_date"}}},
        {edit("disbursed_on", "01/03/2026"), {{"disbursed_on", "invalid_date"}}},
        {edit("reference", std::string(65, 'R')), {{"reference", "invalid_length"}}},
        {edit("reference", nullptr), {{"reference", "required"}}},
        {edit("award", nullptr), {{"award", "required"}}},
        {[&] {
             json body = edit("channel", "in_kind");
             body["fee"] = "5.00";
             return body;
         }(),
         {{"fee", "invalid_amount"}}},
        {[&] {
             json body = edit("amount", 5);
             body["channel"] = "wire";
             body["zzz"] = true;
             body["aaa"] = 1;
             return body;
         }(),
         {{"aaa", "unknown_field"},
          {"zzz", "unknown_field"},
          {"amount", "invalid_amount"},
          {"channel", "invalid_choice"}}},
    };
    for (const auto& [body, errors] : disbursements) {
        BOOST_TEST_CONTEXT("disbursement " << body.dump()) {
            check_validation(api.money("/v1/disbursements", body), errors);
            journal.unchanged();
        }
    }
    // Repayments and receipts take no goods in kind.
    check_validation(api.money("/v1/repayments",
                               repayment_body(loan_off, "1.00", "2026-05-01", "in_kind", "VF-2")),
                     {{"channel", "invalid_choice"}});
    check_validation(api.money("/v1/funds/" + books.fund + "/receipts",
                               receipt_json("1.00", "2026-05-01", "in_kind", "VF-3")),
                     {{"channel", "invalid_choice"}});
    check_validation(
        api.money("/v1/funds/" + books.fund + "/receipts", {{"amount", 1},
                                                            {"received_on", "2026-05-01"},
                                                            {"channel", "bank"},
                                                            {"reference", "VF-4"}}),
        {{"amount", "invalid_amount"}});
    check_validation(api.money("/v1/awards/" + loan_part + "/write-off", {{"on", "2026-05-01"}}),
                     {{"reason", "required"}});
    journal.unchanged();

    // Survivors.
    const auto survivor = survivor_body(books.cohort, "2026-02-01", "Valid Name", "0733000111");
    const auto person = [&](const std::function<void(json&)>& change) {
        json body = survivor;
        change(body);
        return body;
    };
    const std::vector<std::pair<json, FieldErrors>> survivors{
        {person([](json& b) { b["pii"].erase("full_name"); }), {{"pii.full_name", "required"}}},
        {person([](json& b) { b["pii"]["full_name"] = ""; }),
         {{"pii.full_name", "invalid_length"}}},
        {person([](json& b) { b["birth_year"] = "1990"; }), {{"birth_year", "invalid_integer"}}},
        {person([](json& b) { b["birth_year"] = 1990.5; }), {{"birth_year", "invalid_integer"}}},
        {person([](json& b) { b["birth_year"] = 1899; }), {{"birth_year", "invalid_integer"}}},
        {person([](json& b) { b["gender"] = "f"; }), {{"gender", "invalid_choice"}}},
        {person([](json& b) { b["pii"]["phone"] = "12"; }), {{"pii.phone", "invalid_phone"}}},
        {person([](json& b) { b["pii"]["email"] = "a@b.c"; }), {{"pii.email", "unknown_field"}}},
        {person([](json& b) { b.erase("consent"); }), {{"consent", "required"}}},
        {person([](json& b) { b["consent"]["donor_reporting"] = "yes"; }),
         {{"consent.donor_reporting", "invalid_type"}}},
        {person([](json& b) { b["enrolled_on"] = "2999-01-01"; }),
         {{"enrolled_on", "invalid_date"}}},
        {person([](json& b) { b.erase("pii"); }), {{"pii", "required"}}},
    };
    for (const auto& [body, errors] : survivors) {
        BOOST_TEST_CONTEXT("survivor " << body.dump()) {
            check_validation(api.post("field", "/v1/survivors", body), errors);
        }
    }
    // The refused bodies left no blind index behind: the phone is still free.
    api.survivor(survivor);

    // Awards and outcomes.
    const auto award = award_body(books.survivor, books.fund, "loan", "100.00", "2026-02-01",
                                  loan_terms("2", "month", 2));
    const auto grant_body = award_body(books.survivor, books.fund, "grant", "100.00", "2026-02-01");
    const auto change = [](json body, const std::function<void(json&)>& f) {
        f(body);
        return body;
    };
    const std::vector<std::pair<json, FieldErrors>> awards{
        {change(award, [](json& b) { b["amount"] = "100.005"; }), {{"amount", "invalid_amount"}}},
        {change(award, [](json& b) { b["kind"] = "gift"; }), {{"kind", "invalid_choice"}}},
        {change(award, [](json& b) { b.erase("loan"); }), {{"loan", "required"}}},
        {change(award, [](json& b) { b["loan"]["interest_rate"] = 2; }),
         {{"loan.interest_rate", "invalid_rate"}}},
        {change(award, [](json& b) { b["loan"]["installments"] = 0; }),
         {{"loan.installments", "invalid_integer"}}},
        {change(award, [](json& b) { b["loan"]["repayment_unit"] = "fortnights"; }),
         {{"loan.repayment_unit", "invalid_choice"}}},
        {change(grant_body, [](json& b) { b["loan"] = loan_terms("2", "month", 2); }),
         {{"loan", "not_a_loan"}}},
        {change(grant_body, [](json& b) { b["fund"] = "F-NOPE"; }), {{"fund", "unknown_fund"}}},
    };
    for (const auto& [body, errors] : awards) {
        BOOST_TEST_CONTEXT("award " << body.dump()) {
            check_validation(api.post("finance", "/v1/awards", body), errors);
        }
    }
    const auto outcome = outcome_body(books.survivor, "2026-03-01");
    const std::vector<std::pair<json, FieldErrors>> outcomes{
        {change(outcome, [](json& b) { b["jobs"] = -1; }), {{"jobs", "invalid_integer"}}},
        {change(outcome, [](json& b) { b["monthly_profit"] = "-5.00"; }),
         {{"monthly_profit", "invalid_amount"}}},
        {change(outcome, [](json& b) { b["savings"] = 10; }), {{"savings", "invalid_amount"}}},
        {change(outcome, [](json& b) { b["business_status"] = "thriving"; }),
         {{"business_status", "invalid_choice"}}},
        {change(outcome, [](json& b) { b["observed_on"] = "2999-01-01"; }),
         {{"observed_on", "invalid_date"}}},
    };
    for (const auto& [body, errors] : outcomes) {
        BOOST_TEST_CONTEXT("outcome " << body.dump()) {
            check_validation(api.post("field", "/v1/outcomes", body), errors);
        }
    }
    journal.unchanged();
}

BOOST_AUTO_TEST_SUITE_END()

// ================================================================ loan terms on every route

namespace {

/// The answer to `terms` as loan terms on the schedule preview and on POST /v1/awards, for
/// an award that is otherwise valid (100.00 KES from `books`, approved on the day the
/// preview disburses).
std::pair<HttpResponse, HttpResponse> on_both_routes(Api& api, const Books& books,
                                                     const json& terms) {
    const json preview{
        {"amount", "100.00"}, {"currency", "KES"}, {"disbursed_on", "2026-02-01"}, {"loan", terms}};
    return {
        api.post("field", "/v1/schedules/preview", preview),
        api.post("finance", "/v1/awards",
                 award_body(books.survivor, books.fund, "loan", "100.00", "2026-02-01", terms))};
}

/// A problem answer without what differs between any two requests (its request id).
json problem_of(const HttpResponse& response) {
    auto body = body_json(response);
    if (body.is_object())
        body.erase("request_id");
    return body;
}

json changed(json terms, const std::function<void(json&)>& change) {
    change(terms);
    return terms;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(loan_terms_on_every_route, *utf::fixture<SharedServer>())

// Issue 16: "interest_rate_per":"month" beside a rate was ignored and the rate taken as
// yearly, a loan priced twelve times too cheap. A field the terms do not have is refused.
BOOST_AUTO_TEST_CASE(the_preview_refuses_a_loan_field_it_does_not_know) {
    Api api(server());
    const json terms{{"interest_rate", "12"}, {"interest_rate_per", "month"}, {"installments", 12}};
    json body{{"amount", "1200.00"}, {"currency", "KES"}, {"disbursed_on", "2026-02-01"}};
    body["loan"] = terms;
    check_validation(api.post("field", "/v1/schedules/preview", body),
                     {{"loan.interest_rate_per", "unknown_field"}});
    // Also when another field is wrong: every error is named, the terms' included.
    body["currency"] = "XYZ";
    body["loan"]["interest_method"] = "compound";
    check_validation(api.post("field", "/v1/schedules/preview", body),
                     {{"currency", "unknown_currency"},
                      {"loan.interest_rate_per", "unknown_field"},
                      {"loan.interest_method", "invalid_choice"}});
    body["loan_terms"] = terms;
    body.erase("loan");
    check_validation(
        api.post("field", "/v1/schedules/preview", body),
        {{"loan_terms", "unknown_field"}, {"currency", "unknown_currency"}, {"loan", "required"}});
}

// The same bad terms get the same answer from the preview and from POST /v1/awards: one
// reader of loan terms, strict on both; and the award refused is not made.
BOOST_AUTO_TEST_CASE(preview_and_awards_answer_the_same_bad_terms_alike) {
    Api api(server());
    const auto books = make_fund(api);
    const auto owner = server().owner();
    const auto awards = [&] {
        long long count = 0;
        *owner << "SELECT count(*) FROM awards", soci::into(count);
        return count;
    };
    const auto base = loan_terms("2", "month", 4);
    const auto edit = [&](const std::function<void(json&)>& change) {
        return changed(base, change);
    };
    struct Case {
        json terms;
        std::string code;
        FieldErrors errors;
    };
    const std::vector<Case> cases{
        {edit([](json& t) { t["interest_rate_per"] = "month"; }),
         "validation_failed",
         {{"loan.interest_rate_per", "unknown_field"}}},
        {edit([](json& t) { t["interest_period"] = "monthly"; }),
         "validation_failed",
         {{"loan.interest_period", "invalid_choice"}}},
        {edit([](json& t) { t.erase("interest_rate"); }),
         "validation_failed",
         {{"loan.interest_rate", "required"}}},
        {edit([](json& t) { t.erase("installments"); }),
         "validation_failed",
         {{"loan.installments", "required"}}},
        {edit([](json& t) { t["interest_rate"] = 2; }),
         "validation_failed",
         {{"loan.interest_rate", "invalid_rate"}}},
        {edit([](json& t) { t["interest_rate"] = "-2"; }),
         "validation_failed",
         {{"loan.interest_rate", "invalid_rate"}}},
        {edit([](json& t) { t["installments"] = 0; }),
         "validation_failed",
         {{"loan.installments", "invalid_integer"}}},
        {edit([](json& t) { t["repayment_every"] = 400; }),
         "validation_failed",
         {{"loan.repayment_every", "invalid_integer"}}},
        {edit([](json& t) { t["repayment_unit"] = "fortnights"; }),
         "validation_failed",
         {{"loan.repayment_unit", "invalid_choice"}}},
        {edit([](json& t) { t["first_due_on"] = "2026-02-30"; }),
         "validation_failed",
         {{"loan.first_due_on", "invalid_date"}}},
        {edit([](json& t) { t["installment_multiple"] = "0.001"; }),
         "validation_failed",
         {{"loan.installment_multiple", "invalid_amount"}}},
        {edit([](json& t) { t["currency_multiple"] = 5; }),
         "validation_failed",
         {{"loan.currency_multiple", "invalid_amount"}}},
        {edit([](json& t) {
             t["zzz"] = 1;
             t["interest_method"] = "compound";
         }),
         "validation_failed",
         {{"loan.zzz", "unknown_field"}, {"loan.interest_method", "invalid_choice"}}},
        {json("monthly"), "validation_failed", {{"loan", "invalid_type"}}},
        {json::array(), "validation_failed", {{"loan", "invalid_type"}}},
        // Terms that read well but make no schedule: the schedule's reason, naming `loan`.
        {edit([](json& t) { t["grace_on_principal"] = 4; }),
         "grace_out_of_range",
         {{"loan", "grace_out_of_range"}}},
        {edit([](json& t) { t["interest_rate"] = "1001"; }),
         "interest_rate_out_of_range",
         {{"loan", "interest_rate_out_of_range"}}},
        {edit([](json& t) { t["first_due_on"] = "2026-01-15"; }),
         "first_due_before_disbursement",
         {{"loan", "first_due_before_disbursement"}}},
    };
    const auto made = awards();
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("loan " << c.terms.dump()) {
            const auto [preview, award] = on_both_routes(api, books, c.terms);
            const auto problem = check_problem(preview, 422, c.code);
            check_problem(award, 422, c.code);
            const auto got = field_errors(problem);
            BOOST_TEST(got == c.errors, "errors " << describe(got));
            BOOST_TEST(problem_of(preview) == problem_of(award));
        }
    }
    BOOST_TEST(awards() == made);
    // The same terms without the fault make the same schedule on both routes.
    const auto [preview, award] = on_both_routes(api, books, base);
    BOOST_TEST_REQUIRE(preview.status == 200, preview.body);
    BOOST_TEST(body_json(preview).at("installments") == Api::created(award).at("schedule"));
}

BOOST_AUTO_TEST_SUITE_END()

// ============================================================================ 3. races

namespace {

/// `count` grants of `amount` each, approved on 12 January 2026.
std::vector<std::string> make_grants(Api& api, const Books& books, std::size_t count,
                                     const std::string& amount) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(
            api.award(award_body(books.survivor, books.fund, "grant", amount, "2026-01-12")));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(program_concurrency, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(cash_for_ten_disbursements_pays_exactly_ten_of_32) {
    constexpr std::size_t kRequests = 32;
    Api api(server());
    const auto books = make_fund_with_cash(api, "10000.00");
    const auto awards = make_grants(api, books, kRequests, "1000.00");
    Journal journal(server());

    const auto responses = at_once(server(), kRequests, [&](HttpClient& client, std::size_t i) {
        const auto body = disbursement_body(awards[i], "1000.00", "2026-02-01", "mpesa",
                                            "RACE-" + std::to_string(i));
        return client.post(
            "/v1/disbursements", body.dump(),
            with(server().auth("finance"), "Idempotency-Key", "race-" + std::to_string(i)));
    });
    std::set<std::string> paid;
    std::size_t refused = 0;
    for (std::size_t i = 0; i < kRequests; ++i) {
        BOOST_TEST_CONTEXT("request " << i) {
            const auto& r = responses[i];
            if (r.status == 201) {
                paid.insert(awards[i]);
            } else {
                check_refused(r, 422, "insufficient_fund_balance", "amount");
                ++refused;
            }
        }
    }
    BOOST_TEST(paid.size() == 10u);
    BOOST_TEST(refused == kRequests - 10);
    journal.grew(10);
    const auto fund = api.get_ok("finance", "/v1/funds/" + books.fund);
    BOOST_TEST(fund.at("balances").value("available_cash", "") == "0.00");
    BOOST_TEST(fund.at("balances").value("disbursed", "") == "10000.00");
    // The paid awards are closed, the others untouched.
    for (const auto& id : awards) {
        const auto a = api.get_ok("finance", "/v1/awards/" + id);
        BOOST_TEST(a.value("status", "") == (paid.contains(id) ? "closed" : "approved"), id);
        BOOST_TEST(a.value("disbursed", "") == (paid.contains(id) ? "1000.00" : "0.00"), id);
    }
    BOOST_TEST(
        api.get_ok("auditor", "/v1/entries?limit=1000&fund=" + books.fund).at("items").size() ==
        11u);
    BOOST_TEST(api.get_ok("auditor", "/v1/audit/verify").value("ok", false));
}

BOOST_AUTO_TEST_CASE(identical_requests_under_one_key_make_one_entry) {
    constexpr std::size_t kRequests = 16;
    Api api(server());
    const auto books = make_fund_with_cash(api, "5000.00");
    const auto award =
        api.award(award_body(books.survivor, books.fund, "grant", "2000.00", "2026-01-12"));
    Journal journal(server());
    const auto body =
        disbursement_body(award, "700.00", "2026-02-01", "mpesa", "ONCE-1", "5.00").dump();
    const std::string key = fresh_key("once");
    const auto responses = at_once(server(), kRequests, [&](HttpClient& client, std::size_t) {
        return client.post("/v1/disbursements", body,
                           with(server().auth("finance"), "Idempotency-Key", key));
    });
    std::size_t fresh = 0;
    for (const auto& r : responses) {
        BOOST_TEST(r.status == 201, r.body);
        BOOST_TEST(r.body == responses[0].body);
        fresh += r.header("Idempotent-Replayed") == "true" ? 0 : 1;
    }
    BOOST_TEST(fresh == 1u);
    journal.grew(1);
    const auto a = api.get_ok("finance", "/v1/awards/" + award);
    BOOST_TEST(a.value("disbursed", "") == "700.00");
    BOOST_TEST(a.value("fees", "") == "5.00");
    BOOST_TEST(api.get_ok("finance", "/v1/funds/" + books.fund)
                   .at("balances")
                   .value("available_cash", "") == "4295.00");
}

BOOST_AUTO_TEST_CASE(one_reference_pays_once_under_concurrent_requests) {
    constexpr std::size_t kRequests = 8;
    Api api(server());
    const auto books = make_fund_with_cash(api, "5000.00");
    const auto awards = make_grants(api, books, kRequests, "100.00");
    Journal journal(server());
    const auto responses = at_once(server(), kRequests, [&](HttpClient& client, std::size_t i) {
        const auto body =
            disbursement_body(awards[i], "100.00", "2026-02-01", "mpesa", "SAME-MPESA-REF");
        return client.post(
            "/v1/disbursements", body.dump(),
            with(server().auth("finance"), "Idempotency-Key", "ref-race-" + std::to_string(i)));
    });
    std::size_t paid = 0;
    for (const auto& r : responses) {
        if (r.status == 201)
            ++paid;
        else
            check_refused(r, 409, "duplicate_reference", "reference");
    }
    BOOST_TEST(paid == 1u);
    journal.grew(1);
    BOOST_TEST(api.get_ok("finance", "/v1/funds/" + books.fund)
                   .at("balances")
                   .value("available_cash", "") == "4900.00");
}

BOOST_AUTO_TEST_CASE(one_person_enrols_once_under_concurrent_requests) {
    constexpr std::size_t kRequests = 8;
    Api api(server());
    api.cohort("C-TWICE");
    // The same national id written eight ways, each with its own phone.
    const std::vector<std::string> ids{"55 667 788", "55667788",  "55-667-788", "55.667.788",
                                       "5566 7788",  "556677 88", "55/667/788", " 55667788 "};
    const auto responses = at_once(server(), kRequests, [&](HttpClient& client, std::size_t i) {
        const auto body = survivor_body("C-TWICE", "2026-02-01", "Twice Enrolled",
                                        "07200000" + std::to_string(10 + i), ids[i]);
        return client.post("/v1/survivors", body.dump(), server().auth("field"));
    });
    std::size_t enrolled = 0;
    for (const auto& r : responses) {
        if (r.status == 201)
            ++enrolled;
        else
            check_refused(r, 409, "survivor_already_enrolled", "pii");
    }
    BOOST_TEST(enrolled == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ========================================================================== 4. privacy

namespace {

/// Someone whose name, phone and national id must stay out of answers, dumps, logs and the
/// audit log, with every form the three could leak in.
struct Person {
    std::string name, phone, national_id;
    std::vector<std::string> leaks;
};

/// "given middle family", phone "0" + `phone` (written like "799 123 457"), national id
/// "letters-first-second".
Person person(const std::string& given, const std::string& middle, const std::string& family,
              const std::string& phone, const std::string& letters, const std::string& first,
              const std::string& second) {
    const auto name = given + " " + middle + " " + family;
    const auto national_id = letters + "-" + first + "-" + second;
    auto digits = phone;
    std::erase(digits, ' ');
    return {name,
            "0" + phone,
            national_id,
            {name, given, family, to_hex(family), "0" + phone, "0" + digits, "254" + digits, digits,
             phone, national_id, letters + first + second, first + "-" + second, first + second}};
}

/// Each case enrols its own, so that either runs alone or after the other.
const Person kDumped =
    person("Nyokabi", "Wairimu", "Thorngate", "799 123 457", "QZ", "4471", "9083");
const Person kRead =
    person("Achieng", "Atieno", "Brightwater", "788 654 321", "XK", "5520", "1736");

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(program_privacy, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(pii_is_neither_in_a_database_dump_nor_in_the_log) {
    Api api(server());
    api.cohort("C-PII");
    const auto& [name, phone, national_id, leaks] = kDumped;
    const auto enrolled = api.post("field", "/v1/survivors",
                                   survivor_body("C-PII", "2026-02-01", name, phone, national_id));
    const auto code = Api::created(enrolled).value("code", "");
    BOOST_TEST_REQUIRE(std::regex_match(code, kSurvivorCode));
    // A duplicate attempt and a refused body go through the same code paths that log.
    check_refused(api.post("admin", "/v1/survivors",
                           survivor_body("C-PII", "2026-02-02", name, "+254799123457")),
                  409, "survivor_already_enrolled", "pii");
    auto bad = survivor_body("C-PII", "2026-02-02", name, phone, national_id);
    bad["birth_year"] = name;
    check_validation(api.post("field", "/v1/survivors", bad), {{"birth_year", "invalid_integer"}});
    for (const auto& leak : leaks)
        BOOST_TEST(enrolled.body.find(leak) == std::string::npos, "the answer holds " << leak);

    const std::string err = server().home() + "/pg_dump.stderr";
    const auto dump = run_command({"/usr/lib/postgresql/15/bin/pg_dump", "--no-owner", "-d",
                                   server().database().owner_conninfo},
                                  err);
    BOOST_TEST_REQUIRE(dump.exit_code == 0, read_text(err));
    // The dump is of the right database, with the survivor and the vault's rows.
    BOOST_TEST_REQUIRE(dump.out.find(code) != std::string::npos);
    BOOST_TEST(dump.out.find("COPY public.survivor_pii") != std::string::npos);
    BOOST_TEST(dump.out.find("COPY public.survivor_blind_index") != std::string::npos);
    for (const auto& leak : leaks)
        BOOST_TEST(dump.out.find(leak) == std::string::npos, "the dump holds " << leak);
    // Nor is the key in the database.
    std::string key = read_text(server().key_file());
    while (!key.empty() && key.back() == '\n')
        key.pop_back();
    BOOST_TEST_REQUIRE(key.size() == 64u);
    BOOST_TEST(dump.out.find(key) == std::string::npos);

    const auto log = server().log();
    BOOST_TEST_REQUIRE(log.find("/v1/survivors") != std::string::npos);  // requests are logged
    for (const auto& leak : leaks)
        BOOST_TEST(log.find(leak) == std::string::npos, "the log holds " << leak);
}

BOOST_AUTO_TEST_CASE(pii_is_read_by_field_and_admin_only_and_each_read_is_audited) {
    Api api(server());
    const auto& [name, phone, national_id, leaks] = kRead;
    api.cohort("C-PII-READ");
    const auto code =
        api.survivor(survivor_body("C-PII-READ", "2026-02-01", name, phone, national_id));
    const std::string target = "/v1/survivors/" + code + "?include=pii";
    std::map<std::string, std::string> request_ids;
    for (const char* role : {"field", "admin"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            // The audit line carries the server's request id, not the one the client sent.
            const std::string client_id = std::string("pii-read-") + role;
            const auto response =
                api.client.get(target, with(server().auth(role), "X-Request-Id", client_id));
            BOOST_TEST_REQUIRE(response.status == 200, response.body);
            BOOST_TEST(response.header("X-Request-Id") != client_id);
            request_ids[role] = response.header("X-Request-Id");
            const auto body = body_json(response);
            BOOST_TEST(body.value("code", "") == code);
            BOOST_TEST(body.value("pii", json()) ==
                       json({{"full_name", name}, {"phone", phone}, {"national_id", national_id}}));
        }
    }
    for (const char* role : {"finance", "auditor", "donor"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            const auto response = api.get(role, target);
            check_problem(response, 403, "forbidden");
            BOOST_TEST(response.body.find(name) == std::string::npos);
        }
    }
    // Without ?include=pii the auditor sees the pseudonymous record only.
    const auto plain = api.get_ok("auditor", "/v1/survivors/" + code);
    BOOST_TEST(!plain.contains("pii"));
    BOOST_TEST(plain.value("code", "") == code);

    const auto rows = audit_rows(api);
    BOOST_TEST_REQUIRE(rows.size() >= 3u);
    const auto me = [&](const char* role) {
        return "token:" + api.get_ok(role, "/v1/me").value("token_id", "");
    };
    std::map<std::string, std::string> readers;  // request id -> actor
    bool enrolled = false;
    std::string prev = kZeroHash;
    long long seq = 0;
    for (const auto& row : rows) {
        BOOST_TEST_CONTEXT("audit row " << row.dump()) {
            BOOST_TEST(row.value("seq", 0LL) == ++seq);
            BOOST_TEST(row.value("prev_hash", "") == prev);
            prev = row.value("hash", "");
            BOOST_TEST(prev.size() == 64u);
            for (const auto& leak : leaks)
                BOOST_TEST(row.dump().find(leak) == std::string::npos);
            if (row.value("action", "") == "survivor.pii_read") {
                BOOST_TEST(row.value("subject", "") == code);
                readers[row.value("request_id", "")] = row.value("actor", "");
            }
            if (row.value("action", "") == "survivor.enrol" && row.value("subject", "") == code) {
                enrolled = true;
                BOOST_TEST(row.value("actor", "") == me("field"));
            }
        }
    }
    BOOST_TEST(enrolled);
    // Exactly the two reads that were served, each with its request id and reader.
    const std::map<std::string, std::string> expected_readers{{request_ids["field"], me("field")},
                                                              {request_ids["admin"], me("admin")}};
    BOOST_TEST((readers == expected_readers), "pii_read rows: " << readers.size());
    // Admins read the log too; other roles do not.
    BOOST_TEST(api.get_ok("admin", "/v1/audit/log?limit=1000").at("items").size() == rows.size());
    for (const char* role : {"finance", "field", "donor"})
        check_problem(api.get(role, "/v1/audit/log"), 403, "forbidden");
}

BOOST_AUTO_TEST_SUITE_END()

// ====================================================================== 5. donor scope

BOOST_AUTO_TEST_SUITE(program_donor_scope, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_donor_sees_its_own_fund_and_nothing_else) {
    Api api(server());
    api.receipt("F-KES", receipt_json("700.00", "2026-01-05", "bank", "SC-1"));
    api.receipt("F-KES2", receipt_json("900.00", "2026-01-05", "bank", "SC-2"));
    api.cohort("C-SC");
    const auto sv = api.survivor(survivor_body("C-SC", "2026-01-10", "Scope Survivor"));
    const auto award = api.award(award_body(sv, "F-KES", "grant", "100.00", "2026-01-12"));
    api.disburse(disbursement_body(award, "100.00", "2026-01-20", "mpesa", "SC-3"));
    const auto other = api.award(award_body(sv, "F-KES2", "grant", "100.00", "2026-01-12"));
    Journal journal(server());

    const auto own = api.get_ok("donor", "/v1/funds/F-KES");
    BOOST_TEST(own.value("code", "") == "F-KES");
    BOOST_TEST(own.at("balances").value("received", "") == "700.00");
    BOOST_TEST(own.at("balances").value("disbursed", "") == "100.00");
    BOOST_TEST(own.at("balances").value("available_cash", "") == "600.00");
    for (const char* fund : {"F-KES2", "F-USD", "F-NOPE"}) {
        BOOST_TEST_CONTEXT(fund) {
            // Another fund, or none: the same 403, so existence does not leak either.
            const auto response = api.get("donor", std::string("/v1/funds/") + fund);
            check_problem(response, 403, "forbidden");
            BOOST_TEST(response.body.find("balances") == std::string::npos);
            BOOST_TEST(response.body.find("900.00") == std::string::npos);
        }
    }
    for (const char* fund : {"F-KES2", "F-KES"}) {
        const auto response =
            api.client.post(std::string("/v1/funds/") + fund + "/receipts",
                            receipt_json("1.00", "2026-02-01", "bank", "SC-X").dump(),
                            with(server().auth("donor"), "Idempotency-Key", fresh_key("scope")));
        check_problem(response, 403, "forbidden");
    }
    const std::vector<std::pair<std::string, std::string>> refused{
        {"GET", "/v1/awards/" + award},
        {"GET", "/v1/awards/" + other},
        {"GET", "/v1/survivors/" + sv},
        {"GET", "/v1/survivors/" + sv + "?include=pii"},
        {"GET", "/v1/entries"},
        {"GET", "/v1/entries?fund=F-KES"},
        {"GET", "/v1/entries/1"},
        {"GET", "/v1/accounts/1010/balance?fund=F-KES"},
        {"GET", "/v1/audit/trial-balance?fund=F-KES"},
        {"GET", "/v1/audit/log"},
        {"POST", "/v1/awards"},
        {"POST", "/v1/disbursements"},
        {"POST", "/v1/repayments"},
        {"POST", "/v1/survivors"},
        {"POST", "/v1/cohorts"},
        {"POST", "/v1/donors"},
        {"POST", "/v1/funds"},
        {"POST", "/v1/outcomes"},
        {"POST", "/v1/awards/" + award + "/write-off"},
    };
    for (const auto& [method, target] : refused) {
        BOOST_TEST_CONTEXT(method << " " << target) {
            const auto headers = with(server().auth("donor"), "Idempotency-Key", fresh_key("sc"));
            const auto response = method == "GET" ? api.client.get(target, headers)
                                                  : api.client.post(target, "{}", headers);
            check_problem(response, 403, "forbidden");
        }
    }
    journal.unchanged();

    // A donor of F-KES2 sees that fund and not F-KES.
    const auto token = server().create_token("donor", {"F-KES2"}, "Donor two");
    const HeaderList two{{"Authorization", "Bearer " + token}};
    const auto mine = api.client.get("/v1/funds/F-KES2", two);
    BOOST_TEST(mine.status == 200, mine.body);
    BOOST_TEST(body_json(mine).at("balances").value("received", "") == "900.00");
    check_problem(api.client.get("/v1/funds/F-KES", two), 403, "forbidden");
    // Everyone else with the right role sees any fund; an unknown one is 404 to them.
    BOOST_TEST(api.get_ok("auditor", "/v1/funds/F-KES2").value("code", "") == "F-KES2");
    check_problem(api.get("finance", "/v1/funds/F-NOPE"), 404, "not_found");
    for (const char* role : {"field", "admin"})
        check_problem(api.get(role, "/v1/funds/F-KES"), 403, "forbidden");
}

BOOST_AUTO_TEST_SUITE_END()
