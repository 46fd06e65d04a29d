// The program endpoints over HTTP (SPEC §5-§8): donors, funds, receipts, cohorts,
// survivors, awards, disbursements, repayments, write-offs, forgiveness and outcomes.
// One story with exact figures; every rejection code with its status and an unchanged
// journal; concurrent disbursements against one fund's cash; what a database dump and the
// server log must not hold; and what a donor's token may see.

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

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

json survivor_body(const std::string& cohort, const std::string& enrolled_on,
                   const std::string& full_name, const std::string& phone = "",
                   const std::string& national_id = "") {
    json pii{{"full_name", full_name}};
    if (!phone.empty())
        pii["phone"] = phone;
    if (!national_id.empty())
        pii["national_id"] = national_id;
    return {{"cohort", cohort},
            {"gender", "female"},
            {"birth_year", 1994},
            {"county", "Mombasa"},
            {"enrolled_on", enrolled_on},
            {"consent", {{"donor_reporting", true}, {"follow_up", true}}},
            {"pii", pii}};
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

/// Codes the story's steps hand on to the next.
struct Story {
    std::string s1, s2, s3;  // survivors
    std::string loan_a;      // 12,000.00 at 2 % a month: disbursed with a fee, repaid in part
    std::string loan_b;      // 5,000.00 at 0 %: repaid in part, written off, then recovered
    std::string loan_c;      // 3,000.00 at 0 %: forgiven
    std::string grant_d;     // 8,000.00 in two tranches
    std::string grant_e;     // 2,500.00 in kind
} g_story;

constexpr const char* kFund = "F-LIVE";

}  // namespace

