// The consortium registry on a member's API (SPEC §16, issue 21) without a hub running: an
// enrolment says whether the registry was asked ("off", "queued"), an unreachable hub
// queues the check and never fails the enrolment, an award for a survivor with a match
// needs each match acknowledged (audited), and the kept rows are append-only. The three-
// process tests with a real hub are in tests/hub.

#include <boost/test/unit_test.hpp>

#include "tests/api/registry_setup.hpp"

using namespace riziki::testing;

namespace {

constexpr const char* kToday = "2026-06-15";
const std::string kMatch = "RM-0123456789abcdef";

/// The environment of a member whose hub is at `port`.
std::vector<std::string> member_environment(unsigned short port, const std::string& key_file) {
    return {std::string("RIZIKI_TODAY=") + kToday,
            "RIZIKI_HUB_URL=http://127.0.0.1:" + std::to_string(port),
            "RIZIKI_HUB_TOKEN=rzh_not-a-live-token-not-a-live-token-not-a-l",
            "RIZIKI_CONSORTIUM_KEY_FILE=" + key_file, "RIZIKI_HUB_TIMEOUT_MS=2000"};
}

struct Programme {
    ApiServer& server;
    HttpClient client = server.client();

    explicit Programme(ApiServer& s) : server(s) {
        post("finance", "/v1/donors", {{"code", "D-REG"}, {"name", "Registry donor"}});
        post("finance", "/v1/funds",
             {{"code", "F-REG"},
              {"donor", "D-REG"},
              {"name", "Registry fund"},
              {"currency", "KES"},
              {"restricted", true},
              {"starts_on", "2026-01-01"},
              {"ends_on", "2026-12-31"},
              {"committed_amount", "100000.00"}});
        post("field", "/v1/cohorts",
             {{"code", "C-REG"},
              {"name", "Registry"},
              {"county", "Kilifi"},
              {"starts_on", "2026-01-01"}});
    }

    json post(const std::string& role, const std::string& path, const json& body) {
        return post_created(client, path, body, server.auth(role));
    }

    json enrol(const std::string& name, const std::string& phone = "") {
        return post("field", "/v1/survivors", survivor_body("C-REG", "2026-06-01", name, phone));
    }

    HttpResponse award(const std::string& survivor, const json& acknowledged = nullptr) {
        auto body = award_body(survivor, "F-REG", "grant", "5000.00", "2026-06-02", "Salon", 1);
        if (!acknowledged.is_null())
            body["registry_acknowledged"] = acknowledged;
        return client.post("/v1/awards", body.dump(), server.auth("finance"));
    }

