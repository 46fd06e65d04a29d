// M-Pesa B2C results (SPEC §15, issue 20 item 5): POST /v1/mpesa/b2c/result/{secret} on a
// real server whose today is fixed, with the secret `riziki mpesa callback-url` made. A
// success confirms its disbursement and keeps the receipt; a failure reverses it; a result
// sent again changes nothing; every refusal has its answer; the secret never reaches the log.

#include <soci/postgresql/soci-postgresql.h>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <memory>

#include "db/mpesa_b2c.hpp"
#include "db/pool.hpp"
#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

constexpr const char* kToday = "2026-06-15";
constexpr const char* kFund = "F-B2C";
constexpr const char* kBase = "https://riziki.example.org";
const std::string kPrefix = "/v1/mpesa/b2c/result/";

/// What `riziki mpesa callback-url` printed and returned.
struct CallbackUrl {
    int exit_code = -1;
    std::string url;  ///< the line printed, without its newline
};

/// A server on kToday with fund F-B2C (KES, 100,000.00 received), a cohort, and the B2C
/// callback's secret.
struct B2cServer {
    ApiServer server{with_environment({std::string("RIZIKI_TODAY=") + kToday})};
    HttpClient client = server.client();
    std::string secret;
    int survivors = 0;

    B2cServer() {
        post("finance", "/v1/donors", {{"code", "D-B2C"}, {"name", "B2C donor"}});
        post("finance", "/v1/funds",
             {{"code", kFund},
              {"donor", "D-B2C"},
              {"name", "B2C fund"},
              {"currency", "KES"},
              {"restricted", true},
              {"starts_on", "2026-01-01"},
              {"ends_on", "2026-12-31"},
              {"committed_amount", "100000.00"}});
        post("finance", std::string("/v1/funds/") + kFund + "/receipts",
             {{"amount", "100000.00"},
              {"received_on", "2026-06-01"},
              {"channel", "bank"},
              {"reference", "B2C-R1"}},
             true);
        post("field", "/v1/cohorts",
             {{"code", "C-B2C"},
              {"name", "B2C"},
              {"county", "Kilifi"},
              {"starts_on", "2026-01-01"}});
        const auto made = callback_url(false);
        BOOST_TEST_REQUIRE(made.exit_code == 0);
        secret = secret_of(made.url);
    }

    json post(const std::string& role, const std::string& path, const json& body,
              bool key = false) {
        auto headers = server.auth(role);
        if (key)
            headers = with(headers, "Idempotency-Key", fresh_key("b2c"));
        return post_created(client, path, body, headers);
    }

    /// A grant of `amount` to a new survivor, disbursed on 2026-06-10 by M-Pesa with
    /// `reference`: the disbursement's entry.
    json disbursed_grant(const std::string& amount, const std::string& reference) {
        const auto survivor =
            post("field", "/v1/survivors",
                 survivor_body("C-B2C", "2026-06-01", "B2C Person " + std::to_string(++survivors)))
                .at("code")
                .get<std::string>();
        const auto award =
            post("finance", "/v1/awards",
                 award_body(survivor, kFund, "grant", amount, "2026-06-02", "Tailoring", 1))
                .at("id")
                .get<std::string>();
        return post("finance", "/v1/disbursements",
                    {{"award", award},
                     {"amount", amount},
                     {"disbursed_on", "2026-06-10"},
                     {"channel", "mpesa"},
                     {"reference", reference}},
                    true);
    }

    HttpResponse result(const std::string& body, const std::string& secret_given = "") {
        return client.post(kPrefix + (secret_given.empty() ? secret : secret_given), body);
    }

    CallbackUrl callback_url(bool rotate) {
        std::vector<std::string> argv{RIZIKI_BINARY,
                                      "mpesa",
                                      "callback-url",
                                      "--base",
                                      kBase,
                                      "--database-url",
                                      server.database().owner_conninfo,
                                      "--home",
                                      server.home()};
        if (rotate)
            argv.push_back("--rotate");
        const auto run = run_command(argv, server.home() + "/cli-mpesa.log");
        std::string url = run.out;
        while (!url.empty() && url.back() == '\n')
            url.pop_back();
        return {run.exit_code, url};
    }

