// Every endpoint's happy path, with exact values: one server, one story told in order
// (five entries, a reversal, a trial balance, a closed month).

#include <boost/test/unit_test.hpp>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const std::string kZeroHash(64, '0');

json posting(const std::string& account, const std::string& fund, const std::string& currency,
             const std::string& amount, const std::string& survivor = "",
             const std::string& award = "") {
    return {{"account", account},
            {"fund", fund},
            {"currency", currency},
            {"amount", amount},
            {"survivor", survivor.empty() ? json(nullptr) : json(survivor)},
            {"award", award.empty() ? json(nullptr) : json(award)}};
}

/// The entry JSON the API must answer, without recorded_at and hash (checked apart).
json expected_entry(long long seq, const std::string& effective_on, const std::string& memo,
                    const std::string& prev_hash, const json& postings,
                    const std::string& reverses = "") {
    return {{"id", std::to_string(seq)},
            {"seq", seq},
            {"effective_on", effective_on},
            {"memo", memo},
            {"event", reverses.empty() ? "manual" : "reversal"},
            {"recorded_by", "token:2"},  // the finance token, second one created
            {"reverses", reverses.empty() ? json(nullptr) : json(reverses)},
            {"prev_hash", prev_hash},
            {"postings", postings}};
}

/// Checks recorded_at and hash for form, then compares the rest exactly. Returns the hash.
std::string check_entry(const json& got, const json& expected) {
    static const std::regex kTimestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
    static const std::regex kHash("[0-9a-f]{64}");
    const auto recorded_at = got.value("recorded_at", "");
    const auto hash = got.value("hash", "");
    BOOST_TEST(std::regex_match(recorded_at, kTimestamp), "recorded_at " << recorded_at);
    BOOST_TEST(std::regex_match(hash, kHash), "hash " << hash);
    BOOST_TEST(hash != got.value("prev_hash", ""));
    json rest = got;
    rest.erase("recorded_at");
    rest.erase("hash");
    BOOST_TEST(rest == expected, "got      " << rest.dump() << "\nexpected " << expected.dump());
    return hash;
}

/// Entry hashes by seq, filled by records_entries for the tests that follow it.
std::map<long long, std::string> g_hashes;

constexpr const char* kRecorded = "happy_path/records_entries_with_exact_amounts_and_a_hash_chain";