    /// A match the hub answered for `survivor` before, as the member keeps it.
    void keep_match(const std::string& survivor, const std::string& match) {
        *server.owner() << "INSERT INTO registry_matches (survivor, match, organisation, "
                           "organisation_name, since, support, kind, score) VALUES (:s, :m, "
                           "'HAART', 'HAART Kenya', '2025-03', 'loan', 'probable', 0.934)",
            soci::use(survivor), soci::use(match);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(registry_member)

BOOST_AUTO_TEST_CASE(without_a_hub_the_registry_is_off) {
    ApiServer server(with_environment({std::string("RIZIKI_TODAY=") + kToday}));
    Programme p(server);
    const auto enrolled = p.enrol("Wanjiku Mwangi");
    BOOST_TEST(enrolled.at("registry") == json::parse(R"({"status":"off","matches":[]})"));
    const auto read = p.client.get("/v1/survivors/" + enrolled.at("code").get<std::string>(),
                                   server.auth("field"));
    BOOST_TEST(body_json(read).at("registry").at("status") == "off");
    const auto scrape = p.client.get("/metrics", server.auth("admin"));
    BOOST_TEST(scrape.body.find("riziki_registry_waiting") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unreachable_hub_queues_the_check_and_the_enrolment_stands) {
    const auto directory = std::filesystem::temp_directory_path() / "riziki-registry-queue";
    const auto key = consortium_key_file(directory.string());
    const auto port = unused_loopback_port();
    ApiServer server(with_environment(member_environment(port, key)));
    Programme p(server);
    const auto enrolled = p.enrol("Achieng Otieno", "0712 345 678");
    BOOST_TEST(enrolled.at("registry") == json::parse(R"({"status":"queued","matches":[]})"));
    const auto code = enrolled.at("code").get<std::string>();
    const auto read = p.client.get("/v1/survivors/" + code, server.auth("field"));
    BOOST_TEST(body_json(read).at("registry").at("status") == "queued");
    // A replayed enrolment answers the record with the registry's state now.
    auto headers = with(server.auth("field"), "Idempotency-Key", fresh_key("reg"));
    const auto body = survivor_body("C-REG", "2026-06-01", "Amina Hassan").dump();
    const auto first = p.client.post("/v1/survivors", body, headers);
    const auto again = p.client.post("/v1/survivors", body, headers);
    BOOST_TEST(again.status == 201);
    BOOST_TEST(again.header("Idempotent-Replayed") == "true");
    BOOST_TEST(body_json(again).at("registry").at("status") == "queued");
    BOOST_TEST(body_json(first).at("code") == body_json(again).at("code"));
    // Both wait, and the operator's scraper sees it.
    const auto scrape = p.client.get("/metrics", server.auth("admin"));
    BOOST_TEST(scrape.body.find("\nriziki_registry_waiting 2\n") != std::string::npos, scrape.body);

    // hub sync cannot reach it either: exit 1, nothing lost, both still waiting.
    auto environment = member_environment(port, key);
    environment.push_back("RIZIKI_PII_KEY_FILE=" + server.key_file());
    const auto sync =
        run_command({RIZIKI_BINARY, "hub", "sync", "--database-url",
                     server.database().owner_conninfo, "--home", server.home()},
                    server.home() + "/sync.log", std::chrono::seconds(30), environment);
    BOOST_TEST(sync.exit_code == 1, read_file(server.home() + "/sync.log"));
    BOOST_TEST(read_file(server.home() + "/sync.log").find("run it again") != std::string::npos);
    long long sent = -1;
    *server.owner() << "SELECT count(*) FROM registry_sends", soci::into(sent);
    BOOST_TEST(sent == 0);
    BOOST_TEST(server.log().find("rzh_not-a-live-token") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_award_for_a_survivor_with_a_match_needs_it_acknowledged) {
    ApiServer server(with_environment({std::string("RIZIKI_TODAY=") + kToday}));
    Programme p(server);
    const auto code = p.enrol("Fatuma Ali").at("code").get<std::string>();
    p.keep_match(code, kMatch);

    // Not acknowledged: 409 with the open match, as the finance officer must see it.
    const auto refused = p.award(code);
    const auto problem = check_problem(refused, 409, "registry_match_unacknowledged");
    BOOST_TEST_REQUIRE(problem.at("matches").size() == 1U);
    BOOST_TEST(problem.at("matches")[0].at("match") == kMatch);
    BOOST_TEST(problem.at("matches")[0].at("organisation") == "HAART");
    BOOST_TEST(problem.at("matches")[0].at("score") == "0.934");

    // Malformed and unknown ids: 422, nothing made.
    check_validation(p.award(code, json::array({"RM-zz"})),
                     {{"registry_acknowledged[0]", "invalid_match"}});
    check_validation(p.award(code, json::array({"RM-fedcba9876543210"})),
                     {{"registry_acknowledged", "unknown_match"}});
    check_validation(p.award(code, "RM-0123456789abcdef"),
                     {{"registry_acknowledged", "invalid_type"}});
    long long awards = -1;
    *server.owner() << "SELECT count(*) FROM awards", soci::into(awards);
    BOOST_TEST(awards == 0);

    // Acknowledged: made, and the acknowledgement is audited and kept.
    const auto made = p.award(code, json::array({kMatch}));
    BOOST_TEST_REQUIRE(made.status == 201, made.body);
    const auto award = body_json(made).at("id").get<std::string>();
    const auto log = body_json(
        p.client.get("/v1/audit/log?action=registry.acknowledge", server.auth("auditor")));
    BOOST_TEST_REQUIRE(log.at("items").size() == 1U, log.dump());
    BOOST_TEST(log.at("items")[0].at("subject") == code);
    BOOST_TEST(log.at("items")[0].at("detail") == "award=" + award + " match=" + kMatch);
    const auto read = body_json(p.client.get("/v1/survivors/" + code, server.auth("finance")));
    const auto& match = read.at("registry").at("matches").at(0);
    BOOST_TEST(match.at("acknowledged_by").is_string());
    BOOST_TEST(match.at("acknowledged_at").is_string());

    // Once acknowledged, the next award needs nothing more; acknowledging it again is no
    // new line.
    BOOST_TEST(p.award(code).status == 201);
    BOOST_TEST(p.award(code, json::array({kMatch})).status == 201);
    const auto again = body_json(
        p.client.get("/v1/audit/log?action=registry.acknowledge", server.auth("auditor")));
    BOOST_TEST(again.at("items").size() == 1U);

    // The kept rows are append-only, for the schema owner too.
    for (const char* sql : {"UPDATE registry_matches SET kind = 'exact'",
                            "DELETE FROM registry_acknowledgements", "TRUNCATE registry_matches"}) {
        BOOST_CHECK_THROW(*server.owner() << sql, soci::soci_error);
    }
}

BOOST_AUTO_TEST_CASE(acknowledgements_are_kept_with_their_award_or_not_at_all) {
    ApiServer server(with_environment({std::string("RIZIKI_TODAY=") + kToday}));
    Programme p(server);
    const auto code = p.enrol("Neema Wekesa").at("code").get<std::string>();
    const std::string second = "RM-1111111111111111";
    const std::string third = "RM-2222222222222222";
    const auto count = [&](const char* table) {
        long long n = -1;
        *server.owner() << "SELECT count(*) FROM " << table, soci::into(n);
        return n;
    };
    p.keep_match(code, kMatch);

    // The award and its acknowledgement are one request, kept under its Idempotency-Key.
    auto body = award_body(code, "F-REG", "grant", "5000.00", "2026-06-02", "Salon", 1);
    body["registry_acknowledged"] = json::array({kMatch});
    const auto headers = with(server.auth("finance"), "Idempotency-Key", fresh_key("ack"));
    const auto made = p.client.post("/v1/awards", body.dump(), headers);
    BOOST_TEST_REQUIRE(made.status == 201, made.body);

    // Another match arrives. The replay of that request is still the answer kept, not a 409:
    // the key is looked up before the rule.
    p.keep_match(code, second);
    const auto replay = p.client.post("/v1/awards", body.dump(), headers);
    BOOST_TEST(replay.status == 201, replay.body);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(body_json(replay).at("id") == body_json(made).at("id"));

    // A refused award keeps none of its acknowledgements: acknowledging the second match but
    // not the third is 409 naming the third only, and the second is still open after.
    p.keep_match(code, third);
    const auto acknowledged_before = count("registry_acknowledgements");
    const auto audited_before = count("audit_log");
    const auto refused = p.award(code, json::array({second}));
    const auto problem = check_problem(refused, 409, "registry_match_unacknowledged");
    BOOST_TEST_REQUIRE(problem.at("matches").size() == 1U, problem.dump());
    BOOST_TEST(problem.at("matches")[0].at("match") == third);
    BOOST_TEST(count("registry_acknowledgements") == acknowledged_before);
    BOOST_TEST(count("audit_log") == audited_before);
    BOOST_TEST(count("awards") == 1);

    // The database refuses it too, whatever the core was told: a copy of the award made
    // for the same survivor directly in SQL, with two matches open.
    BOOST_CHECK_EXCEPTION(
        *server.owner()
            << "INSERT INTO awards SELECT (jsonb_populate_record(NULL::awards, to_jsonb(a) || "
               "'{\"id\": \"AW-COPY\"}'::jsonb)).* FROM awards a",
        soci::soci_error, [](const soci::soci_error& error) {
            return std::string(error.what()).find("riziki:registry_match_unacknowledged") !=
                   std::string::npos;
        });
    const auto both = p.award(code, json::array({second, third}));
    BOOST_TEST(both.status == 201, both.body);
    BOOST_TEST(count("registry_acknowledgements") == acknowledged_before + 2);
}

BOOST_AUTO_TEST_CASE(half_a_registry_configuration_is_refused_at_start) {
    const auto directory = std::filesystem::temp_directory_path() / "riziki-registry-half";
    std::filesystem::create_directories(directory);
    const auto run = run_command({RIZIKI_BINARY, "serve", "--home", directory.string()},
                                 (directory / "serve.log").string(), std::chrono::seconds(30),
                                 {"RIZIKI_HUB_URL=http://127.0.0.1:9"});
    BOOST_TEST(run.exit_code == 2);
    BOOST_TEST(read_file((directory / "serve.log").string()).find("RIZIKI_HUB_TOKEN") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