    std::string secret_of(const std::string& url) {
        const std::string start = std::string(kBase) + kPrefix;
        BOOST_TEST_REQUIRE(url.starts_with(start), url);
        const auto made = url.substr(start.size());
        BOOST_TEST_REQUIRE(made.size() == 64U);
        server.keep_out_of_log(made);
        return made;
    }

    std::string available_cash() {
        const auto response = client.get(std::string("/v1/funds/") + kFund, server.auth("finance"));
        BOOST_TEST_REQUIRE(response.status == 200, response.body);
        return body_json(response).at("balances").at("available_cash").get<std::string>();
    }

    /// The stored result: outcome, receipt, amount, disbursement seq, reversal seq ("" / 0
    /// for none); outcome "none" when no row.
    struct Stored {
        std::string outcome = "none";
        std::string receipt;
        std::string amount;
        long long disbursement = 0;
        long long reversal = 0;
    };
    Stored stored(const std::string& conversation_id) {
        auto sql = server.owner();
        soci::rowset<soci::row> rows =
            (sql->prepare << "SELECT outcome, coalesce(receipt, ''), "
                             "coalesce(amount_minor::text, ''), coalesce(disbursement_seq, 0), "
                             "coalesce(reversal_seq, 0) FROM mpesa_b2c_results "
                             "WHERE conversation_id = :c",
             soci::use(conversation_id));
        for (const auto& row : rows) {
            return {row.get<std::string>(0), row.get<std::string>(1), row.get<std::string>(2),
                    row.get<long long>(3), row.get<long long>(4)};
        }
        return {};
    }

    long long count(const std::string& query) {
        auto sql = server.owner();
        long long n = 0;
        *sql << query, soci::into(n);
        return n;
    }
};

std::unique_ptr<B2cServer> g_b2c;

struct B2cSuite {
    void setup() { g_b2c = std::make_unique<B2cServer>(); }
    void teardown() {
        if (!g_b2c)
            return;
        const int code = g_b2c->server.stop();
        BOOST_TEST(code == 0, "riziki serve exited with " << code);
        BOOST_TEST(g_b2c->server.log_problems().empty(), g_b2c->server.log_problems());
        g_b2c.reset();
    }
};

B2cServer& b2c() {
    return *g_b2c;
}

/// A result in Daraja's shape: a success (with amount and receipt) when result_code is 0.
std::string result_body(int result_code, const std::string& originator,
                        const std::string& conversation, const std::string& amount = "",
                        const std::string& receipt = "") {
    json result{
        {"ResultType", 0},
        {"ResultCode", result_code},
        {"ResultDesc", result_code == 0 ? "The service request is processed successfully."
                                        : "The balance is insufficient."},
        {"OriginatorConversationID", originator},
        {"ConversationID", conversation},
        {"TransactionID", receipt.empty() ? "NLJ0000000" : receipt},
        {"ReferenceData",
         {{"ReferenceItem", {{"Key", "QueueTimeoutURL"}, {"Value", "https://x.invalid"}}}}}};
    std::string text = json{{"Result", result}}.dump();
    if (result_code != 0)
        return text;
    // The amount as a JSON number, written as Daraja writes it (not through a double).
    const std::string parameters =
        R"(,"ResultParameters":{"ResultParameter":[)"
        R"({"Key":"ReceiverPartyPublicName","Value":"254722000999 - B2C Person"},)"
        R"({"Key":"TransactionAmount","Value":)" +
        amount + R"(},{"Key":"TransactionReceipt","Value":")" + receipt +
        R"("},{"Key":"TransactionCompletedDateTime","Value":"15.06.2026 09:30:00"}]})";
    text.insert(text.size() - 2, parameters);
    return text;
}

