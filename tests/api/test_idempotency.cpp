// Idempotency-Key (SPEC §7): replays, reuse with another request, refused requests, and
// many identical requests at once.

#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

HeaderList finance_key(const std::string& key) {
    return with(server().auth("finance"), "Idempotency-Key", key);
}

json entries_of_fund(const std::string& fund) {
    const auto response =
        server().client().get("/v1/entries?fund=" + fund, server().auth("auditor"));
    BOOST_TEST_REQUIRE(response.status == 200);
    return json::parse(response.body).at("items");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(idempotency, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_replay_returns_the_first_response_and_writes_nothing) {
    auto client = server().client();
    const std::string key = fresh_key("replay");
    const std::string body = receipt_body("F-KES", "42.00", "2026-04-01", "replayed");
    const auto first = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    BOOST_TEST(first.header_count("Idempotent-Replayed") == 0u);
    const auto seq = server().journal_seq();
    // The same body, also with other key order and white space, replays.
    json reordered = json::parse(body);
    const std::string spaced = "\n { \"postings\" : " + reordered["postings"].dump(2) +
                               ",\t\"memo\":\"replayed\" , \"effective_on\":\"2026-04-01\" }\n";
    for (const auto& again : {body, spaced}) {
        const auto replay = client.post("/v1/entries", again, finance_key(key));
        BOOST_TEST(replay.status == 201);
        BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
        BOOST_TEST(replay.header("Content-Type") == "application/json");
        BOOST_TEST(replay.body == first.body);
    }
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_CASE(keys_belong_to_a_token) {
    auto client = server().client();
    const std::string key = fresh_key("scoped");
    const std::string body = receipt_body("F-KES", "43.00", "2026-04-01", "per token");
    const auto mine = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST_REQUIRE(mine.status == 201, mine.body);
    const auto other_token = server().create_token("finance", {}, "Second finance desk");
    const auto theirs =
        client.post("/v1/entries", body,
                    {{"Authorization", "Bearer " + other_token}, {"Idempotency-Key", key}});
    BOOST_TEST_REQUIRE(theirs.status == 201, theirs.body);
    BOOST_TEST(theirs.header_count("Idempotent-Replayed") == 0u);
    BOOST_TEST(body_json(theirs).at("seq") == body_json(mine).at("seq").get<long long>() + 1);
}

BOOST_AUTO_TEST_CASE(the_same_key_with_another_request_is_refused) {
    auto client = server().client();
    const std::string key = fresh_key("reuse");
    const std::string body = receipt_body("F-KES", "44.00", "2026-04-01", "original");
    const auto first = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    const auto id = std::to_string(body_json(first).at("seq").get<long long>());
    const auto seq = server().journal_seq();
    check_problem(
        client.post("/v1/entries", receipt_body("F-KES", "44.01", "2026-04-01", "original"),
                    finance_key(key)),
        409, "idempotency_key_reused");
    check_problem(client.post("/v1/entries", receipt_body("F-KES", "44.00", "2026-04-01", "other"),
                              finance_key(key)),
                  409, "idempotency_key_reused");
    // Another path with the key of an entry: a reversal is another request.
    check_problem(client.post("/v1/entries/" + id + "/reverse",
                              R"({"effective_on":"2026-04-02","memo":"undo"})", finance_key(key)),
                  409, "idempotency_key_reused");
    // Amounts are compared as sent: "44" and "44.00" are different requests.
    check_problem(client.post("/v1/entries", receipt_body("F-KES", "44", "2026-04-01", "original"),
                              finance_key(key)),
                  409, "idempotency_key_reused");
    BOOST_TEST(server().journal_seq() == seq);
    // The original still replays.
    const auto replay = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.body == first.body);
}

BOOST_AUTO_TEST_CASE(a_refused_request_keeps_its_key_free) {
    auto client = server().client();
    const std::string key = fresh_key("refused");
    check_problem(client.post("/v1/entries",
                              entry_body("2026-04-01", "fix me",
                                         {{"1010", "F-KES", "1.00"}, {"4100", "F-KES", "-2.00"}}),
                              finance_key(key)),
                  422, "unbalanced_entry");
    check_problem(client.post("/v1/entries", R"({"memo":"fix me"})", finance_key(key)), 422,
                  "validation_failed");
    const auto fixed = client.post(
        "/v1/entries", receipt_body("F-KES", "1.00", "2026-04-01", "fixed"), finance_key(key));
    BOOST_TEST(fixed.status == 201, fixed.body);
    BOOST_TEST(fixed.header_count("Idempotent-Replayed") == 0u);
}

BOOST_AUTO_TEST_CASE(twenty_identical_requests_at_once_write_one_entry) {
    server().create_fund("F-IDEM", "KES");
    const auto seq = server().journal_seq();
    const std::string key = fresh_key("race");
    const std::string body = receipt_body("F-IDEM", "20.00", "2026-04-03", "raced");
    const auto responses = at_once(server(), 20, [&](HttpClient& client, std::size_t) {
        return client.post("/v1/entries", body, finance_key(key));
    });
    std::size_t replayed = 0;
    for (const auto& response : responses) {
        BOOST_TEST(response.status == 201, response.body);
        BOOST_TEST(response.body == responses.front().body);
        replayed += response.header("Idempotent-Replayed") == "true" ? 1 : 0;
    }
    BOOST_TEST(replayed == 19u);
    BOOST_TEST(server().journal_seq() == seq + 1);
    const auto items = entries_of_fund("F-IDEM");
    BOOST_TEST_REQUIRE(items.size() == 1u);
    BOOST_TEST(items.at(0) == json::parse(responses.front().body));
    BOOST_TEST(items.at(0).at("seq") == seq + 1);
}

BOOST_AUTO_TEST_CASE(twenty_keys_at_once_write_twenty_entries) {
    server().create_fund("F-MANY", "KES");
    const auto seq = server().journal_seq();
    const std::string body = receipt_body("F-MANY", "1.00", "2026-04-03", "same body");
    const auto responses = at_once(server(), 20, [&](HttpClient& client, std::size_t i) {
        return client.post("/v1/entries", body, finance_key("many-" + std::to_string(i)));
    });
    std::set<long long> seqs;
    for (const auto& response : responses) {
        BOOST_TEST(response.status == 201, response.body);
        BOOST_TEST(response.header_count("Idempotent-Replayed") == 0u);
        if (response.status == 201)
            seqs.insert(json::parse(response.body).at("seq").get<long long>());
    }
    BOOST_TEST(seqs.size() == 20u);
    BOOST_TEST(*seqs.begin() == seq + 1);
    BOOST_TEST(*seqs.rbegin() == seq + 20);
    BOOST_TEST(entries_of_fund("F-MANY").size() == 20u);
}

BOOST_AUTO_TEST_CASE(one_key_with_ten_bodies_at_once_writes_one_entry) {
    server().create_fund("F-KEY1", "KES");
    const auto seq = server().journal_seq();
    const std::string key = fresh_key("contested");
    const auto responses = at_once(server(), 10, [&](HttpClient& client, std::size_t i) {
        return client.post("/v1/entries",
                           receipt_body("F-KEY1", std::to_string(i + 1) + ".00", "2026-04-03"),
                           finance_key(key));
    });
    std::size_t created = 0;
    std::size_t reused = 0;
    for (const auto& response : responses) {
        if (response.status == 201) {
            ++created;
        } else {
            check_problem(response, 409, "idempotency_key_reused");
            ++reused;
        }
    }
    BOOST_TEST(created == 1u);
    BOOST_TEST(reused == 9u);
    BOOST_TEST(server().journal_seq() == seq + 1);
    BOOST_TEST(entries_of_fund("F-KEY1").size() == 1u);
}

BOOST_AUTO_TEST_CASE(ten_reversals_of_one_entry_at_once_write_one) {
    auto client = server().client();
    const auto original =
        client.post("/v1/entries", receipt_body("F-KES", "46.00", "2026-04-04", "reverse me"),
                    finance_key(fresh_key()));
    BOOST_TEST_REQUIRE(original.status == 201, original.body);
    const auto id = std::to_string(body_json(original).at("seq").get<long long>());
    const auto seq = server().journal_seq();
    const auto responses = at_once(server(), 10, [&](HttpClient& c, std::size_t i) {
        return c.post(
            "/v1/entries/" + id + "/reverse",
            json{{"effective_on", "2026-04-05"}, {"memo", "undo " + std::to_string(i)}}.dump(),
            finance_key(fresh_key("undo")));
    });
    std::size_t created = 0;
    for (const auto& response : responses) {
        if (response.status == 201) {
            ++created;
            BOOST_TEST(body_json(response).value("reverses", "") == id);
        } else {
            check_problem(response, 409, "already_reversed");
        }
    }
    BOOST_TEST(created == 1u);
    BOOST_TEST(server().journal_seq() == seq + 1);
}

// Entries racing a month's close: each is either written before the close (its seq at
// most closed_after_seq) or refused with period_closed; nothing lands in the closed month
// afterwards.
BOOST_AUTO_TEST_CASE(entries_racing_a_period_close) {
    const auto responses = at_once(server(), 13, [&](HttpClient& client, std::size_t i) {
        if (i == 6)
            return client.post("/v1/periods/2017-03/close", "", server().auth("admin"));
        return client.post("/v1/entries",
                           receipt_body("F-KES", "1.00", "2017-03-" + std::to_string(10 + i)),
                           finance_key(fresh_key("racing")));
    });
    BOOST_TEST_REQUIRE(responses[6].status == 201, responses[6].body);
    const auto closed_after = body_json(responses[6]).at("closed_after_seq").get<long long>();
    for (std::size_t i = 0; i < responses.size(); ++i) {
        if (i == 6)
            continue;
        BOOST_TEST_CONTEXT("entry " << i) {
            if (responses[i].status == 201) {
                BOOST_TEST(body_json(responses[i]).at("seq").get<long long>() <= closed_after);
            } else {
                check_problem(responses[i], 409, "period_closed");
            }
        }
    }
    const auto listed = server().client().get("/v1/entries?from=2017-03-01&to=2017-03-31",
                                              server().auth("auditor"));
    for (const auto& item : body_json(listed).at("items")) {
        BOOST_TEST(item.at("seq").get<long long>() <= closed_after);
    }
}

// SPEC §7: "the same key with another body is 409 idempotency_key_reused" - also when the
// other body breaks a ledger rule: the key was spent, whatever the new body says.
BOOST_AUTO_TEST_CASE(a_reused_key_is_reported_before_ledger_rules) {
    auto client = server().client();
    const std::string key = fresh_key("spent");
    const auto first = client.post(
        "/v1/entries", receipt_body("F-KES", "47.00", "2026-04-06", "spent key"), finance_key(key));
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    check_problem(client.post("/v1/entries",
                              entry_body("2026-04-06", "spent key",
                                         {{"1010", "F-KES", "47.00"}, {"4100", "F-KES", "-4.70"}}),
                              finance_key(key)),
                  409, "idempotency_key_reused");
}

// SPEC §7: "a retry with the same key and body returns the first response". A client whose
// 201 was lost retries; meanwhile the month was closed. The entry exists, so the retry
// must be told so (201, replayed), not that it can no longer be written (409).
BOOST_AUTO_TEST_CASE(a_replay_after_the_month_closed_still_returns_the_first_response) {
    auto client = server().client();
    const std::string key = fresh_key("late-retry");
    const std::string body = receipt_body("F-KES", "45.00", "2018-03-10", "before close");
    const auto first = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST_REQUIRE(first.status == 201, first.body);
    const auto closed = client.post("/v1/periods/2018-03/close", "", server().auth("admin"));
    BOOST_TEST_REQUIRE(closed.status == 201, closed.body);
    const auto seq = server().journal_seq();
    const auto replay = client.post("/v1/entries", body, finance_key(key));
    BOOST_TEST(replay.status == 201, replay.body);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(replay.body == first.body);
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_SUITE_END()