json get_json(const std::string& target, const std::string& role = "auditor") {
    const auto response = server().client().get(target, server().auth(role));
    BOOST_TEST(response.status == 200, target << ": " << response.body);
    BOOST_TEST(response.header("Content-Type") == "application/json");
    return body_json(response);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(happy_path, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(healthz_answers_without_a_token_and_metrics_to_a_scraper) {
    auto client = server().client();
    const auto health = client.get("/healthz");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(health.header("Content-Type") == "application/json");
    BOOST_TEST(body_json(health) ==
               json({{"status", "ok"}, {"database", "ok"}, {"journal_seq", 0}}));
    const auto metrics = client.get("/metrics", server().auth("admin"));
    BOOST_TEST(metrics.status == 200);
    BOOST_TEST(metrics.header("Content-Type") == "text/plain; version=0.0.4");
    for (const char* line :
         {"# TYPE riziki_http_requests_total counter\n", "\nriziki_writer_entries_total 0\n",
          "\nriziki_writer_batches_total 0\n", "\nriziki_writer_rejected_total 0\n",
          "\nriziki_db_pool_connections 8\n"}) {
        BOOST_TEST(metrics.body.find(line) != std::string::npos, "missing: " << line);
    }
}

BOOST_AUTO_TEST_CASE(me_describes_each_token) {
    for (std::size_t i = 0; i < kRoles.size(); ++i) {
        const auto& role = kRoles[i];
        BOOST_TEST_CONTEXT("role " << role) {
            const auto body = get_json("/v1/me", role);
            const json funds = role == "donor" ? json::array({"F-KES"}) : json::array();
            BOOST_TEST(body == json({{"token_id", std::to_string(i + 1)},
                                     {"name", role},
                                     {"role", role},
                                     {"funds", funds}}));
        }
    }
}

BOOST_AUTO_TEST_CASE(accounts_list_the_default_chart) {
    const std::vector<std::array<const char*, 3>> chart{
        {"1010", "Bank", "asset"},
        {"1020", "M-Pesa float", "asset"},
        {"1030", "Cash on hand", "asset"},
        {"1100", "Loans receivable", "asset"},
        {"1900", "Due from other funds", "asset"},
        {"2100", "Survivor overpayments", "liability"},
        {"2200", "Accounts payable", "liability"},
        {"2900", "Due to other funds", "liability"},
        {"3100", "Net assets with donor restrictions", "net_assets"},
        {"3200", "Net assets without donor restrictions", "net_assets"},
        {"4100", "Grant revenue", "revenue"},
        {"4200", "Loan interest income", "revenue"},
        {"4300", "Recoveries on written-off loans", "revenue"},
        {"5100", "Livelihood grants to survivors", "expense"},
        {"5110", "In-kind business assets to survivors", "expense"},
        {"5200", "Loan losses written off", "expense"},
        {"5300", "Transfer and M-Pesa charges", "expense"},
    };
    json items = json::array();
    for (const auto& [code, name, type] : chart) {
        items.push_back({{"code", code}, {"name", name}, {"type", type}});
    }
    for (const char* role : {"finance", "auditor"}) {
        BOOST_TEST(get_json("/v1/accounts", role) == json({{"items", items}, {"next", nullptr}}));
    }
}

BOOST_AUTO_TEST_CASE(records_entries_with_exact_amounts_and_a_hash_chain) {
    struct Case {
        std::string body;
        json expected_postings;
        std::string date;
        std::string memo;
    };
    const std::vector<Case> cases{
        {entry_body("2026-01-10", "Receipt from donor A",
                    {{"1010", "F-KES", "1500"}, {"4100", "F-KES", "-1500.00"}}),
         json::array({posting("1010", "F-KES", "KES", "1500.00"),
                      posting("4100", "F-KES", "KES", "-1500.00")}),
         "2026-01-10", "Receipt from donor A"},
        {entry_body("2026-01-20", "Grant to SV-0001",
                    {{"5100", "F-KES", "250.5", "SV-0001"}, {"1010", "F-KES", "-250.50"}}),
         json::array({posting("5100", "F-KES", "KES", "250.50", "SV-0001"),
                      posting("1010", "F-KES", "KES", "-250.50")}),
         "2026-01-20", "Grant to SV-0001"},
        {entry_body("2026-02-05", "USD receipt",
                    {{"1010", "F-USD", "100"}, {"4100", "F-USD", "-100.00"}}),
         json::array({posting("1010", "F-USD", "USD", "100.00"),
                      posting("4100", "F-USD", "USD", "-100.00")}),
         "2026-02-05", "USD receipt"},
        {entry_body("2026-02-10", "M-Pesa receipt",
                    {{"1020", "F-KES2", "300.00"}, {"4100", "F-KES2", "-300.00"}}),
         json::array({posting("1020", "F-KES2", "KES", "300.00"),
                      posting("4100", "F-KES2", "KES", "-300.00")}),
         "2026-02-10", "M-Pesa receipt"},
        {entry_body("2026-03-01", "Loan to SV-0002",
                    {{"1100", "F-KES", "200.00", "SV-0002", "AW-1"}, {"1010", "F-KES", "-200.00"}}),
         json::array({posting("1100", "F-KES", "KES", "200.00", "SV-0002", "AW-1"),
                      posting("1010", "F-KES", "KES", "-200.00")}),
         "2026-03-01", "Loan to SV-0002"},
    };
    auto client = server().client();
    std::string prev = kZeroHash;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const long long seq = static_cast<long long>(i) + 1;
        BOOST_TEST_CONTEXT("entry " << seq) {
            const auto& c = cases[i];
            const auto response = post_entry(client, server(), c.body);
            BOOST_TEST_REQUIRE(response.status == 201, response.body);
            BOOST_TEST(response.header("Content-Type") == "application/json");
            BOOST_TEST(response.header_count("Idempotent-Replayed") == 0u);
            const auto created = body_json(response);
            prev = check_entry(created,
                               expected_entry(seq, c.date, c.memo, prev, c.expected_postings));
            g_hashes[seq] = prev;
            BOOST_TEST(get_json("/v1/entries/" + std::to_string(seq)) == created);
            BOOST_TEST(get_json("/v1/entries/" + std::to_string(seq), "finance") == created);
        }
    }
    BOOST_TEST(server().journal_seq() == 5);
}

BOOST_AUTO_TEST_CASE(lists_entries_by_filter, *utf::depends_on(kRecorded)) {
    const std::vector<std::pair<std::string, std::vector<long long>>> cases{
        {"", {1, 2, 3, 4, 5}},
        {"account=1010", {1, 2, 3, 5}},
        {"fund=F-KES", {1, 2, 5}},
        {"fund=F-USD", {3}},
        {"from=2026-02-01", {3, 4, 5}},
        {"to=2026-01-31", {1, 2}},
        {"from=2026-02-01&to=2026-02-28", {3, 4}},
        {"from=2026-02-05&to=2026-02-05", {3}},
        {"survivor=SV-0001", {2}},
        {"survivor=SV-0002&award=AW-1", {5}},
        {"award=AW-1", {5}},
        {"account=1010&fund=F-USD", {3}},
        {"account=5100&fund=F-USD", {}},  // both must hold on one posting
        {"account=1100&survivor=SV-0001", {}},
        {"fund=NO-SUCH-FUND", {}},
        {"from=2026-03-02", {}},  // after every entry; a date after today is refused
        {"account=1010&from=2026-01-15&to=2026-02-28", {2, 3}},
    };
    for (const auto& [query, expected] : cases) {
        BOOST_TEST_CONTEXT("query " << query) {
            const auto body = get_json("/v1/entries?" + query);
            BOOST_TEST(seqs_of(body.at("items")) == expected, boost::test_tools::per_element());
            BOOST_TEST(body.at("next").is_null());
        }
    }
    // Items are the same objects GET /v1/entries/{id} answers.
    const auto listed = get_json("/v1/entries?survivor=SV-0002");
    BOOST_TEST(listed.at("items").at(0) == get_json("/v1/entries/5"));
}

BOOST_AUTO_TEST_CASE(pages_through_entries_with_a_cursor, *utf::depends_on(kRecorded)) {
    const auto first = get_json("/v1/entries?limit=2", "finance");
    BOOST_TEST(seqs_of(first.at("items")) == std::vector<long long>({1, 2}),
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(first.at("next").is_string());
    const auto second =
        get_json("/v1/entries?limit=2&after=" + first.at("next").get<std::string>(), "finance");
    BOOST_TEST(seqs_of(second.at("items")) == std::vector<long long>({3, 4}),
               boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(second.at("next").is_string());
    BOOST_TEST(second.at("next") != first.at("next"));
    const auto third =
        get_json("/v1/entries?limit=2&after=" + second.at("next").get<std::string>(), "finance");
    BOOST_TEST(seqs_of(third.at("items")) == std::vector<long long>({5}),
               boost::test_tools::per_element());
    BOOST_TEST(third.at("next").is_null());
    // A filter keeps applying across pages.
    const auto kes = get_json("/v1/entries?fund=F-KES&limit=2");
    BOOST_TEST(seqs_of(kes.at("items")) == std::vector<long long>({1, 2}),
               boost::test_tools::per_element());
    const auto kes2 =
        get_json("/v1/entries?fund=F-KES&limit=2&after=" + kes.at("next").get<std::string>());
    BOOST_TEST(seqs_of(kes2.at("items")) == std::vector<long long>({5}),
               boost::test_tools::per_element());
    BOOST_TEST(kes2.at("next").is_null());
    // The largest page holds everything; limit=1 walks one at a time.
    BOOST_TEST(seqs_of(get_json("/v1/entries?limit=1000").at("items")).size() == 5u);
    std::vector<long long> walked;
    std::string target = "/v1/entries?limit=1";
    for (int i = 0; i < 10; ++i) {
        const auto page = get_json(target);
        for (auto seq : seqs_of(page.at("items")))
            walked.push_back(seq);
        if (page.at("next").is_null())
            break;
        target = "/v1/entries?limit=1&after=" + page.at("next").get<std::string>();
    }
    BOOST_TEST(walked == std::vector<long long>({1, 2, 3, 4, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(account_balances_as_of_and_by_fund, *utf::depends_on(kRecorded)) {
    const auto balance = [](const std::string& fund, const std::string& currency,
                            const std::string& amount) {
        return json{{"fund", fund}, {"currency", currency}, {"balance", amount}};
    };
    const auto answer = [](const std::string& account, const json& as_of, json balances) {
        return json{{"account", account}, {"as_of", as_of}, {"balances", balances}};
    };
    BOOST_TEST(get_json("/v1/accounts/1010/balance") ==
               answer("1010", nullptr,
                      json::array({balance("F-KES", "KES", "1049.50"),
                                   balance("F-USD", "USD", "100.00")})));
    BOOST_TEST(get_json("/v1/accounts/1010/balance?as_of=2026-01-15", "finance") ==
               answer("1010", "2026-01-15", json::array({balance("F-KES", "KES", "1500.00")})));
    BOOST_TEST(get_json("/v1/accounts/1010/balance?as_of=2026-01-20") ==
               answer("1010", "2026-01-20", json::array({balance("F-KES", "KES", "1249.50")})));
    BOOST_TEST(get_json("/v1/accounts/1010/balance?fund=F-USD") ==
               answer("1010", nullptr, json::array({balance("F-USD", "USD", "100.00")})));
    BOOST_TEST(get_json("/v1/accounts/1010/balance?as_of=2025-12-31") ==
               answer("1010", "2025-12-31", json::array()));
    BOOST_TEST(get_json("/v1/accounts/4100/balance?fund=F-KES2") ==
               answer("4100", nullptr, json::array({balance("F-KES2", "KES", "-300.00")})));
    BOOST_TEST(get_json("/v1/accounts/1100/balance") ==
               answer("1100", nullptr, json::array({balance("F-KES", "KES", "200.00")})));
    BOOST_TEST(get_json("/v1/accounts/3100/balance") == answer("3100", nullptr, json::array()));
}

BOOST_AUTO_TEST_CASE(reverses_an_entry, *utf::depends_on(kRecorded)) {
    auto client = server().client();
    const auto response = client.post(
        "/v1/entries/2/reverse", R"({"effective_on":"2026-01-25","memo":"wrong survivor"})",
        with(server().auth("finance"), "Idempotency-Key", fresh_key()));
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    BOOST_TEST(response.header("Content-Type") == "application/json");
    const auto created = body_json(response);
    g_hashes[6] = check_entry(
        created, expected_entry(6, "2026-01-25", "wrong survivor", g_hashes.at(5),
                                json::array({posting("5100", "F-KES", "KES", "-250.50", "SV-0001"),
                                             posting("1010", "F-KES", "KES", "250.50")}),
                                "2"));
    BOOST_TEST(get_json("/v1/entries/6") == created);
    // The original is unchanged; balances move on the reversal's date.
    BOOST_TEST(get_json("/v1/entries/2").at("hash") == g_hashes.at(2));
    const auto kes_1010 = [](const std::string& query) {
        return get_json("/v1/accounts/1010/balance?fund=F-KES" + query)
            .at("balances")
            .at(0)
            .at("balance")
            .get<std::string>();
    };
    BOOST_TEST(kes_1010("") == "1300.00");
    BOOST_TEST(kes_1010("&as_of=2026-01-24") == "1249.50");
    BOOST_TEST(kes_1010("&as_of=2026-01-25") == "1500.00");
    BOOST_TEST(seqs_of(get_json("/v1/entries?survivor=SV-0001").at("items")) ==
                   std::vector<long long>({2, 6}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(trial_balance_in_json_and_csv,
                     *utf::depends_on("happy_path/reverses_an_entry")) {
    const auto row = [](const char* account, const char* name, const char* type, const char* fund,
                        const char* currency, const char* debit, const char* credit) {
        return json{{"account", account},   {"name", name},   {"type", type},    {"fund", fund},
                    {"currency", currency}, {"debit", debit}, {"credit", credit}};
    };
    const auto total = [](const char* currency, const char* debit, const char* credit) {
        return json{
            {"currency", currency}, {"debit", debit}, {"credit", credit}, {"balanced", true}};
    };
    const json all_rows = json::array({
        row("1010", "Bank", "asset", "F-KES", "KES", "1300.00", "0.00"),
        row("1010", "Bank", "asset", "F-USD", "USD", "100.00", "0.00"),
        row("1020", "M-Pesa float", "asset", "F-KES2", "KES", "300.00", "0.00"),
        row("1100", "Loans receivable", "asset", "F-KES", "KES", "200.00", "0.00"),
        row("4100", "Grant revenue", "revenue", "F-KES", "KES", "0.00", "1500.00"),
        row("4100", "Grant revenue", "revenue", "F-KES2", "KES", "0.00", "300.00"),
        row("4100", "Grant revenue", "revenue", "F-USD", "USD", "0.00", "100.00"),
    });
    for (const char* role : {"auditor", "finance"}) {
        BOOST_TEST(get_json("/v1/audit/trial-balance", role) ==
                   json({{"as_of", nullptr},
                         {"fund", nullptr},
                         {"rows", all_rows},
                         {"totals", json::array({total("KES", "1800.00", "1800.00"),
                                                 total("USD", "100.00", "100.00")})}}));
    }
    BOOST_TEST(
        get_json("/v1/audit/trial-balance?as_of=2026-01-20&format=json") ==
        json({{"as_of", "2026-01-20"},
              {"fund", nullptr},
              {"rows", json::array({row("1010", "Bank", "asset", "F-KES", "KES", "1249.50", "0.00"),
                                    row("4100", "Grant revenue", "revenue", "F-KES", "KES", "0.00",
                                        "1500.00"),
                                    row("5100", "Livelihood grants to survivors", "expense",
                                        "F-KES", "KES", "250.50", "0.00")})},
              {"totals", json::array({total("KES", "1500.00", "1500.00")})}}));
    BOOST_TEST(get_json("/v1/audit/trial-balance?fund=F-USD") ==
               json({{"as_of", nullptr},
                     {"fund", "F-USD"},
                     {"rows", json::array({all_rows[1], all_rows[6]})},
                     {"totals", json::array({total("USD", "100.00", "100.00")})}}));
    BOOST_TEST(get_json("/v1/audit/trial-balance?as_of=2025-12-31") ==
               json({{"as_of", "2025-12-31"},
                     {"fund", nullptr},
                     {"rows", json::array()},
                     {"totals", json::array()}}));

    const auto csv =
        server().client().get("/v1/audit/trial-balance?format=csv", server().auth("auditor"));
    BOOST_TEST(csv.status == 200);
    BOOST_TEST(csv.header("Content-Type") == "text/csv; charset=utf-8");
    BOOST_TEST(csv.body ==
               "account,name,type,fund,currency,debit,credit\r\n"
               "1010,Bank,asset,F-KES,KES,1300.00,0.00\r\n"
               "1010,Bank,asset,F-USD,USD,100.00,0.00\r\n"
               "1020,M-Pesa float,asset,F-KES2,KES,300.00,0.00\r\n"
               "1100,Loans receivable,asset,F-KES,KES,200.00,0.00\r\n"
               "4100,Grant revenue,revenue,F-KES,KES,0.00,1500.00\r\n"
               "4100,Grant revenue,revenue,F-KES2,KES,0.00,300.00\r\n"
               "4100,Grant revenue,revenue,F-USD,USD,0.00,100.00\r\n");
    const auto csv_kes2 =
        server().client().get("/v1/audit/trial-balance?format=csv&fund=F-KES2&as_of=2026-02-10",
                              server().auth("finance"));
    BOOST_TEST(csv_kes2.body ==
               "account,name,type,fund,currency,debit,credit\r\n"
               "1020,M-Pesa float,asset,F-KES2,KES,300.00,0.00\r\n"
               "4100,Grant revenue,revenue,F-KES2,KES,0.00,300.00\r\n");
}

BOOST_AUTO_TEST_CASE(closes_a_period_and_lists_it,
                     *utf::depends_on("happy_path/trial_balance_in_json_and_csv")) {
    auto client = server().client();
    BOOST_TEST(get_json("/v1/periods", "admin") ==
               json({{"items", json::array()}, {"next", nullptr}}));
    const auto closed = client.post("/v1/periods/2026-01/close", "", server().auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    BOOST_TEST(closed.header("Content-Type") == "application/json");
    auto body = body_json(closed);
    static const std::regex kTimestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
    BOOST_TEST(std::regex_match(body.value("closed_at", ""), kTimestamp), body.dump());
    json rest = body;
    rest.erase("closed_at");
    BOOST_TEST(rest ==
               json({{"period", "2026-01"}, {"closed_by", "token:1"}, {"closed_after_seq", 6}}));
    BOOST_TEST(get_json("/v1/periods", "admin") ==
               json({{"items", json::array({body})}, {"next", nullptr}}));

    // The month is closed to entries; the next one is open.
    check_problem(post_entry(client, server(), receipt_body("F-KES", "1.00", "2026-01-31")), 409,
                  "period_closed");
    const auto february = post_entry(client, server(), receipt_body("F-KES", "1.00", "2026-02-01"));
    BOOST_TEST(february.status == 201, february.body);
    BOOST_TEST(body_json(february).value("seq", 0) == 7);
    BOOST_TEST(body_json(february).value("prev_hash", "") == g_hashes.at(6));
    BOOST_TEST(server().journal_seq() == 7);
}

BOOST_AUTO_TEST_SUITE_END()