/// A dry run of a one-line statement of `fund`: a payment out of `amount` under `receipt`
/// two days after the suite's disbursements. Answers the line's state and entry (0 for none).
std::pair<std::string, long long> statement_states(B2cServer& b, const std::string& receipt,
                                                   const std::string& amount) {
    const std::string csv =
        "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,"
        "Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,"
        "Linked Transaction ID,A/C No.\r\n" +
        receipt + ",2026-06-12 09:30:00,,,Completed,," + amount +
        ",,,Business Payment to Customer,,,\r\n";
    const auto response =
        b.server.client().post(std::string("/v1/mpesa/statements?fund=") + kFund, csv,
                               with(b.server.auth("finance"), "Content-Type", "text/csv"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto line = json::parse(response.body).at("lines").at(0);
    return {line.at("state"), line.at("entry").is_null() ? 0 : line.at("entry").get<long long>()};
}

void check_accepted(const HttpResponse& response) {
    BOOST_TEST(response.status == 200, response.body);
    BOOST_TEST(response.header("Content-Type") == "application/json");
    BOOST_TEST(body_json(response) == json({{"ResultCode", 0}, {"ResultDesc", "Accepted"}}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_b2c, *utf::fixture<B2cSuite>())

BOOST_AUTO_TEST_CASE(a_success_confirms_the_disbursement_and_keeps_its_receipt) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("1500.00", "10571-7910404-1");
    const auto seq = entry.at("seq").get<long long>();
    const auto head = b.server.journal_seq();
    check_accepted(
        b.result(result_body(0, "10571-7910404-1", "AG_20260615_000001", "1500.00", "SJF1CONF01")));
    const auto row = b.stored("AG_20260615_000001");
    BOOST_TEST(row.outcome == "confirmed");
    BOOST_TEST(row.receipt == "SJF1CONF01");
    BOOST_TEST(row.amount == "150000");
    BOOST_TEST(row.disbursement == seq);
    BOOST_TEST(row.reversal == 0);
    BOOST_TEST(b.server.journal_seq() == head);  // nothing posted
    // A statement's line with the receipt is now matched to the disbursement (its own
    // reference is the request's id), and a receipt no result confirmed is not.
    const auto [state, matched] = statement_states(b, "SJF1CONF01", "1500.00");
    BOOST_TEST(state == "matched");
    BOOST_TEST(matched == seq);
    BOOST_TEST(statement_states(b, "SJNOTKNOWN", "1500.00").first == "unmatched");
    // Audited without the person: the award is the subject, no name, no phone.
    const auto award = entry.at("postings").at(0).at("award").get<std::string>();
    auto sql = b.server.owner();
    std::string subject;
    std::string detail;
    *sql << "SELECT subject, detail FROM audit_log WHERE action = 'mpesa.disbursement_result' "
            "ORDER BY seq DESC LIMIT 1",
        soci::into(subject), soci::into(detail);
    BOOST_TEST(subject == award);
    BOOST_TEST(detail ==
               "outcome=confirmed result_code=0 conversation=AG_20260615_000001 "
               "receipt=SJF1CONF01 entry=" +
                   std::to_string(seq));
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_b2c_results WHERE result_desc LIKE "
                       "'%B2C Person%' OR result_desc LIKE '%254722%'") == 0);
}

BOOST_AUTO_TEST_CASE(a_failure_reverses_the_disbursement_and_gives_the_fund_its_cash_back) {
    auto& b = b2c();
    const auto before = b.available_cash();
    const auto entry = b.disbursed_grant("2000.00", "29112-34801843-1");
    const auto seq = entry.at("seq").get<long long>();
    BOOST_TEST_REQUIRE(b.available_cash() != before);
    check_accepted(b.result(result_body(2001, "29112-34801843-1", "AG_20260615_000002")));
    const auto row = b.stored("AG_20260615_000002");
    BOOST_TEST(row.outcome == "reversed");
    BOOST_TEST(row.disbursement == seq);
    BOOST_TEST(row.reversal == seq + 1);
    BOOST_TEST(b.available_cash() == before);
    const auto reversal =
        b.client.get("/v1/entries/" + std::to_string(seq + 1), b.server.auth("auditor"));
    BOOST_TEST_REQUIRE(reversal.status == 200);
    const auto got = body_json(reversal);
    BOOST_TEST(got.at("event") == "reversal");
    BOOST_TEST(got.at("reverses") == std::to_string(seq));
    BOOST_TEST(got.at("effective_on") == kToday);  // the day the result came
    BOOST_TEST(got.at("memo") == "M-Pesa B2C failed: result code 2001");
    BOOST_TEST(got.at("recorded_by") == "mpesa:b2c");
    const auto verify = b.client.get("/v1/audit/verify", b.server.auth("auditor"));
    BOOST_TEST_REQUIRE(verify.status == 200);
    BOOST_TEST(body_json(verify).at("ok") == true, verify.body);
}

BOOST_AUTO_TEST_CASE(a_result_sent_again_changes_nothing) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("700.00", "OC-REPLAY-1");
    const auto seq = entry.at("seq").get<long long>();
    const auto failure = result_body(1, "OC-REPLAY-1", "AG_20260615_000003");
    check_accepted(b.result(failure));
    const auto head = b.server.journal_seq();
    BOOST_TEST(head == seq + 1);
    const auto rows = b.count("SELECT count(*) FROM mpesa_b2c_results");
    const auto audits = b.count("SELECT count(*) FROM audit_log");
    const auto cash = b.available_cash();
    check_accepted(b.result(failure));
    // Even a different body under the same ConversationID: the first result stands.
    check_accepted(
        b.result(result_body(0, "OC-REPLAY-1", "AG_20260615_000003", "700", "SJREPLAY1")));
    BOOST_TEST(b.server.journal_seq() == head);
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_b2c_results") == rows);
    BOOST_TEST(b.count("SELECT count(*) FROM audit_log") == audits);
    BOOST_TEST(b.available_cash() == cash);
    BOOST_TEST(b.stored("AG_20260615_000003").outcome == "reversed");
}

