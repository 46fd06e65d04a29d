// The server as a process: exact metrics, SIGTERM under load, a lost database, restart.
// Each test runs its own server, since counters and shutdown are per process.

#include <soci/postgresql/soci-postgresql.h>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/api/api_checks.hpp"

using namespace riziki::testing;

namespace {

using Clock = std::chrono::steady_clock;

/// riziki_http_requests_total as {route, status} -> count, without /healthz (the fixture's
/// readiness polls make that one vary).
std::map<std::pair<std::string, std::string>, long> request_counts(const std::string& text) {
    static const std::regex kLine(
        R"re(riziki_http_requests_total\{route="([^"]*)",status="(\d+)"\} (\d+))re");
    std::map<std::pair<std::string, std::string>, long> out;
    for (std::sregex_iterator it(text.begin(), text.end(), kLine), end; it != end; ++it) {
        if ((*it)[1] == "/healthz")
            continue;
        out[{(*it)[1], (*it)[2]}] = std::stol((*it)[3]);
    }
    return out;
}

/// The value of an unlabelled metric line "name value".
std::string metric(const std::string& text, const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos)
        return "absent";
    const auto start = at + name.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
}

/// Every histogram of the scrape has non-decreasing buckets ending at its count.
void check_histograms(const std::string& text) {
    static const std::regex kBucket(
        R"re(riziki_http_request_duration_seconds_bucket\{route="([^"]*)",le="([^"]+)"\} (\d+))re");
    std::map<std::string, std::vector<long>> buckets;
    for (std::sregex_iterator it(text.begin(), text.end(), kBucket), end; it != end; ++it) {
        buckets[(*it)[1]].push_back(std::stol((*it)[3]));
    }
    BOOST_TEST(!buckets.empty());
    for (const auto& [route, counts] : buckets) {
        BOOST_TEST_CONTEXT("histogram of " << route) {
            BOOST_TEST(std::is_sorted(counts.begin(), counts.end()));
            BOOST_TEST(metric(text, "riziki_http_request_duration_seconds_count{route=\"" + route +
                                        "\"}") == std::to_string(counts.back()));
        }
    }
}

struct Outcome {
    int status = 0;  ///< 0: no response (transport error)
    std::string body;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(metrics_count_requests_exactly) {
    ApiServer server;
    auto client = server.client();
    const auto finance = server.auth("finance");
    const std::string key = fresh_key("metrics");
    for (int i = 0; i < 3; ++i) {
        const auto body = receipt_body("F-KES", std::to_string(i + 1) + ".00", "2026-08-01");
        BOOST_TEST(client
                       .post("/v1/entries", body,
                             with(finance, "Idempotency-Key", i == 0 ? key : fresh_key()))
                       .status == 201);
    }
    BOOST_TEST(client
                   .post("/v1/entries", receipt_body("F-KES", "1.00", "2026-08-01"),
                         with(finance, "Idempotency-Key", key))
                   .header("Idempotent-Replayed") == "true");
    BOOST_TEST(
        client.post("/v1/entries", "{}", with(finance, "Idempotency-Key", fresh_key())).status ==
        422);
    BOOST_TEST(client
                   .post("/v1/entries",
                         entry_body("2026-08-01", "x",
                                    {{"1010", "F-KES", "1.00"}, {"4100", "F-KES", "-2.00"}}),
                         with(finance, "Idempotency-Key", fresh_key()))
                   .status == 422);
    BOOST_TEST(client.post("/v1/entries", "{}", {{"Idempotency-Key", fresh_key()}}).status == 401);
    BOOST_TEST(client.get("/v1/entries", server.auth("auditor")).status == 200);
    BOOST_TEST(client.get("/v1/entries?limit=1", finance).status == 200);
    BOOST_TEST(client.get("/v1/entries/1", finance).status == 200);
    BOOST_TEST(client.get("/v1/entries/999", finance).status == 404);
    BOOST_TEST(client.get("/v1/nowhere").status == 404);
    BOOST_TEST(client.request("DELETE", "/v1/entries").status == 405);
    BOOST_TEST(parse_responses(exchange_raw(server.port(), "BAD\r\n\r\n").bytes).size() == 1u);

    const auto scrape = client.get("/metrics", server.auth("admin"));
    BOOST_TEST(scrape.status == 200);
    using Key = std::pair<std::string, std::string>;
    const std::map<Key, long> expected{
        {{"/v1/entries", "200"}, 2},      {{"/v1/entries", "201"}, 4},
        {{"/v1/entries", "401"}, 1},      {{"/v1/entries", "422"}, 2},
        {{"/v1/entries/{id}", "200"}, 1}, {{"/v1/entries/{id}", "404"}, 1},
        {{"unmatched", "404"}, 1},        {{"unmatched", "405"}, 1},
    };
    const auto got = request_counts(scrape.body);
    BOOST_TEST(got == expected, scrape.body);
    BOOST_TEST(
        scrape.body.find("riziki_http_requests_total{route=\"/v1/entries\",status=\"201\"} 4\n") !=
        std::string::npos);
    BOOST_TEST(metric(scrape.body, "riziki_writer_entries_total") == "3");
    BOOST_TEST(metric(scrape.body, "riziki_writer_batches_total") == "3");
    BOOST_TEST(metric(scrape.body, "riziki_writer_rejected_total") == "1");
    BOOST_TEST(metric(scrape.body, "riziki_writer_batch_size_max") == "1");
    // One request at a time: no batch is ever taken while another commits.
    BOOST_TEST(metric(scrape.body, "riziki_writer_taken_early_total") == "0");
    BOOST_TEST(metric(scrape.body, "riziki_writer_put_back_total") == "0");
    BOOST_TEST(metric(scrape.body,
                      "riziki_http_request_duration_seconds_count{route=\"/v1/entries\"}") == "9");
    check_histograms(scrape.body);
    // A scrape counts itself afterwards.
    const auto second = client.get("/metrics", server.auth("admin")).body;
    BOOST_TEST(second.find("riziki_http_requests_total{route=\"/metrics\",status=\"200\"} 1\n") !=
               std::string::npos);
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_CASE(sigterm_drains_in_flight_requests_and_loses_no_acknowledged_entry) {
    ApiServer server;
    constexpr std::size_t kThreads = 8;
    constexpr std::size_t kRequestsMax = 2000;
    constexpr std::size_t kAnsweredBeforeSignal = 50;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> answered{0};
    std::mutex mutex;
    std::vector<Outcome> outcomes(kRequestsMax);
    Threads workers(kThreads, [&](std::size_t) {
        auto client = server.client();
        for (;;) {
            const auto i = next++;
            if (i >= kRequestsMax)
                return;
            Outcome outcome;
            try {
                const auto response = client.post(
                    "/v1/entries",
                    receipt_body("F-KES", std::to_string(i + 1) + ".00", "2026-09-01",
                                 "load " + std::to_string(i)),
                    with(server.auth("finance"), "Idempotency-Key", "term-" + std::to_string(i)));
                outcome = {response.status, response.body};
                ++answered;
            } catch (const HttpError& error) {
                outcome = {0, error.what()};
            }
            std::lock_guard lock(mutex);
            outcomes[i] = outcome;
            if (outcome.status == 0)
                return;  // the server is going away
        }
    });
    // Signal once the load is well under way (bounded wait; not a timing assertion).
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (answered.load() < kAnsweredBeforeSignal && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    BOOST_TEST_REQUIRE(answered.load() >= kAnsweredBeforeSignal);
    server.terminate();
    const int code = server.wait_for_exit();
    workers.join();
    BOOST_TEST(code == 0, server.log().substr(0, 4000));

    const std::size_t issued = std::min(next.load(), kRequestsMax);
    BOOST_TEST(issued < kRequestsMax);              // the signal landed mid-way
    std::map<long long, std::string> acknowledged;  // seq -> hash
    std::size_t failed = 0;
    for (std::size_t i = 0; i < issued; ++i) {
        const auto& o = outcomes[i];
        if (o.status == 0) {
            ++failed;
            continue;
        }
        BOOST_TEST_CONTEXT("request " << i) {
            BOOST_TEST(o.status == 201, o.body);  // every answer is complete and a success
            const auto entry = json::parse(o.body, nullptr, false);
            BOOST_TEST_REQUIRE(entry.is_object(), o.body);
            BOOST_TEST(entry.value("memo", "") == "load " + std::to_string(i));
            acknowledged[entry.at("seq").get<long long>()] = entry.at("hash").get<std::string>();
        }
    }
    BOOST_TEST_MESSAGE("SIGTERM after " << kAnsweredBeforeSignal << " answers: " << issued
                                        << " requests issued, " << acknowledged.size()
                                        << " acknowledged, " << failed << " unanswered");
    BOOST_TEST(failed <= kThreads);
    BOOST_TEST(acknowledged.size() >= kAnsweredBeforeSignal);

    // Every acknowledged entry is in the database, and nothing committed went unanswered.
    auto sql = server.owner();
    long long stored = 0;
    *sql << "SELECT count(*) FROM entries", soci::into(stored);
    BOOST_TEST(stored == static_cast<long long>(acknowledged.size()),
               stored << " entries stored, " << acknowledged.size() << " acknowledged, " << failed
                      << " requests without an answer");
    for (const auto& [seq, hash] : acknowledged) {
        std::string stored_hash;
        *sql << "SELECT encode(hash, 'hex') FROM entries WHERE seq = :s", soci::use(seq),
            soci::into(stored_hash);
        BOOST_TEST(stored_hash == hash, "entry " << seq);
    }

    // A restarted server serves the same journal.
    server.start();
    const auto listed = all_entries(server);
    BOOST_TEST(listed.size() == static_cast<std::size_t>(stored));
    for (const auto& item : listed) {
        const auto seq = item.at("seq").get<long long>();
        BOOST_TEST(item.value("hash", "") == (acknowledged.contains(seq) ? acknowledged[seq] : ""));
    }
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_CASE(a_lost_database_is_503_and_the_server_recovers) {
    ApiServer server;
    auto client = server.client();
    const auto finance = server.auth("finance");
    BOOST_TEST_REQUIRE(
        post_entry(client, server, receipt_body("F-KES", "1.00", "2026-10-01")).status == 201);
    BOOST_TEST_REQUIRE(client.get("/v1/entries", server.auth("auditor")).status == 200);

    const std::string name = server.database().name;
    soci::session admin(*soci::factory_postgresql(),
                        server.database().owner_conninfo + " dbname=postgres");
    const auto cut = [&](bool off) {
        admin << "ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + (off ? "false" : "true");
        if (off) {
            admin << "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE datname = '" +
                         name + "'";
        }
    };
    cut(true);
    const std::string body = receipt_body("F-KES", "2.00", "2026-10-02", "during outage");
    const std::string key = fresh_key("outage");
    const auto health = client.get("/healthz");
    check_problem(health, 503, "database_unavailable");
    BOOST_TEST(health.header("Retry-After") == "1");
    check_problem(client.get("/v1/entries", server.auth("auditor")), 503, "database_unavailable");
    check_problem(client.post("/v1/entries", body, with(finance, "Idempotency-Key", key)), 503,
                  "database_unavailable");
    check_problem(client.get("/v1/me", {{"Authorization", "Bearer rzk_" + std::string(64, 'a')}}),
                  503, "database_unavailable");

    cut(false);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (Clock::now() < deadline && (status = client.get("/healthz").status) != 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST_REQUIRE(status == 200);
    // The refused write left nothing behind: the same key now writes it, once.
    const auto retried = client.post("/v1/entries", body, with(finance, "Idempotency-Key", key));
    BOOST_TEST(retried.status == 201, retried.body);
    BOOST_TEST(retried.header_count("Idempotent-Replayed") == 0u);
    BOOST_TEST(body_json(retried).value("seq", 0) == 2);
    BOOST_TEST(server.journal_seq() == 2);
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_SUITE_END()
