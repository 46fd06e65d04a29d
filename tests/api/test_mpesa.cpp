// M-Pesa statements through the API (SPEC §15, issue 20): the dry run, posting, replays and
// re-imports, the reconciliation in three formats, malformed files, roles and queries, and a
// crash part way through posting followed by a re-import.

#include <boost/test/unit_test.hpp>

#include <map>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

/// The books a statement is matched against: fund F-MP (KES) with a receipt by M-Pesa, two
/// loans and a grant paid out by M-Pesa, the first two with a 33.00 charge each.
struct MpesaBooks {
    std::string loan_one, loan_two, grant;
    std::string survivor_two;
};

json created(const HttpResponse& response) {
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    return json::parse(response.body);
}

MpesaBooks make_books(ApiServer& s, const std::string& fund) {
    auto client = s.client();
    const auto post = [&](const std::string& role, const std::string& target, const json& body,
                          bool keyed = false) {
        auto headers = s.auth(role);
        if (keyed)
            headers.emplace_back("Idempotency-Key", fresh_key("mpesa-books"));
        return created(client.post(target, body.dump(), headers));
    };
    post("finance", "/v1/donors", {{"code", "D-" + fund}, {"name", "Donor of " + fund}});
    post("finance", "/v1/funds",
         {{"code", fund}, {"donor", "D-" + fund}, {"name", "M-Pesa fund"}, {"currency", "KES"}});
    post("finance", "/v1/funds/" + fund + "/receipts",
         {{"amount", "200000.00"},
          {"received_on", "2026-10-01"},
          {"channel", "mpesa"},
          {"reference", fund == "F-MP" ? "QJR0000001" : "QKR0000001"}},
         true);
    post("field", "/v1/cohorts",
         {{"code", "C-" + fund},
          {"name", "Cohort"},
          {"county", "Mombasa"},
          {"starts_on", "2026-01-01"}});
    std::vector<std::string> survivors;
    for (int i = 1; i <= 3; ++i) {
        survivors.push_back(post("field", "/v1/survivors",
                                 survivor_body("C-" + fund, "2026-08-0" + std::to_string(i),
                                               "Mpesa Person " + fund + std::to_string(i)))
                                .at("code"));
    }
    MpesaBooks b;
    b.survivor_two = survivors[1];
    const auto award = [&](const std::string& survivor, const std::string& kind,
                           const std::string& amount) {
        return post("finance", "/v1/awards",
                    award_body(survivor, fund, kind, amount, "2026-09-01", "Stock", 10))
            .at("id")
            .get<std::string>();
    };
    b.loan_one = award(survivors[0], "loan", "10000.00");
    b.loan_two = award(survivors[1], "loan", "8000.00");
    b.grant = award(survivors[2], "grant", "5000.00");
    const auto disburse = [&](const std::string& id, const std::string& amount,
                              const std::string& on, const std::string& reference,
                              const std::string& fee) {
        post("finance", "/v1/disbursements",
             {{"award", id},
              {"amount", amount},
              {"disbursed_on", on},
              {"channel", "mpesa"},
              {"reference", reference},
              {"fee", fee}},
             true);
    };
    disburse(b.loan_one, "10000.00", "2026-10-02", "QJD0000001", "33.00");
    disburse(b.loan_two, "8000.00", "2026-10-02", "QJD0000002", "33.00");
    disburse(b.grant, "5000.00", "2026-10-03", "QJD0000003", "0");
    return b;
}

const std::string kHeader =
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.\r\n";

/// A line of the statement: receipt, time, status, paid in, withdrawn, balance, reason
/// type, linked receipt, account number.
std::string row(const std::string& receipt, const std::string& time, const std::string& status,
                const std::string& paid_in, const std::string& withdrawn,
                const std::string& balance, const std::string& reason,
                const std::string& linked = "", const std::string& account = "") {
    return receipt + "," + time + "," + time + ",Details of " + receipt + "," + status + "," +
           paid_in + "," + withdrawn + "," + balance + ",true," + reason +
           ",2547******12 - Synthetic Payer," + linked + "," + account + "\r\n";
}