BOOST_AUTO_TEST_CASE(the_same_failure_sent_at_once_reverses_once) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("300.00", "OC-RACE-1");
    const auto seq = entry.at("seq").get<long long>();
    const auto body = result_body(17, "OC-RACE-1", "AG_20260615_000004");
    const auto answers = at_once(b.server, 4, [&](HttpClient& client, std::size_t) {
        return client.post(kPrefix + b.secret, body);
    });
    for (const auto& answer : answers)
        check_accepted(answer);
    BOOST_TEST(b.server.journal_seq() == seq + 1);
    BOOST_TEST(b.stored("AG_20260615_000004").reversal == seq + 1);
}

BOOST_AUTO_TEST_CASE(a_result_for_no_disbursement_is_kept_and_acknowledged) {
    auto& b = b2c();
    const auto head = b.server.journal_seq();
    check_accepted(
        b.result(result_body(0, "OC-NOBODY-1", "AG_20260615_000005", "10", "SJNOBODY1")));
    const auto row = b.stored("AG_20260615_000005");
    BOOST_TEST(row.outcome == "unknown_disbursement");
    BOOST_TEST(row.disbursement == 0);
    BOOST_TEST(row.receipt == "SJNOBODY1");
    check_accepted(b.result(result_body(2001, "OC-NOBODY-2", "AG_20260615_000006")));
    BOOST_TEST(b.stored("AG_20260615_000006").outcome == "unknown_disbursement");
    BOOST_TEST(b.server.journal_seq() == head);
}

BOOST_AUTO_TEST_CASE(a_different_amount_is_kept_for_finance_and_posts_nothing) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("1000.00", "OC-DIFF-1");
    const auto head = b.server.journal_seq();
    check_accepted(
        b.result(result_body(0, "OC-DIFF-1", "AG_20260615_000007", "999.99", "SJDIFF001")));
    const auto row = b.stored("AG_20260615_000007");
    BOOST_TEST(row.outcome == "amount_differs");
    BOOST_TEST(row.amount == "99999");
    BOOST_TEST(row.disbursement == entry.at("seq").get<long long>());
    BOOST_TEST(b.server.journal_seq() == head);
    BOOST_TEST(statement_states(b, "SJDIFF001", "999.99").first == "unmatched");
}

BOOST_AUTO_TEST_CASE(the_disbursement_is_found_by_conversation_or_transaction_id) {
    auto& b = b2c();
    const auto by_conversation = b.disbursed_grant("100.00", "AG_20260615_000008");
    check_accepted(
        b.result(result_body(0, "OC-OTHER-8", "AG_20260615_000008", "100", "SJCONV008")));
    BOOST_TEST(b.stored("AG_20260615_000008").disbursement ==
               by_conversation.at("seq").get<long long>());
    const auto by_transaction = b.disbursed_grant("200.00", "SJTRANS009");
    check_accepted(
        b.result(result_body(0, "OC-OTHER-9", "AG_20260615_000009", "200", "SJTRANS009")));
    BOOST_TEST(b.stored("AG_20260615_000009").outcome == "confirmed");
    BOOST_TEST(b.stored("AG_20260615_000009").disbursement ==
               by_transaction.at("seq").get<long long>());
}