BOOST_AUTO_TEST_SUITE(program_story, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(donor_fund_receipts_cohort_and_survivors) {
    Api api(server());
    const auto donor =
        api.post("finance", "/v1/donors", {{"code", "D-ACME"}, {"name", "Acme Foundation"}});
    BOOST_TEST(Api::created(donor) == json({{"code", "D-ACME"}, {"name", "Acme Foundation"}}));
    const json fund{{"code", kFund},
                    {"donor", "D-ACME"},
                    {"name", "Livelihoods 2026"},
                    {"currency", "KES"},
                    {"restricted", true},
                    {"starts_on", "2026-01-01"},
                    {"ends_on", "2027-12-31"},
                    {"committed_amount", "500000.00"}};
    BOOST_TEST(Api::created(api.post("finance", "/v1/funds", fund)) == fund);

    const auto bank = api.receipt(kFund, receipt_json("100000", "2026-01-05", "bank", "BANK-001"));
    check_entry(
        bank, "receipt", "2026-01-05", "Donor receipt (BANK-001)",
        json::array({posting("1010", kFund, "100000.00"), posting("4100", kFund, "-100000.00")}));
    BOOST_TEST(bank.value("seq", 0) == 1);
    BOOST_TEST(bank.value("prev_hash", "") == kZeroHash);
    const auto mpesa =
        api.receipt(kFund, receipt_json("50000.00", "2026-01-06", "mpesa", "MP-REC-001"));
    check_entry(
        mpesa, "receipt", "2026-01-06", "Donor receipt (MP-REC-001)",
        json::array({posting("1020", kFund, "50000.00"), posting("4100", kFund, "-50000.00")}));
    BOOST_TEST(mpesa.value("prev_hash", "") == bank.value("hash", "x"));

    const json cohort{{"code", "C-2026A"},
                      {"name", "Mombasa 2026 A"},
                      {"county", "Mombasa"},
                      {"starts_on", "2026-01-01"}};
    BOOST_TEST(Api::created(api.post("finance", "/v1/cohorts", cohort)) == cohort);

    const auto enrolled = Api::created(api.post(
        "field", "/v1/survivors",
        survivor_body("C-2026A", "2026-01-10", "Amina Survivor-One", "0711000001", "30000001")));
    g_story.s1 = enrolled.value("code", "");
    BOOST_TEST_REQUIRE(std::regex_match(g_story.s1, kSurvivorCode), g_story.s1);
    const json expected_survivor{{"code", g_story.s1},
                                 {"cohort", "C-2026A"},
                                 {"gender", "female"},
                                 {"birth_year", 1994},
                                 {"county", "Mombasa"},
                                 {"enrolled_on", "2026-01-10"},
                                 {"consent", {{"donor_reporting", true}, {"follow_up", true}}}};
    BOOST_TEST(enrolled == expected_survivor);  // and no PII echoed back
    for (const char* role : {"field", "finance", "auditor", "admin"})
        BOOST_TEST(api.get_ok(role, "/v1/survivors/" + g_story.s1) == expected_survivor);
    g_story.s2 = api.survivor(
        survivor_body("C-2026A", "2026-01-10", "Zawadi Survivor-Two", "0711000002", "30000002"));
    g_story.s3 = api.survivor(survivor_body("C-2026A", "2026-01-10", "Neema Survivor-Three"));
    BOOST_TEST(std::set<std::string>({g_story.s1, g_story.s2, g_story.s3}).size() == 3u);
    BOOST_TEST(server().journal_seq() == 2);
}

BOOST_AUTO_TEST_CASE(loan_schedule_disbursement_with_fee_and_repayment_allocation,
                     *utf::depends_on("program_story/donor_fund_receipts_cohort_and_survivors")) {
    Api api(server());
    const auto& sv = g_story.s1;
    const auto response = api.post(
        "finance", "/v1/awards",
        award_body(sv, kFund, "loan", "12000.00", "2026-01-15", loan_terms("2", "month", 4)));
    const auto award = Api::created(response);
    g_story.loan_a = award.value("id", "");
    const auto& id = g_story.loan_a;
    BOOST_TEST_REQUIRE(std::regex_match(id, kAwardId), id);
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
    BOOST_TEST(award == json({{"id", id},
                              {"survivor", sv},
                              {"fund", kFund},
                              {"currency", "KES"},
                              {"kind", "loan"},
                              {"amount", "12000.00"},
                              {"approved_on", "2026-01-15"},
                              {"purpose", "Start-up stock for a tailoring stall"},
                              {"business_sector", "tailoring"},
                              {"status", "approved"},
                              {"loan", terms},
                              {"schedule",
                               json::array({
                                   due(1, "2026-02-15", "2911.49", "240.00", "3151.49", "9088.51"),
                                   due(2, "2026-03-15", "2969.72", "181.77", "3151.49", "6118.79"),
                                   due(3, "2026-04-15", "3029.11", "122.38", "3151.49", "3089.68"),
                                   due(4, "2026-05-15", "3089.68", "61.79", "3151.47", "0.00"),
                               })}}));

    // Disbursed by M-Pesa with a 33.00 charge: 1100/1020 and 5300/1020.
    const auto disbursed =
        api.disburse(disbursement_body(id, "12000.00", "2026-01-20", "mpesa", "MP-D-001", "33"));
    check_entry(disbursed, "disbursement", "2026-01-20", "Loan disbursement " + id + " (MP-D-001)",
                json::array({posting("1100", kFund, "12000.00", sv, id),
                             posting("1020", kFund, "-12000.00", sv, id),
                             posting("5300", kFund, "33.00", sv, id),
                             posting("1020", kFund, "-33.00", sv, id)}));
    BOOST_TEST(!disbursed.contains("allocation"));

    // 3,500.00 pays installment 1 (240.00 interest, 2,911.49 principal), then installment
    // 2's interest (181.77) and 166.74 of its principal.
    const auto repaid = api.repay(repayment_body(id, "3500.00", "2026-02-20", "mpesa", "MP-R-001"));
    check_entry(repaid, "repayment", "2026-02-20", "Loan repayment " + id + " (MP-R-001)",
                json::array({posting("1020", kFund, "3500.00", sv, id),
                             posting("4200", kFund, "-421.77", sv, id),
                             posting("1100", kFund, "-3078.23", sv, id)}));
    BOOST_TEST(
        repaid.value("allocation", json()) ==
        json({{"interest", "421.77"},
              {"principal", "3078.23"},
              {"overpayment", "0.00"},
              {"installments",
               json::array({{{"n", 1}, {"interest", "240.00"}, {"principal", "2911.49"}},
                            {{"n", 2}, {"interest", "181.77"}, {"principal", "166.74"}}})}}));
    BOOST_TEST(server().journal_seq() == 4);
}

BOOST_AUTO_TEST_CASE(
    the_award_as_of_a_date,
    *utf::depends_on(
        "program_story/loan_schedule_disbursement_with_fee_and_repayment_allocation")) {
    Api api(server());
    const auto& id = g_story.loan_a;
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
    const auto fund = api.get_ok("finance", std::string("/v1/funds/") + kFund);
    BOOST_TEST(fund.value("balances", json()) == json({{"received", "150000.00"},
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
    BOOST_TEST(fund.value("as_of", json(1)).is_null());
    const auto end_of_january =
        api.get_ok("auditor", std::string("/v1/funds/") + kFund + "?as_of=2026-01-31");
    BOOST_TEST(end_of_january.value("as_of", "") == "2026-01-31");
    const auto& b = end_of_january.at("balances");
    BOOST_TEST(b.value("received", "") == "150000.00");
    BOOST_TEST(b.value("disbursed", "") == "12000.00");
    BOOST_TEST(b.value("repaid", "") == "0.00");
    BOOST_TEST(b.value("available_cash", "") == "137967.00");
    BOOST_TEST(b.value("loans_outstanding", "") == "12000.00");
}

BOOST_AUTO_TEST_CASE(write_off_then_recovery,
                     *utf::depends_on("program_story/the_award_as_of_a_date")) {
    Api api(server());
    const auto& sv = g_story.s2;
    g_story.loan_b = api.award(
        award_body(sv, kFund, "loan", "5000.00", "2026-01-25", loan_terms("0", "year", 5)));
    const auto& id = g_story.loan_b;
    const auto disbursed =
        api.disburse(disbursement_body(id, "5000.00", "2026-02-01", "mpesa", "MP-D-002"));
    check_entry(disbursed, "disbursement", "2026-02-01", "Loan disbursement " + id + " (MP-D-002)",
                json::array({posting("1100", kFund, "5000.00", sv, id),
                             posting("1020", kFund, "-5000.00", sv, id)}));
    const auto repaid = api.repay(repayment_body(id, "1000.00", "2026-03-01", "mpesa", "MP-R-002"));
    check_entry(repaid, "repayment", "2026-03-01", "Loan repayment " + id + " (MP-R-002)",
                json::array({posting("1020", kFund, "1000.00", sv, id),
                             posting("1100", kFund, "-1000.00", sv, id)}));
    BOOST_TEST(repaid.at("allocation") ==
               json({{"interest", "0.00"},
                     {"principal", "1000.00"},
                     {"overpayment", "0.00"},
                     {"installments",
                      json::array({{{"n", 1}, {"interest", "0.00"}, {"principal", "1000.00"}}})}}));

    const auto written_off = Api::created(api.money(
        "/v1/awards/" + id + "/write-off", {{"on", "2026-06-30"}, {"reason", "Business closed"}}));
    check_entry(written_off, "write_off", "2026-06-30",
                "Write-off of loan " + id + ": Business closed",
                json::array({posting("5200", kFund, "4000.00", sv, id),
                             posting("1100", kFund, "-4000.00", sv, id)}));
    // A repayment on a written-off loan is a recovery: cash against 4300.
    const auto recovered =
        api.repay(repayment_body(id, "600.00", "2026-07-15", "mpesa", "MP-R-003"));
    check_entry(recovered, "recovery", "2026-07-15",
                "Recovery on written-off loan " + id + " (MP-R-003)",
                json::array({posting("1020", kFund, "600.00", sv, id),
                             posting("4300", kFund, "-600.00", sv, id)}));
    BOOST_TEST(!recovered.contains("allocation"));

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

BOOST_AUTO_TEST_CASE(forgiveness_turns_a_loan_into_a_grant,
                     *utf::depends_on("program_story/write_off_then_recovery")) {
    Api api(server());
    const auto& sv = g_story.s3;
    g_story.loan_c = api.award(
        award_body(sv, kFund, "loan", "3000.00", "2026-02-20", loan_terms("0", "month", 3)));
    const auto& id = g_story.loan_c;
    api.disburse(disbursement_body(id, "3000.00", "2026-03-01", "mpesa", "MP-D-003"));
    const auto forgiven =
        Api::created(api.money("/v1/awards/" + id + "/forgive",
                               {{"on", "2026-05-01"}, {"reason", "Converted to a grant"}}));
    check_entry(forgiven, "forgiveness", "2026-05-01",
                "Forgiveness of loan " + id + ": Converted to a grant",
                json::array({posting("5100", kFund, "3000.00", sv, id),
                             posting("1100", kFund, "-3000.00", sv, id)}));
    const auto a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "forgiven");
    BOOST_TEST(a.value("forgiven", "") == "3000.00");
    BOOST_TEST(a.value("outstanding", "") == "0.00");
}

BOOST_AUTO_TEST_CASE(grants_in_two_tranches_and_in_kind,
                     *utf::depends_on("program_story/forgiveness_turns_a_loan_into_a_grant")) {
    Api api(server());
    const auto& sv = g_story.s1;
    g_story.grant_d = api.award(award_body(sv, kFund, "grant", "8000.00", "2026-02-05"));
    const auto& id = g_story.grant_d;
    const auto first =
        api.disburse(disbursement_body(id, "5000.00", "2026-02-10", "bank", "BK-G-001"));
    check_entry(first, "disbursement", "2026-02-10", "Grant disbursement " + id + " (BK-G-001)",
                json::array({posting("5100", kFund, "5000.00", sv, id),
                             posting("1010", kFund, "-5000.00", sv, id)}));
    auto a = api.get_ok("finance", "/v1/awards/" + id);
    BOOST_TEST(a.value("status", "") == "active");
    BOOST_TEST(a.value("disbursed", "") == "5000.00");
    BOOST_TEST(a.value("remaining", "") == "3000.00");
    BOOST_TEST(a.value("schedule", json(1)) == json::array());
    api.disburse(disbursement_body(id, "3000.00", "2026-03-10", "bank", "BK-G-002"));
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
    const auto& sv3 = g_story.s3;
    g_story.grant_e = api.award(award_body(sv3, kFund, "grant", "2500.00", "2026-04-01"));
    const auto& kind = g_story.grant_e;
    const auto in_kind =
        api.disburse(disbursement_body(kind, "2500.00", "2026-04-05", "in_kind", "INV-0077"));
    check_entry(in_kind, "disbursement", "2026-04-05", "Grant disbursement " + kind + " (INV-0077)",
                json::array({posting("5110", kFund, "2500.00", sv3, kind),
                             posting("2200", kFund, "-2500.00", sv3, kind)}));
    BOOST_TEST(api.get_ok("finance", "/v1/awards/" + kind).value("status", "") == "closed");
}

BOOST_AUTO_TEST_CASE(an_outcome_is_recorded,
                     *utf::depends_on("program_story/grants_in_two_tranches_and_in_kind")) {
    Api api(server());
    const auto outcome =
        Api::created(api.post("field", "/v1/outcomes", outcome_body(g_story.s1, "2026-08-01")));
    BOOST_TEST(outcome.value("id", "").size() > 0u);
    json rest = outcome;
    rest.erase("id");
    BOOST_TEST(rest == json({{"survivor", g_story.s1},
                             {"observed_on", "2026-08-01"},
                             {"business_status", "operating"},
                             {"currency", "KES"},
                             {"monthly_revenue", "15000.00"},
                             {"monthly_profit", "4000.00"},
                             {"household_income", "9000.00"},
                             {"savings", "1200.00"},
                             {"jobs", 2}}));
}

BOOST_AUTO_TEST_CASE(fund_balances_trial_balance_and_verify,
                     *utf::depends_on("program_story/an_outcome_is_recorded")) {
    Api api(server());
    BOOST_TEST(server().journal_seq() == 13);
    const auto fund = api.get_ok("auditor", std::string("/v1/funds/") + kFund);
    BOOST_TEST(fund.value("code", "") == kFund);
    BOOST_TEST(fund.value("donor", "") == "D-ACME");
    BOOST_TEST(fund.value("committed_amount", "") == "500000.00");
    // Cash: 150,000 in; loans 12,000 + 5,000 + 3,000 and grants 8,000 out, 33 of fees;
    // 3,500 + 1,000 repaid and 600 recovered. The in-kind grant moves no cash.
    BOOST_TEST(fund.value("balances", json()) == json({{"received", "150000.00"},
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

    const auto row = [](const char* account, const char* name, const char* type, const char* debit,
                        const char* credit) {
        return json{{"account", account}, {"name", name},   {"type", type},    {"fund", kFund},
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
    BOOST_TEST(api.get_ok("auditor", "/v1/audit/trial-balance") ==
               json({{"as_of", nullptr}, {"fund", nullptr}, {"rows", rows}, {"totals", totals}}));
    BOOST_TEST(api.get_ok("finance", std::string("/v1/audit/trial-balance?fund=") + kFund) ==
               json({{"as_of", nullptr}, {"fund", kFund}, {"rows", rows}, {"totals", totals}}));
    // The loan sub-ledger equals 1100, no award is over-disbursed, the chain holds.
    const auto verify = api.get_ok("auditor", "/v1/audit/verify");
    BOOST_TEST(verify.value("ok", false), verify.dump());
    BOOST_TEST(verify.value("entries_checked", 0) == 13);
    // Each award's entries are listed under it.
    BOOST_TEST(
        seqs_of(api.get_ok("auditor", "/v1/entries?award=" + g_story.loan_b).at("items")).size() ==
        4u);
}

BOOST_AUTO_TEST_CASE(overpayment_full_repayment_and_reversals,
                     *utf::depends_on("program_story/fund_balances_trial_balance_and_verify")) {
    Api api(server());
    const std::string fund = "F-OVER";
    api.fund(fund, "D-ACME");
    api.receipt(fund, receipt_json("10000.00", "2026-01-05", "mpesa", "OV-IN"));
    const auto& sv = g_story.s2;
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

/// What the rejection tests share: a fund with cash and awards in known states.
struct Fixtures {
    std::string s1;         // enrolled 2026-01-10, national id "1234 5678", phone 0712345678
    std::string loan_new;   // 1,000.00 loan, approved, never disbursed
    std::string grant;      // 500.00 grant, fully disbursed: closed
    std::string loan_part;  // 2,000.00 loan, 1,000.00 disbursed and repaid: nothing outstanding
    std::string loan_off;   // 300.00 loan, disbursed and written off
    std::string big_grant;  // 50,000.00 grant on F-REJ, nothing disbursed
} g_books;

constexpr const char* kRejFund = "F-REJ";
constexpr const char* kRejSetup = "program_rejections/setup";

}  // namespace

BOOST_AUTO_TEST_SUITE(program_rejections, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(setup) {
    Api api(server());
    api.donor("D-REJ");
    api.fund(kRejFund, "D-REJ");
    api.receipt(kRejFund, receipt_json("20000.00", "2026-01-12", "bank", "R-REJ-1"));
    api.cohort("C-REJ");
    g_books.s1 = api.survivor(
        survivor_body("C-REJ", "2026-01-10", "Rehema Rejection", "0712345678", "1234 5678"));
    const auto& s = g_books.s1;
    g_books.loan_new = api.award(
        award_body(s, kRejFund, "loan", "1000.00", "2026-01-15", loan_terms("0", "month", 2)));
    g_books.grant = api.award(award_body(s, kRejFund, "grant", "500.00", "2026-01-15"));
    api.disburse(disbursement_body(g_books.grant, "500.00", "2026-01-20", "mpesa", "REJ-G-1"));
    g_books.loan_part = api.award(
        award_body(s, kRejFund, "loan", "2000.00", "2026-01-15", loan_terms("0", "month", 2)));
    api.disburse(disbursement_body(g_books.loan_part, "1000.00", "2026-02-01", "mpesa", "REJ-D-1"));
    api.repay(repayment_body(g_books.loan_part, "1000.00", "2026-02-15", "mpesa", "REJ-R-1"));
    g_books.loan_off = api.award(
        award_body(s, kRejFund, "loan", "300.00", "2026-01-15", loan_terms("0", "month", 1)));
    api.disburse(disbursement_body(g_books.loan_off, "300.00", "2026-02-01", "mpesa", "REJ-D-2"));
    Api::created(api.money("/v1/awards/" + g_books.loan_off + "/write-off",
                           {{"on", "2026-04-30"}, {"reason", "Left the county"}}));
    g_books.big_grant = api.award(award_body(s, kRejFund, "grant", "50000.00", "2026-01-15"));
    BOOST_TEST(server().journal_seq() == 6);
    const auto part = api.get_ok("finance", "/v1/awards/" + g_books.loan_part);
    BOOST_TEST(part.value("status", "") == "active");
    BOOST_TEST(part.value("outstanding", "") == "0.00");
    // 20,000 - 500 - 1,000 + 1,000 - 300
    BOOST_TEST(api.get_ok("finance", std::string("/v1/funds/") + kRejFund)
                   .at("balances")
                   .value("available_cash", "") == "19200.00");
}

BOOST_AUTO_TEST_CASE(award_not_found, *utf::depends_on(kRejSetup)) {
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

BOOST_AUTO_TEST_CASE(award_not_active, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    // Nothing disbursed yet: nothing to repay, write off or forgive.
    check_refused(api.money("/v1/repayments", repayment_body(g_books.loan_new, "10.00",
                                                             "2026-03-01", "mpesa", "NA-1")),
                  409, "award_not_active", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + g_books.loan_new + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      409, "award_not_active", "award");
        journal.unchanged();
    }
    // A closed grant takes no more; a written-off loan takes no more, and is not written
    // off or forgiven twice.
    check_refused(api.money("/v1/disbursements", disbursement_body(g_books.grant, "1.00",
                                                                   "2026-03-01", "mpesa", "NA-2")),
                  409, "award_not_active", "award");
    journal.unchanged();
    check_refused(api.money("/v1/disbursements", disbursement_body(g_books.loan_off, "1.00",
                                                                   "2026-05-01", "mpesa", "NA-3")),
                  409, "award_not_active", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + g_books.loan_off + "/" + action,
                                {{"on", "2026-05-01"}, {"reason", "again"}}),
                      409, "award_not_active", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(exceeds_award, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    // 1,000.00 of 2,000.00 is left.
    check_refused(api.money("/v1/disbursements", disbursement_body(g_books.loan_part, "1000.01",
                                                                   "2026-03-01", "mpesa", "EX-1")),
                  422, "exceeds_award", "amount");
    journal.unchanged();
    // A recovery cannot exceed what was written off (300.00).
    check_refused(api.money("/v1/repayments", repayment_body(g_books.loan_off, "300.01",
                                                             "2026-05-01", "mpesa", "EX-2")),
                  422, "exceeds_award", "amount");
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(insufficient_fund_balance, *utf::depends_on(kRejSetup)) {
    Api api(server());
    api.fund("F-POOR", "D-REJ");
    api.receipt("F-POOR", receipt_json("100.00", "2026-01-12", "mpesa", "R-POOR-1"));
    const auto poor = api.award(award_body(g_books.s1, "F-POOR", "grant", "1000.00", "2026-01-15"));
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
    // Another fund's cash does not help (F-REJ holds 19,200.00).
    api.disburse(disbursement_body(poor, "99.99", "2026-03-01", "mpesa", "IF-3", "0.01"));
    journal.grew(1);
    BOOST_TEST(
        api.get_ok("finance", "/v1/funds/F-POOR").at("balances").value("available_cash", "") ==
        "0.00");
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(poor, "0.01", "2026-03-02", "mpesa", "IF-4")),
                  422, "insufficient_fund_balance", "amount");
    journal.unchanged();
    // In kind moves no cash: allowed with none.
    api.disburse(disbursement_body(poor, "10.00", "2026-03-02", "in_kind", "IF-5"));
    journal.grew(1);
}

BOOST_AUTO_TEST_CASE(duplicate_reference, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    // REJ-D-1 paid a disbursement by M-Pesa already.
    check_refused(
        api.money("/v1/disbursements",
                  disbursement_body(g_books.big_grant, "10.00", "2026-03-01", "mpesa", "REJ-D-1")),
        409, "duplicate_reference", "reference");
    journal.unchanged();
    check_refused(api.money("/v1/repayments", repayment_body(g_books.loan_part, "1.00",
                                                             "2026-03-01", "mpesa", "REJ-R-1")),
                  409, "duplicate_reference", "reference");
    journal.unchanged();
    check_refused(api.money(std::string("/v1/funds/") + kRejFund + "/receipts",
                            receipt_json("5.00", "2026-03-01", "bank", "R-REJ-1")),
                  409, "duplicate_reference", "reference");
    journal.unchanged();
    // References are per channel: the same text by bank is another payment.
    api.disburse(disbursement_body(g_books.big_grant, "10.00", "2026-03-01", "bank", "REJ-D-1"));
    journal.grew(1);
}

BOOST_AUTO_TEST_CASE(nothing_outstanding, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + g_books.loan_part + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      409, "nothing_outstanding", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(not_a_loan, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    check_refused(api.money("/v1/repayments", repayment_body(g_books.big_grant, "1.00",
                                                             "2026-03-01", "mpesa", "NL-1")),
                  422, "not_a_loan", "award");
    journal.unchanged();
    for (const char* action : {"write-off", "forgive"}) {
        check_refused(api.money("/v1/awards/" + g_books.big_grant + "/" + action,
                                {{"on", "2026-03-01"}, {"reason", "x"}}),
                      422, "not_a_loan", "award");
        journal.unchanged();
    }
}

BOOST_AUTO_TEST_CASE(invalid_loan_terms, *utf::depends_on(kRejSetup)) {
    Api api(server());
    // First due on 1 March: a disbursement on 15 March cannot make a schedule.
    const auto late = api.award(award_body(g_books.s1, kRejFund, "loan", "500.00", "2026-01-15",
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

BOOST_AUTO_TEST_CASE(survivor_already_enrolled, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    // The same national id written differently, with another phone.
    check_refused(
        api.post("field", "/v1/survivors",
                 survivor_body("C-REJ", "2026-02-01", "Someone Else", "0799000001", "12345678")),
        409, "survivor_already_enrolled", "pii");
    check_refused(api.post("finance", "/v1/survivors",
                           survivor_body("C-REJ", "2026-02-01", "Someone Else", "", "1234-5678")),
                  409, "survivor_already_enrolled", "pii");
    // The same phone written differently, with no national id.
    check_refused(
        api.post("field", "/v1/survivors",
                 survivor_body("C-REJ", "2026-02-01", "Someone Else", "+254 712 345 678")),
        409, "survivor_already_enrolled", "pii");
    check_refused(api.post("field", "/v1/survivors",
                           survivor_body("C-REJ", "2026-02-01", "Someone Else", "712345678")),
                  409, "survivor_already_enrolled", "pii");
    // Letters in an id compare without case; other people enrol.
    api.survivor(survivor_body("C-REJ", "2026-02-01", "Other One", "", "ab 9911"));
    check_refused(
        api.post("field", "/v1/survivors", survivor_body("C-REJ", "2026-02-01", "X", "", "AB9911")),
        409, "survivor_already_enrolled", "pii");
    api.survivor(survivor_body("C-REJ", "2026-02-01", "Other Two", "0712345679", "12345679"));
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(not_found_records_and_already_exists, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    check_refused(api.post("finance", "/v1/awards",
                           award_body("SV-ZZZZZZZZ", kRejFund, "grant", "10.00", "2026-02-01")),
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
    check_refused(api.post("finance", "/v1/donors", {{"code", "D-REJ"}, {"name", "Again"}}), 409,
                  "already_exists", "code");
    check_refused(
        api.post("finance", "/v1/funds",
                 {{"code", kRejFund}, {"donor", "D-REJ"}, {"name", "Again"}, {"currency", "KES"}}),
        409, "already_exists", "code");
    // F-KES was made without the API; it exists all the same.
    check_refused(
        api.post("finance", "/v1/funds",
                 {{"code", "F-KES"}, {"donor", "D-REJ"}, {"name", "A"}, {"currency", "KES"}}),
        409, "already_exists", "code");
    check_refused(api.post("field", "/v1/cohorts",
                           {{"code", "C-REJ"},
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

BOOST_AUTO_TEST_CASE(before_enrolment, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    // Enrolled on 10 January.
    check_refused(api.post("finance", "/v1/awards",
                           award_body(g_books.s1, kRejFund, "grant", "10.00", "2026-01-09")),
                  422, "before_enrolment", "approved_on");
    check_refused(api.post("field", "/v1/outcomes", outcome_body(g_books.s1, "2026-01-09")), 422,
                  "before_enrolment", "observed_on");
    // The day of enrolment is fine.
    Api::created(api.post("field", "/v1/outcomes", outcome_body(g_books.s1, "2026-01-10")));
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(period_closed, *utf::depends_on(kRejSetup)) {
    Api api(server());
    const auto early = api.survivor(survivor_body("C-REJ", "2025-11-01", "Early Enrolee"));
    const auto grant = api.award(award_body(early, kRejFund, "grant", "100.00", "2025-11-05"));
    const auto closed = api.client.post("/v1/periods/2025-12/close", "", server().auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    Journal journal(server());
    check_refused(api.money("/v1/disbursements",
                            disbursement_body(grant, "100.00", "2025-12-10", "mpesa", "PC-1")),
                  409, "period_closed");
    journal.unchanged();
    check_refused(api.money(std::string("/v1/funds/") + kRejFund + "/receipts",
                            receipt_json("5.00", "2025-12-31", "bank", "PC-2")),
                  409, "period_closed");
    journal.unchanged();
    // The award's own rules come first: this loan was disbursed in 2026.
    check_refused(api.money("/v1/awards/" + g_books.loan_part + "/write-off",
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

BOOST_AUTO_TEST_CASE(money_posts_need_an_idempotency_key, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    const std::vector<std::pair<std::string, json>> posts{
        {std::string("/v1/funds/") + kRejFund + "/receipts",
         receipt_json("5.00", "2026-03-01", "bank", "IK-1")},
        {"/v1/disbursements",
         disbursement_body(g_books.big_grant, "5.00", "2026-03-01", "mpesa", "IK-2")},
        {"/v1/repayments", repayment_body(g_books.loan_off, "5.00", "2026-05-01", "mpesa", "IK-3")},
        {"/v1/awards/" + g_books.loan_off + "/write-off", {{"on", "2026-05-01"}, {"reason", "x"}}},
        {"/v1/awards/" + g_books.loan_off + "/forgive", {{"on", "2026-05-01"}, {"reason", "x"}}},
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
                  disbursement_body(g_books.big_grant, "5.00", "2026-03-01", "mpesa", "IK-4"), key);
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    journal.grew(1);
    check_problem(
        api.money("/v1/disbursements",
                  disbursement_body(g_books.big_grant, "6.00", "2026-03-01", "mpesa", "IK-4"), key),
        409, "idempotency_key_reused");
    journal.unchanged();
    const auto replay =
        api.money("/v1/disbursements",
                  disbursement_body(g_books.big_grant, "5.00", "2026-03-01", "mpesa", "IK-4"), key);
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(replay.body == first.body);
    journal.unchanged();
}

BOOST_AUTO_TEST_CASE(validation_failed_for_nasty_bodies, *utf::depends_on(kRejSetup)) {
    Api api(server());
    Journal journal(server());
    const auto& grant = g_books.big_grant;
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
    check_validation(api.money("/v1/repayments", repayment_body(g_books.loan_off, "1.00",
                                                                "2026-05-01", "in_kind", "VF-2")),
                     {{"channel", "invalid_choice"}});
    check_validation(api.money(std::string("/v1/funds/") + kRejFund + "/receipts",
                               receipt_json("1.00", "2026-05-01", "in_kind", "VF-3")),
                     {{"channel", "invalid_choice"}});
    check_validation(api.money(std::string("/v1/funds/") + kRejFund + "/receipts",
                               {{"amount", 1},
                                {"received_on", "2026-05-01"},
                                {"channel", "bank"},
                                {"reference", "VF-4"}}),
                     {{"amount", "invalid_amount"}});
    check_validation(
        api.money("/v1/awards/" + g_books.loan_part + "/write-off", {{"on", "2026-05-01"}}),
        {{"reason", "required"}});
    journal.unchanged();

    // Survivors.
    const auto survivor = survivor_body("C-REJ", "2026-02-01", "Valid Name", "0733000111");
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
    const auto award = award_body(g_books.s1, kRejFund, "loan", "100.00", "2026-02-01",
                                  loan_terms("2", "month", 2));
    const auto grant_body = award_body(g_books.s1, kRejFund, "grant", "100.00", "2026-02-01");
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
    const auto outcome = outcome_body(g_books.s1, "2026-03-01");
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

// ============================================================================ 3. races

BOOST_AUTO_TEST_SUITE(program_concurrency, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(cash_for_ten_disbursements_pays_exactly_ten_of_32) {
    constexpr std::size_t kRequests = 32;
    Api api(server());
    api.donor("D-RACE");
    api.fund("F-RACE", "D-RACE");
    api.cohort("C-RACE");
    const auto sv = api.survivor(survivor_body("C-RACE", "2026-01-10", "Race Survivor"));
    api.receipt("F-RACE", receipt_json("10000.00", "2026-01-11", "mpesa", "RACE-IN"));
    std::vector<std::string> awards;
    for (std::size_t i = 0; i < kRequests; ++i)
        awards.push_back(api.award(award_body(sv, "F-RACE", "grant", "1000.00", "2026-01-12")));
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
    const auto fund = api.get_ok("finance", "/v1/funds/F-RACE");
    BOOST_TEST(fund.at("balances").value("available_cash", "") == "0.00");
    BOOST_TEST(fund.at("balances").value("disbursed", "") == "10000.00");
    // The paid awards are closed, the others untouched.
    for (const auto& id : awards) {
        const auto a = api.get_ok("finance", "/v1/awards/" + id);
        BOOST_TEST(a.value("status", "") == (paid.contains(id) ? "closed" : "approved"), id);
        BOOST_TEST(a.value("disbursed", "") == (paid.contains(id) ? "1000.00" : "0.00"), id);
    }
    BOOST_TEST(api.get_ok("auditor", "/v1/entries?fund=F-RACE&limit=1000").at("items").size() ==
               11u);
    BOOST_TEST(api.get_ok("auditor", "/v1/audit/verify").value("ok", false));
}

BOOST_AUTO_TEST_CASE(identical_requests_under_one_key_make_one_entry) {
    constexpr std::size_t kRequests = 16;
    Api api(server());
    api.fund("F-ONCE", "D-RACE");
    const auto sv = api.survivor(survivor_body("C-RACE", "2026-01-10", "Once Survivor"));
    api.receipt("F-ONCE", receipt_json("5000.00", "2026-01-11", "mpesa", "ONCE-IN"));
    const auto award = api.award(award_body(sv, "F-ONCE", "grant", "2000.00", "2026-01-12"));
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
    BOOST_TEST(
        api.get_ok("finance", "/v1/funds/F-ONCE").at("balances").value("available_cash", "") ==
        "4295.00");
}

BOOST_AUTO_TEST_CASE(one_reference_pays_once_under_concurrent_requests) {
    constexpr std::size_t kRequests = 8;
    Api api(server());
    api.fund("F-REF", "D-RACE");
    const auto sv = api.survivor(survivor_body("C-RACE", "2026-01-10", "Ref Survivor"));
    api.receipt("F-REF", receipt_json("5000.00", "2026-01-11", "mpesa", "REF-IN"));
    std::vector<std::string> awards;
    for (std::size_t i = 0; i < kRequests; ++i)
        awards.push_back(api.award(award_body(sv, "F-REF", "grant", "100.00", "2026-01-12")));
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
    BOOST_TEST(
        api.get_ok("finance", "/v1/funds/F-REF").at("balances").value("available_cash", "") ==
        "4900.00");
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

const std::string kName = "Nyokabi Wairimu Thorngate";
const std::string kPhone = "0799 123 457";
const std::string kNationalId = "QZ-4471-9083";

/// Every form the three values could leak in.
const std::vector<std::string> kLeaks{
    kName,        "Nyokabi",      "Thorngate", to_hex("Thorngate"), kPhone,
    "0799123457", "254799123457", "799123457", "799 123 457",       kNationalId,
    "QZ44719083", "4471-9083",    "44719083",
};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string g_private;  // the survivor's code

}  // namespace

BOOST_AUTO_TEST_SUITE(program_privacy, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(pii_is_neither_in_a_database_dump_nor_in_the_log) {
    Api api(server());
    api.cohort("C-PII");
    const auto enrolled = api.post(
        "field", "/v1/survivors", survivor_body("C-PII", "2026-02-01", kName, kPhone, kNationalId));
    g_private = Api::created(enrolled).value("code", "");
    BOOST_TEST_REQUIRE(std::regex_match(g_private, kSurvivorCode));
    // A duplicate attempt and a refused body go through the same code paths that log.
    check_refused(api.post("finance", "/v1/survivors",
                           survivor_body("C-PII", "2026-02-02", kName, "+254799123457")),
                  409, "survivor_already_enrolled", "pii");
    auto bad = survivor_body("C-PII", "2026-02-02", kName, kPhone, kNationalId);
    bad["birth_year"] = kName;
    check_validation(api.post("field", "/v1/survivors", bad), {{"birth_year", "invalid_integer"}});
    for (const auto& leak : kLeaks)
        BOOST_TEST(enrolled.body.find(leak) == std::string::npos, "the answer holds " << leak);

    const std::string err = server().home() + "/pg_dump.stderr";
    const auto dump = run_command({"/usr/lib/postgresql/15/bin/pg_dump", "--no-owner", "-d",
                                   server().database().owner_conninfo},
                                  err);
    BOOST_TEST_REQUIRE(dump.exit_code == 0, read_text(err));
    // The dump is of the right database, with the survivor and the vault's rows.
    BOOST_TEST_REQUIRE(dump.out.find(g_private) != std::string::npos);
    BOOST_TEST(dump.out.find("COPY public.survivor_pii") != std::string::npos);
    BOOST_TEST(dump.out.find("COPY public.survivor_blind_index") != std::string::npos);
    for (const auto& leak : kLeaks)
        BOOST_TEST(dump.out.find(leak) == std::string::npos, "the dump holds " << leak);
    // Nor is the key in the database.
    std::string key = read_text(server().home() + "/pii.key");
    while (!key.empty() && key.back() == '\n')
        key.pop_back();
    BOOST_TEST_REQUIRE(key.size() == 64u);
    BOOST_TEST(dump.out.find(key) == std::string::npos);

    const auto log = server().log();
    BOOST_TEST_REQUIRE(log.find("/v1/survivors") != std::string::npos);  // requests are logged
    for (const auto& leak : kLeaks)
        BOOST_TEST(log.find(leak) == std::string::npos, "the log holds " << leak);
}

BOOST_AUTO_TEST_CASE(
    pii_is_read_by_field_and_admin_only_and_each_read_is_audited,
    *utf::depends_on("program_privacy/pii_is_neither_in_a_database_dump_nor_in_the_log")) {
    Api api(server());
    const std::string target = "/v1/survivors/" + g_private + "?include=pii";
    std::map<std::string, std::string> request_ids;
    for (const char* role : {"field", "admin"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            const std::string request_id = std::string("pii-read-") + role;
            const auto response =
                api.client.get(target, with(server().auth(role), "X-Request-Id", request_id));
            BOOST_TEST_REQUIRE(response.status == 200, response.body);
            BOOST_TEST(response.header("X-Request-Id") == request_id);
            request_ids[role] = request_id;
            const auto body = body_json(response);
            BOOST_TEST(body.value("code", "") == g_private);
            BOOST_TEST(
                body.value("pii", json()) ==
                json({{"full_name", kName}, {"phone", kPhone}, {"national_id", kNationalId}}));
        }
    }
    for (const char* role : {"finance", "auditor", "donor"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            const auto response = api.get(role, target);
            check_problem(response, 403, "forbidden");
            BOOST_TEST(response.body.find(kName) == std::string::npos);
        }
    }
    // Without ?include=pii the auditor sees the pseudonymous record only.
    const auto plain = api.get_ok("auditor", "/v1/survivors/" + g_private);
    BOOST_TEST(!plain.contains("pii"));
    BOOST_TEST(plain.value("code", "") == g_private);

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
            for (const auto& leak : kLeaks)
                BOOST_TEST(row.dump().find(leak) == std::string::npos);
            if (row.value("action", "") == "survivor.pii_read") {
                BOOST_TEST(row.value("subject", "") == g_private);
                readers[row.value("request_id", "")] = row.value("actor", "");
            }
            if (row.value("action", "") == "survivor.enrol" &&
                row.value("subject", "") == g_private) {
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