/// October's statement for the books above, newest first, with title rows. Lines (as the
/// reader numbers them, the header on line 4): see kExpected.
std::string october(const MpesaBooks& b) {
    return "Organisation Name:,Synthetic Survivors Trust\r\n"
           "Statement Period:,01/10/2026 - 31/10/2026\r\n"
           "\r\n" +
           kHeader +
           row("QJW0000009", "2026-10-14 09:00:00", "Completed", "", "\"-2,000.00\"",
               "\"176,682.00\"", "Business Payment to Customer") +
           row("QJP0000004", "13/10/2026 16:00", "Failed", "100.00", "", "\"178,682.00\"",
               "Pay Bill Online", "", b.loan_one) +
           row("QJP0000003", "12-10-2026 03:30 PM", "Completed", "250.00", "", "\"178,682.00\"",
               "Pay Bill Online", "", "Jane W") +
           row("QJP0000002", "2026-10-11 08:15:00", "Completed", "500.00", "", "\"178,432.00\"",
               "Pay Bill Online", "",
               " " + b.survivor_two.substr(0, 3) + " " + b.survivor_two.substr(3)) +
           row("QJP0000001", "2026-10-10 12:00:00", "Completed", "\"1,000.00\"", "",
               "\"177,932.00\"", "Pay Bill Online", "", b.loan_one) +
           row("QJD0000003", "2026-10-03 10:00:00", "Completed", "", "5000.00", "176932.00",
               "Business Payment to Customer") +
           row("QJC0000002", "2026-10-02 10:05:01", "Completed", "", "35.00", "181932.00",
               "Business Payment Charge", "QJD0000002") +
           row("QJD0000002", "2026-10-02 10:05:00", "Completed", "", "8000.00", "181967.00",
               "Business Payment to Customer") +
           row("QJC0000001", "2026-10-02 10:00:01", "Completed", "", "33.00", "189967.00",
               "Business Payment Charge", "QJD0000001") +
           row("QJD0000001", "2026-10-02 10:00:00", "Completed", "", "10000.00", "190000.00",
               "Business Payment to Customer") +
           row("QJR0000001", "2026-10-01 09:00:00", "Completed", "\"200,000.00\"", "",
               "\"200,000.00\"", "Organisation Receipt");
}

/// Each line's state and reason in a dry run.
const std::map<int, std::pair<std::string, std::string>> kExpected{
    {5, {"unmatched", "not_in_ledger"}},
    {6, {"ignored", "failed"}},
    {7, {"unmatched", "account_unknown"}},
    {8, {"proposed", ""}},
    {9, {"proposed", ""}},
    {10, {"matched", ""}},
    {11, {"unmatched", "charge_differs"}},
    {12, {"matched", ""}},
    {13, {"charge", ""}},
    {14, {"matched", ""}},
    {15, {"matched", ""}}};

HttpResponse upload(ApiServer& s, const std::string& query, const std::string& file,
                    const std::string& key = "", const std::string& role = "finance") {
    auto headers = with(s.auth(role), "Content-Type", "text/csv");
    if (!key.empty())
        headers.emplace_back("Idempotency-Key", key);
    return s.client().post("/v1/mpesa/statements?" + query, file, headers);
}

void check_states(const json& answer,
                  const std::map<int, std::pair<std::string, std::string>>& expected) {
    const auto& lines = answer.at("lines");
    BOOST_TEST_REQUIRE(lines.size() == expected.size());
    for (const auto& line : lines) {
        const int number = line.at("line");
        const auto& [state, reason] = expected.at(number);
        BOOST_TEST_CONTEXT("line " << number) {
            BOOST_TEST(line.at("state") == state);
            BOOST_TEST(line.value("reason", json()).is_null() == reason.empty());
            if (!reason.empty())
                BOOST_TEST(line.at("reason") == reason);
        }
    }
}