BOOST_AUTO_TEST_CASE(a_failure_after_a_reversal_by_hand_posts_nothing) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("400.00", "OC-HAND-1");
    const auto seq = entry.at("seq").get<long long>();
    b.post("finance", "/v1/entries/" + std::to_string(seq) + "/reverse",
           {{"effective_on", "2026-06-11"}, {"memo", "paid twice by mistake"}}, true);
    const auto head = b.server.journal_seq();
    check_accepted(b.result(result_body(1, "OC-HAND-1", "AG_20260615_000010")));
    const auto row = b.stored("AG_20260615_000010");
    BOOST_TEST(row.outcome == "already_reversed");
    BOOST_TEST(row.disbursement == seq);
    BOOST_TEST(b.server.journal_seq() == head);
}

BOOST_AUTO_TEST_CASE(a_reference_used_again_after_a_reversal_names_the_live_disbursement) {
    auto& b = b2c();
    const auto first = b.disbursed_grant("600.00", "OC-AGAIN-1");
    const auto first_seq = first.at("seq").get<long long>();
    b.post("finance", "/v1/entries/" + std::to_string(first_seq) + "/reverse",
           {{"effective_on", "2026-06-11"}, {"memo", "sent to the wrong number"}}, true);
    const auto second = b.disbursed_grant("600.00", "OC-AGAIN-1");
    check_accepted(b.result(result_body(0, "OC-AGAIN-1", "AG_AGAIN_1", "600", "SJAGAIN01")));
    const auto row = b.stored("AG_AGAIN_1");
    BOOST_TEST(row.outcome == "confirmed");
    BOOST_TEST(row.disbursement == second.at("seq").get<long long>());
}

BOOST_AUTO_TEST_CASE(a_wrong_or_missing_secret_is_an_unknown_path) {
    auto& b = b2c();
    const auto unknown = check_problem(b.client.post("/v1/no/such/path", "{}"), 404, "not_found");
    const std::string wrong(64, 'a');
    std::string upper = b.secret;
    for (auto& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& path :
         {kPrefix + wrong, kPrefix + "short", kPrefix + b.secret + "0", kPrefix + upper,
          kPrefix + b.secret.substr(0, 63) + "g", kPrefix, std::string("/v1/mpesa/b2c/result")}) {
        BOOST_TEST_CONTEXT(path) {
            const auto got = check_problem(
                b.client.post(path, result_body(0, "OC-X", "AG_WRONG_SECRET", "10", "SJX")), 404,
                "not_found");
            BOOST_TEST(got.at("detail") == unknown.at("detail"));
        }
    }
    // The secret is checked before the body is read.
    check_problem(b.result(std::string(70000, '{'), wrong), 404, "not_found");
    BOOST_TEST(b.stored("AG_WRONG_SECRET").outcome == "none");
}

BOOST_AUTO_TEST_CASE(bodies_it_cannot_read_are_refused_with_their_code) {
    auto& b = b2c();
    const auto rows = b.count("SELECT count(*) FROM mpesa_b2c_results");
    std::string big = result_body(1, "OC-BIG", "AG_BIG");
    big.insert(1, "\"pad\":\"" + std::string(64 * 1024, 'x') + "\",");
    check_problem(b.result(big), 413, "payload_too_large");
    check_problem(b.result("{\"Result\":"), 400, "malformed_json");
    check_problem(b.result(std::string(20, '[') + std::string(20, ']')), 400, "json_too_deep");
    check_problem(b.result(R"({"Result":{},"Result":{}})"), 400, "duplicate_key");
    const auto invalid = check_problem(
        b.result(
            R"({"Result":{"ResultCode":0,"OriginatorConversationID":"O","ConversationID":"C"}})"),
        422, "invalid_b2c_result");
    BOOST_TEST(field_errors(invalid) ==
               FieldErrors({{"Result.ResultParameters.TransactionReceipt", "required"}}));
    const auto bad_id = check_problem(
        b.result(
            R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O","ConversationID":"a b"}})"),
        422, "invalid_b2c_result");
    BOOST_TEST(field_errors(bad_id) == FieldErrors({{"Result.ConversationID", "invalid_id"}}));
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_b2c_results") == rows);
}

BOOST_AUTO_TEST_CASE(results_and_secrets_are_append_only) {
    auto& b = b2c();
    auto sql = b.server.owner();
    for (const char* change :
         {"UPDATE mpesa_b2c_results SET outcome = 'confirmed'", "DELETE FROM mpesa_b2c_results",
          "TRUNCATE mpesa_b2c_results", "UPDATE mpesa_callback_secrets SET digest = digest",
          "DELETE FROM mpesa_callback_secrets"}) {
        BOOST_TEST_CONTEXT(change) {
            BOOST_CHECK_THROW(*sql << change, soci::soci_error);
        }
    }
    // The app role reads the secrets but cannot add one.
    auto app = std::make_unique<soci::session>(*soci::factory_postgresql(),
                                               b.server.database().app_conninfo);
    BOOST_CHECK_THROW(*app << "INSERT INTO mpesa_callback_secrets (digest) "
                              "VALUES (decode(repeat('00', 32), 'hex'))",
                      soci::soci_error);
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_callback_secrets") == 1);
}

BOOST_AUTO_TEST_CASE(the_log_shows_the_path_without_the_secret) {
    auto& b = b2c();
    check_accepted(b.result(result_body(0, "OC-LOG", "AG_LOG_1", "10", "SJLOG0001")));
    const auto log = b.server.log();
    BOOST_TEST(log.find("path=/v1/mpesa/b2c/result/<secret> status=200") != std::string::npos);
    BOOST_TEST(log.find(b.secret) == std::string::npos);
    BOOST_TEST(b.server.log_problems().empty(), b.server.log_problems());
}

// Last: it replaces the suite's secret.
BOOST_AUTO_TEST_CASE(a_new_url_needs_rotate_and_retires_the_old_one) {
    auto& b = b2c();
    const auto again = b.callback_url(false);
    BOOST_TEST(again.exit_code == 3);
    BOOST_TEST(again.url.empty());  // the secret is shown once, never again
    check_accepted(b.result(result_body(1, "OC-ROT", "AG_ROTATE_1")));
    const auto rotated = b.callback_url(true);
    BOOST_TEST_REQUIRE(rotated.exit_code == 0);
    const auto old_secret = b.secret;
    b.secret = b.secret_of(rotated.url);
    BOOST_TEST(b.secret != old_secret);
    check_problem(b.result(result_body(1, "OC-ROT", "AG_ROTATE_2"), old_secret), 404, "not_found");
    check_accepted(b.result(result_body(1, "OC-ROT", "AG_ROTATE_2")));
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_callback_secrets WHERE retired_at IS NULL") ==
               1);
    BOOST_TEST(b.count("SELECT count(*) FROM mpesa_callback_secrets") == 2);
    BOOST_TEST(b.count("SELECT count(*) FROM audit_log WHERE action = 'mpesa.callback_secret'") ==
               2);
    for (const char* bad : {"http://riziki.example.org", "https://", "https://h?x=1", "ftp://h"}) {
        BOOST_TEST_CONTEXT(bad) {
            const auto run = run_command(
                {RIZIKI_BINARY, "mpesa", "callback-url", "--base", bad, "--database-url",
                 b.server.database().owner_conninfo, "--home", b.server.home()},
                b.server.home() + "/cli-mpesa.log");
            BOOST_TEST(run.exit_code != 0);
            BOOST_TEST(run.out.empty());
        }
    }
}

// Last of all: it closes the month the suite's today is in.
BOOST_AUTO_TEST_CASE(a_failure_the_journal_refuses_to_reverse_is_kept_for_finance) {
    auto& b = b2c();
    const auto entry = b.disbursed_grant("250.00", "OC-CLOSED-1");
    const auto seq = entry.at("seq").get<long long>();
    const auto closed = b.client.post("/v1/periods/2026-06/close", "", b.server.auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    const auto head = b.server.journal_seq();
    check_accepted(b.result(result_body(1, "OC-CLOSED-1", "AG_CLOSED_1")));
    const auto row = b.stored("AG_CLOSED_1");
    BOOST_TEST(row.outcome == "reversal_refused");
    BOOST_TEST(row.disbursement == seq);
    BOOST_TEST(row.reversal == 0);
    BOOST_TEST(b.server.journal_seq() == head);
    auto sql = b.server.owner();
    std::string detail;
    *sql << "SELECT detail FROM audit_log WHERE action = 'mpesa.disbursement_result' "
            "ORDER BY seq DESC LIMIT 1",
        soci::into(detail);
    BOOST_TEST(detail == "outcome=reversal_refused result_code=1 conversation=AG_CLOSED_1 entry=" +
                             std::to_string(seq) + " refused=period_closed");
}

BOOST_AUTO_TEST_SUITE_END()