/// How many entries use `reference` (GET /v1/entries has no reference filter: counted in SQL).
long long entries_with_reference(ApiServer& s, const std::string& reference) {
    long long count = 0;
    *s.owner() << "SELECT count(*) FROM payment_references WHERE reference = :r",
        soci::use(reference), soci::into(count);
    return count;
}

ApiServer& server() {
    return SharedServer::get();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_statements, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_dry_run_matches_every_line_and_posts_nothing_then_posting_reconciles) {
    auto& s = server();
    const auto b = make_books(s, "F-MP");
    const auto file = october(b);
    const auto seq = s.journal_seq();

    const auto dry = upload(s, "fund=F-MP&account=1020&dry_run=true", file);
    BOOST_TEST_REQUIRE(dry.status == 200, dry.body);
    const auto answer = json::parse(dry.body);
    check_states(answer, kExpected);
    BOOST_TEST(answer.at("statement").is_null());
    BOOST_TEST(answer.at("opening_balance") == "0.00");
    BOOST_TEST(answer.at("closing_balance") == "176682.00");
    BOOST_TEST(answer.at("first_at") == "2026-10-01 09:00:00");
    BOOST_TEST(answer.at("last_at") == "2026-10-14 09:00:00");
    BOOST_TEST(answer.at("totals").at("proposed").at("lines") == 2);
    BOOST_TEST(answer.at("totals").at("proposed").at("paid_in") == "1500.00");
    // The proposal by survivor code names that survivor's one active loan, with its postings.
    const auto& by_survivor = answer.at("lines")[3];
    BOOST_TEST(by_survivor.at("award") == b.loan_two);
    BOOST_TEST(by_survivor.at("postings").size() >= 2u);
    BOOST_TEST(by_survivor.at("allocation").at("principal") == "500.00");
    // What the payer typed is answered once, never kept; Other Party Info never appears.
    BOOST_TEST(answer.at("lines")[2].at("account_number") == "Jane W");
    BOOST_TEST(dry.body.find("Synthetic Payer") == std::string::npos);
    BOOST_TEST(dry.body.find("Details of") == std::string::npos);
    BOOST_TEST(s.journal_seq() == seq);
    const auto none = s.client().get("/v1/mpesa/statements?fund=F-MP", s.auth("finance"));
    BOOST_TEST(json::parse(none.body).at("items").empty());

    // Posting needs a key, as every POST that moves money does.
    check_problem(upload(s, "fund=F-MP&dry_run=false", file), 428, "idempotency_key_required");

    const std::string key = fresh_key("mpesa-post");
    const auto posted = upload(s, "fund=F-MP&dry_run=false", file, key);
    BOOST_TEST_REQUIRE(posted.status == 201, posted.body);
    const auto kept = json::parse(posted.body);
    BOOST_TEST(kept.at("posted") == 2);
    BOOST_TEST(s.journal_seq() == seq + 2);
    const auto id = kept.at("statement").get<long long>();
    for (const auto& line : kept.at("lines")) {
        if (line.at("state") == "proposed")
            BOOST_TEST(line.at("entry").is_number());
    }
    const auto loan =
        json::parse(s.client().get("/v1/awards/" + b.loan_one, s.auth("finance")).body);
    BOOST_TEST(loan.at("repaid") == "1000.00");

    // A retry under the same key answers the same import and posts nothing.
    const auto replay = upload(s, "fund=F-MP&dry_run=false", file, key);
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(json::parse(replay.body).at("statement") == id);
    BOOST_TEST(s.journal_seq() == seq + 2);
    // The same key with another file is refused.
    check_problem(upload(s, "fund=F-MP&dry_run=false", file + "\r\n", key), 409,
                  "idempotency_key_reused");

    // Importing the file again, under a new key: the repayments are in the ledger now.
    const auto again = upload(s, "fund=F-MP&dry_run=false", file, fresh_key("mpesa-again"));
    BOOST_TEST_REQUIRE(again.status == 201, again.body);
    const auto second = json::parse(again.body);
    BOOST_TEST(second.at("posted") == 0);
    BOOST_TEST(second.at("totals").at("matched").at("lines") == 6);
    BOOST_TEST(s.journal_seq() == seq + 2);
    BOOST_TEST(entries_with_reference(s, "QJP0000001") == 1);

    // The kept import, as the list and by id; the typed name is not kept.
    const auto list =
        json::parse(s.client().get("/v1/mpesa/statements?fund=F-MP", s.auth("auditor")).body);
    BOOST_TEST(list.at("items").size() == 2u);
    const auto got =
        s.client().get("/v1/mpesa/statements/" + std::to_string(id), s.auth("auditor"));
    BOOST_TEST_REQUIRE(got.status == 200, got.body);
    BOOST_TEST(got.body.find("Jane W") == std::string::npos);
    BOOST_TEST(json::parse(got.body).at("lines")[3].at("account_number") == b.survivor_two);
    long long stored_names = 0;
    *s.owner() << "SELECT count(*) FROM mpesa_statement_lines WHERE reason_type LIKE '%Synthetic%'"
                  " OR account_code = 'JANE W'",
        soci::into(stored_names);
    BOOST_TEST(stored_names == 0);

    // The reconciliation explains every shilling: a charge 2.00 above the fee recorded (on
    // the statement 35.00, in the ledger 33.00), a payment with a name for an account, and
    // a payment out the ledger does not have.
    const auto recon = s.client().get(
        "/v1/mpesa/reconciliation?fund=F-MP&account=1020&statement=" + std::to_string(id),
        s.auth("auditor"));
    BOOST_TEST_REQUIRE(recon.status == 200, recon.body);
    const auto r = json::parse(recon.body);
    BOOST_TEST(r.at("verdict") == "explained");
    BOOST_TEST(r.at("statement_balances").at("closing") == "176682.00");
    BOOST_TEST(r.at("ledger_balances").at("closing") == "178434.00");
    BOOST_TEST(r.at("ledger_balances").at("opening") == "0.00");
    BOOST_TEST(r.at("unexplained") == "0.00");
    BOOST_TEST(r.at("on_statement_not_in_ledger").at("total") == "-1752.00");
    std::map<std::string, std::string> reasons;
    for (const auto& d : r.at("on_statement_not_in_ledger").at("items"))
        reasons[d.at("reason")] = d.at("amount");
    BOOST_TEST(reasons == (std::map<std::string, std::string>{{"account_unknown", "250.00"},
                                                              {"charge_differs", "-35.00"},
                                                              {"differs_from_entry", "33.00"},
                                                              {"not_in_ledger", "-2000.00"}}));
    BOOST_TEST(r.at("in_ledger_not_on_statement").at("items").empty());

    const auto csv = s.client().get(
        "/v1/mpesa/reconciliation?fund=F-MP&format=csv&statement=" + std::to_string(id),
        s.auth("finance"));
    BOOST_TEST(csv.status == 200);
    BOOST_TEST(csv.header("Content-Type") == "text/csv; charset=utf-8");
    BOOST_TEST(csv.body.find("verdict,explained") != std::string::npos);
    const auto xlsx = s.client().get(
        "/v1/mpesa/reconciliation?fund=F-MP&format=xlsx&statement=" + std::to_string(id),
        s.auth("finance"));
    BOOST_TEST(xlsx.status == 200);
    BOOST_TEST(xlsx.body.starts_with("PK"));

    // The import and the reconciliation are in the audit log.
    const auto log = s.client().get("/v1/audit/log?action=mpesa.import", s.auth("auditor"));
    BOOST_TEST(log.body.find("\"subject\":\"" + std::to_string(id) + "\"") != std::string::npos,
               log.body);
}

BOOST_AUTO_TEST_CASE(a_malformed_file_is_refused_naming_its_line_and_column_and_changes_nothing) {
    auto& s = server();
    const auto seq = s.journal_seq();
    const std::string good =
        kHeader + row("QMA0000001", "2026-10-10 12:00:00", "Completed", "10.00", "", "10.00", "x");
    struct Case {
        std::string file;
        std::string reason;
        int line;
        int column;
    };
    const std::vector<Case> cases{
        {kHeader +
             row("QMA0000001", "2026-10-10 12:00:00", "Completed", "\"1,0x0.00\"", "", "", "x"),
         "invalid_amount", 2, 6},
        {kHeader + row("QMA0000001", "2026-10-10 12:00:00", "Completed", "10.001", "", "", "x"),
         "invalid_amount", 2, 6},
        {kHeader + row("QMA0000001", "2026-13-45 12:00:00", "Completed", "10.00", "", "", "x"),
         "invalid_time", 2, 2},
        {kHeader + row("QMA 00001", "2026-10-10 12:00:00", "Completed", "10.00", "", "", "x"),
         "invalid_receipt", 2, 1},
        {kHeader + row("QMA0000001", "2026-10-10 12:00:00", "Completed",
                       "99999999999999999999999999999999999999999.00", "", "", "x"),
         "invalid_amount", 2, 6},
        {kHeader + row("QMA0000001", "2026-10-10 12:00:00", "", "10.00", "", "", "x"), "required",
         2, 5},
        {kHeader + row("QMA0000001", "2026-10-10 12:00:00", "Completed\xff", "10.00", "", "", "x"),
         "invalid_text", 2, 5},
        {"Receipt No.,Completion Time\r\nQMA1,2026-10-10 12:00:00\r\n", "missing_column", 1, 0},
        {"just a note\r\n", "missing_header", 0, 0},
        {"", "missing_header", 0, 0},
        {kHeader + "QMA0000001,\"2026-10-10 12:00:00", "unterminated_quote", 2, 2},
        {std::string("PK\x03\x04") + "not really a zip", "invalid_xlsx", 0, 0},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.reason << " in " << c.file.substr(0, 60)) {
            const auto answer = upload(s, "fund=F-KES&dry_run=false", c.file, fresh_key("bad"));
            const auto problem = check_problem(answer, 422, "invalid_statement");
            BOOST_TEST(field_errors(problem).at(0).second == c.reason);
            if (c.line > 0) {
                BOOST_TEST(problem.at("line") == c.line);
            }
            if (c.column > 0) {
                BOOST_TEST(problem.at("column") == c.column);
            }
        }
    }
    BOOST_TEST(s.journal_seq() == seq);
    // A statement of up to 16 MiB is read (1 MiB is the limit elsewhere); one declaring more
    // is refused before any of it is read.
    std::string big_file = good;
    while (big_file.size() < (2U << 20))
        big_file += row("QMA0000001", "2026-10-10 12:00:00", "Failed", "10.00", "", "10.00", "x");
    const auto big = upload(s, "fund=F-KES", big_file);
    BOOST_TEST(big.status == 200, big.body);
    const auto huge =
        parse_responses(exchange_raw(s.port(),
                                     "POST /v1/mpesa/statements?fund=F-KES HTTP/1.1\r\nHost: x\r\n"
                                     "Content-Length: " +
                                         std::to_string((16 << 20) + 1) + "\r\n\r\n")
                            .bytes);
    BOOST_TEST_REQUIRE(huge.size() == 1u);
    check_problem(huge[0], 413, "payload_too_large");
}

BOOST_AUTO_TEST_CASE(queries_and_roles) {
    auto& s = server();
    const std::string file =
        kHeader + row("QMB0000001", "2026-10-10 12:00:00", "Completed", "10.00", "", "10.00", "x");
    check_problem(upload(s, "dry_run=true", file), 400, "invalid_query");
    check_problem(upload(s, "fund=F-KES&account=1010", file), 400, "invalid_query");
    check_problem(upload(s, "fund=F-KES&dry_run=maybe", file), 400, "invalid_query");
    for (const auto* window : {"32", "-1", "3.5", "x"}) {
        const auto problem = check_problem(
            upload(s, std::string("fund=F-KES&window_days=") + window, file), 400, "invalid_query");
        BOOST_TEST(field_errors(problem).at(0).first == "window_days");
    }
    BOOST_TEST(upload(s, "fund=F-KES&window_days=0", file).status == 200);
    check_problem(upload(s, "fund=F-NONE", file), 404, "not_found");
    for (const auto* role : {"field", "auditor", "donor", "admin"})
        check_problem(upload(s, "fund=F-KES", file, "", role), 403, "forbidden");
    for (const auto* target :
         {"/v1/mpesa/statements/999999", "/v1/mpesa/statements/abc",
          "/v1/mpesa/reconciliation?statement=999999", "/v1/mpesa/reconciliation"}) {
        check_problem(s.client().get(target, s.auth("auditor")), 404, "not_found");
    }
    check_problem(s.client().get("/v1/mpesa/statements?fund=F-KES", s.auth("field")), 403,
                  "forbidden");
    // A statement with no line is kept (it was imported) but has nothing to reconcile.
    const auto empty = upload(s, "fund=F-KES&dry_run=false", kHeader, fresh_key("empty"));
    BOOST_TEST_REQUIRE(empty.status == 201, empty.body);
    const auto id = json::parse(empty.body).at("statement").get<long long>();
    check_problem(s.client().get("/v1/mpesa/reconciliation?statement=" + std::to_string(id),
                                 s.auth("auditor")),
                  422, "empty_statement");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mpesa_crash)

BOOST_AUTO_TEST_CASE(a_crash_part_way_through_posting_and_a_reimport_post_each_repayment_once) {
    // Twelve repayments of 10.00 on the first loan; the server dies whenever an import has
    // committed five, before it keeps the import (the hook lives as long as the process).
    ApiServer s(with_environment({"RIZIKI_TEST_CRASH_AFTER_MPESA_POSTS=5"}));
    const auto b = make_books(s, "F-MQ");
    std::string file = kHeader;
    for (int i = 12; i >= 1; --i) {
        char receipt[16];
        std::snprintf(receipt, sizeof receipt, "QKP%07d", i);
        file += row(receipt, "2026-10-" + std::to_string(10 + i) + " 12:00:00", "Completed",
                    "10.00", "", "", "Pay Bill Online", "", b.loan_one);
    }
    const auto seq = s.journal_seq();
    const auto count = [&](const std::string& sql) {
        long long n = 0;
        *s.owner() << sql, soci::into(n);
        return n;
    };
    // Twice: 5 of 12 committed, then 5 of the 7 left; the import is never kept.
    for (const long long committed : {5, 10}) {
        BOOST_CHECK_THROW(upload(s, "fund=F-MQ&dry_run=false", file, fresh_key("crash")),
                          HttpError);
        BOOST_TEST(s.wait_for_exit() == 75);
        BOOST_TEST(count("SELECT count(*) FROM payment_references WHERE reference LIKE 'QKP%'") ==
                   committed);
        BOOST_TEST(count("SELECT count(*) FROM mpesa_statements") == 0);
        s.start();
    }
    // The third import finds ten in the ledger and posts the last two.
    const auto done = upload(s, "fund=F-MQ&dry_run=false", file, fresh_key("crash"));
    BOOST_TEST_REQUIRE(done.status == 201, done.body);
    const auto answer = json::parse(done.body);
    BOOST_TEST(answer.at("posted") == 2);
    BOOST_TEST(answer.at("totals").at("matched").at("lines") == 10);
    BOOST_TEST(count("SELECT count(DISTINCT reference) FROM payment_references "
                     "WHERE reference LIKE 'QKP%'") == 12);
    BOOST_TEST(count("SELECT count(*) FROM payment_references WHERE reference LIKE 'QKP%'") == 12);
    BOOST_TEST(s.journal_seq() == seq + 12);
    const auto loan =
        json::parse(s.client().get("/v1/awards/" + b.loan_one, s.auth("finance")).body);
    BOOST_TEST(loan.at("repaid") == "120.00");
    const auto verify = s.client().get("/v1/audit/verify", s.auth("auditor"));
    BOOST_TEST(json::parse(verify.body).at("ok") == true, verify.body);
}

BOOST_AUTO_TEST_SUITE_END()
