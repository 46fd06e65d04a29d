// `riziki hub` end to end: members made and removed by the real CLI on a throwaway
// PostgreSQL database of the hub's schema, and the hub's handler served in process on
// loopback (so the rate limiter's clock can be moved by hand), spoken to over HTTP.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "api/consortium_key.hpp"
#include "api/hub_handlers.hpp"
#include "api/problem.hpp"
#include "api/registry_encoding.hpp"
#include "api/registry_member.hpp"
#include "db/hub_store.hpp"
#include "db/pool.hpp"
#include "reports/consortium_statistics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/test_database.hpp"

using nlohmann::json;
using namespace riziki;
using testing::HttpClient;
using testing::HttpResponse;

namespace {

const api::ConsortiumKey& shared_key() {
    static const api::ConsortiumKey key = api::ConsortiumKey::fresh();
    return key;
}

/// A record as a member's Riziki would send it.
json record(const std::string& ref, const api::RegistryIdentity& who,
            const std::string& month = "2026-03", const std::string& support = "grant") {
    return api::check_record_json(api::encode(shared_key(), who), ref, month, support);
}

json records(std::initializer_list<json> items) {
    json list = json::array();
    for (const auto& item : items)
        list.push_back(item);
    return {{"records", list}};
}

/// `riziki hub ...` on the test's database; its stdout, and the exit status.
testing::ShellResult hub_cli(const testing::TestDatabase& database, const std::string& args) {
    return testing::shell("RIZIKI_DATABASE_URL=" + testing::shell_quoted(database.owner_conninfo) +
                              " RIZIKI_LOG_LEVEL=warn " RIZIKI_BINARY " hub " + args,
                          false);
}

struct HubFixture {
    testing::TestDatabase database =
        testing::TestCluster::instance().fresh_database(db::MigrationSet::hub);
    std::shared_ptr<std::atomic<long long>> seconds = std::make_shared<std::atomic<long long>>(0);
    std::unique_ptr<db::Pool> pool;
    std::unique_ptr<db::HubStore> store;
    std::unique_ptr<api::HttpServer> server;
    std::string haart;
    std::string awareness;

    explicit HubFixture(int burst = 120000, int per_minute = 100) {
        haart = add_member("HAART", "HAART Kenya");
        awareness = add_member("AWARENESS", "Awareness Against Human Trafficking");
        start(burst, per_minute);
    }
    ~HubFixture() { stop(); }

    std::string add_member(const std::string& org, const std::string& name) {
        const auto added =
            hub_cli(database, "member add --org " + org + " --name " + testing::shell_quoted(name));
        BOOST_TEST_REQUIRE(added.status == 0);
        return added.output.substr(0, added.output.find('\n'));
    }

    void start(int burst, int per_minute) {
        pool = std::make_unique<db::Pool>(database.app_conninfo, 4);
        store = std::make_unique<db::HubStore>(*pool);
        api::HubOptions options;
        options.records_burst = burst;
        options.records_per_minute = per_minute;
        const auto base = std::chrono::steady_clock::now();
        options.clock = [base, seconds = seconds] {
            return base + std::chrono::seconds(seconds->load());
        };
        api::ServerOptions server_options;
        server_options.port = 0;
        server_options.io_threads = 1;
        server_options.handler_threads = 4;
        server = std::make_unique<api::HttpServer>(
            server_options, api::make_hub_handler(*store, options),
            [](api::http::status status, const std::string& code, const std::string& detail,
               const api::RequestContext& context) {
                return api::problem(status, code, detail, context);
            });
        server->start();
    }

    void stop() {
        if (server) {
            server->stop();
            server->wait();
            server.reset();
        }
    }

    HttpClient client() const { return HttpClient(server->port()); }

    static testing::HeaderList bearer(const std::string& token) {
        return {{"Authorization", "Bearer " + token}};
    }

    HttpResponse check(const std::string& token, const json& body) const {
        return client().post("/hub/v1/check", body.dump(), bearer(token));
    }

    json matches(const std::string& token) const {
        const auto response = client().get("/hub/v1/matches", bearer(token));
        BOOST_TEST_REQUIRE(response.status == 200);
        return json::parse(response.body).at("matches");
    }

    long long count(const std::string& sql_text) const {
        soci::session sql(*soci::factory_postgresql(), database.owner_conninfo);
        long long n = 0;
        sql << sql_text, soci::into(n);
        return n;
    }
};

const api::RegistryIdentity kWanjiku{"Wanjiku Mwangi", "0712 345 678", "12345678", 1990};
const api::RegistryIdentity kWanjikuElsewhere{"Wanjiku Mwangy", "+254712345678", "", 1990};

json results_of(const HttpResponse& response) {
    BOOST_TEST_REQUIRE(response.status == 200);
    return json::parse(response.body).at("results");
}

std::string first_error_code(const HttpResponse& response) {
    const auto body = json::parse(response.body);
    return body.at("errors").at(0).at("code").get<std::string>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hub_members)

BOOST_AUTO_TEST_CASE(member_add_prints_a_token_once_and_keeps_only_its_digest) {
    HubFixture hub;
    BOOST_TEST(hub.haart.size() == 47u);
    BOOST_TEST(hub.haart.starts_with("rzh_"));
    BOOST_TEST(api::hub_token_shaped(hub.haart));
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_members WHERE length(token_sha256) = 32") == 2);
    // A taken code, a malformed one, no name: exit 2, nothing added.
    BOOST_TEST(hub_cli(hub.database, "member add --org HAART --name Again").status == 2);
    BOOST_TEST(hub_cli(hub.database, "member add --org 'no spaces' --name X").status == 2);
    BOOST_TEST(hub_cli(hub.database, "member add --org OTHER").status == 2);
    BOOST_TEST(hub_cli(hub.database, "member remove --org NOBODY").status == 2);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_members") == 2);
}

BOOST_AUTO_TEST_CASE(a_request_without_a_live_member_token_is_401) {
    HubFixture hub;
    auto client = hub.client();
    for (const auto& headers :
         {testing::HeaderList{}, HubFixture::bearer("rzh_" + std::string(43, 'A')),
          HubFixture::bearer("rzk_" + std::string(64, 'a')),
          testing::HeaderList{{"Authorization", "Basic " + hub.haart}}}) {
        const auto response = client.get("/hub/v1/matches", headers);
        BOOST_TEST(response.status == 401);
        BOOST_TEST(json::parse(response.body).at("code") == "unauthenticated");
    }
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'unauthenticated' AND "
                         "member IS NULL") == 4);
}

BOOST_AUTO_TEST_CASE(a_removed_member_is_refused_at_once_and_its_rows_are_gone) {
    HubFixture hub;
    results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    const auto found =
        results_of(hub.check(hub.awareness, records({record("a1", kWanjikuElsewhere)})));
    BOOST_TEST(found[0]["matches"].size() == 1u);
    BOOST_TEST(hub.check(hub.awareness, records({record("a2", kWanjiku)})).status == 200);
    const auto removed = hub_cli(hub.database, "member remove --org AWARENESS");
    BOOST_TEST(removed.status == 0);
    BOOST_TEST(hub.check(hub.awareness, records({record("a3", kWanjiku)})).status == 401);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records r JOIN hub_members m ON m.id = "
                         "r.member WHERE m.org_code = 'AWARENESS'") == 0);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_matches") == 0);
    BOOST_TEST(hub.matches(hub.haart).empty());
    // The hub still held the removed member's records in memory: HAART's next check is
    // answered without them.
    const auto again = results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    BOOST_TEST(again[0]["matches"].empty());
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'member_remove' AND "
                         "records = 2") == 1);
    // The code is not given again.
    BOOST_TEST(hub_cli(hub.database, "member add --org AWARENESS --name Back").status == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hub_check)

BOOST_AUTO_TEST_CASE(a_survivor_at_two_members_is_matched_both_ways_with_one_match_id) {
    HubFixture hub;
    auto first =
        results_of(hub.check(hub.haart, records({record("h1", kWanjiku, "2025-03", "loan")})));
    BOOST_TEST(first[0]["ref"] == "h1");
    BOOST_TEST(first[0]["matches"].empty());
    const auto second = results_of(hub.check(
        hub.awareness, records({record("a1", kWanjikuElsewhere), record("a2", kWanjiku)})));
    BOOST_TEST_REQUIRE(second.size() == 2u);
    BOOST_TEST(second[0]["ref"] == "a1");
    const auto& match = second[0]["matches"].at(0);
    BOOST_TEST(match["organisation"] == "HAART");
    BOOST_TEST(match["organisation_name"] == "HAART Kenya");
    BOOST_TEST(match["since"] == "2025-03");
    BOOST_TEST(match["support"] == "loan");
    BOOST_TEST(match["kind"] == "exact");
    BOOST_TEST(match["score"] == "1.000");
    BOOST_TEST(match["match"].get<std::string>().size() == 19u);
    BOOST_TEST(match["match"].get<std::string>().starts_with("RM-"));
    // HAART learns of it later, with the same id; it never sees AWARENESS's refs.
    const auto seen = hub.matches(hub.haart);
    BOOST_TEST_REQUIRE(seen.size() == 2u);
    BOOST_TEST(seen[0]["ref"] == "h1");
    BOOST_TEST(seen[0]["organisation"] == "AWARENESS");
    BOOST_TEST(seen[0]["since"] == "2026-03");
    BOOST_TEST(seen[0]["support"] == "grant");
    const bool same_id = seen[0]["match"] == match["match"] || seen[1]["match"] == match["match"];
    BOOST_TEST(same_id);
    BOOST_TEST(hub.matches(hub.awareness).size() == 2u);
    // A check again keeps the match's id.
    const auto third =
        results_of(hub.check(hub.awareness, records({record("a1", kWanjikuElsewhere)})));
    BOOST_TEST(third[0]["matches"].at(0)["match"] == match["match"]);
}

BOOST_AUTO_TEST_CASE(a_near_name_a_year_apart_is_probable_and_a_namesake_years_apart_is_not) {
    HubFixture hub;
    results_of(
        hub.check(hub.haart, records({record("h1", {"Achieng Mary Otieno", "", "", 1990})})));
    const auto found = results_of(
        hub.check(hub.awareness, records({record("a1", {"Mary Achieng Otieno", "", "", 1991}),
                                          record("a2", {"Mary Achieng Otieno", "", "", 1996})})));
    BOOST_TEST_REQUIRE(found[0]["matches"].size() == 1u);
    BOOST_TEST(found[0]["matches"][0]["kind"] == "probable");
    BOOST_TEST(found[0]["matches"][0]["score"].get<std::string>() >= "0.900");
    BOOST_TEST(found[0]["matches"][0]["score"].get<std::string>() < "1.000");
    BOOST_TEST(found[1]["matches"].empty());
}

BOOST_AUTO_TEST_CASE(different_ids_veto_a_name_match) {
    HubFixture hub;
    results_of(
        hub.check(hub.haart, records({record("h1", {"Grace Njeri", "", "11111111", 1990})})));
    const auto found = results_of(
        hub.check(hub.awareness, records({record("a1", {"Grace Njeri", "", "22222222", 1990}),
                                          record("a2", {"Grace Njeri", "", "", 1990})})));
    BOOST_TEST(found[0]["matches"].empty());
    BOOST_TEST(found[1]["matches"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_record_sent_again_under_its_ref_replaces_the_old_and_its_matches) {
    HubFixture hub;
    results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    results_of(hub.check(hub.awareness, records({record("a1", kWanjikuElsewhere)})));
    BOOST_TEST(hub.matches(hub.haart).size() == 1u);
    const auto replaced = results_of(hub.check(
        hub.awareness, records({record("a1", {"Someone Else", "0799000000", "", 1970})})));
    BOOST_TEST(replaced[0]["matches"].empty());
    BOOST_TEST(hub.matches(hub.haart).empty());
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records") == 2);
}

BOOST_AUTO_TEST_CASE(delete_withdraws_a_record_and_its_matches) {
    HubFixture hub;
    results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    results_of(hub.check(hub.awareness, records({record("a1", kWanjikuElsewhere)})));
    auto client = hub.client();
    auto response =
        client.request("DELETE", "/hub/v1/records/a1", HubFixture::bearer(hub.awareness));
    BOOST_TEST(response.status == 204);
    BOOST_TEST(hub.matches(hub.haart).empty());
    response = client.request("DELETE", "/hub/v1/records/a1", HubFixture::bearer(hub.awareness));
    BOOST_TEST(response.status == 404);
    BOOST_TEST(json::parse(response.body).at("code") == "record_not_found");
    // Another member's ref is not the caller's to delete.
    response = client.request("DELETE", "/hub/v1/records/h1", HubFixture::bearer(hub.awareness));
    BOOST_TEST(response.status == 404);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records") == 1);
    // And a new check no longer finds it.
    const auto found = results_of(hub.check(hub.haart, records({record("h2", kWanjikuElsewhere)})));
    BOOST_TEST(found[0]["matches"].empty());
}

BOOST_AUTO_TEST_CASE(nothing_lists_or_pages_through_records) {
    HubFixture hub;
    auto client = hub.client();
    const auto headers = HubFixture::bearer(hub.haart);
    BOOST_TEST(client.get("/hub/v1/records", headers).status == 404);
    BOOST_TEST(client.get("/hub/v1/records/h1", headers).status == 405);
    BOOST_TEST(client.get("/hub/v1/check", headers).status == 405);
    BOOST_TEST(client.get("/hub/v1/statistics/records", headers).status == 404);
    BOOST_TEST(client.get("/v1/survivors", headers).status == 404);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hub_rejections)

BOOST_AUTO_TEST_CASE(every_malformed_check_is_refused_and_registers_nothing) {
    HubFixture hub;
    auto client = hub.client();
    const auto headers = HubFixture::bearer(hub.haart);
    auto response = client.post("/hub/v1/check", "{\"records\": [", headers);
    BOOST_TEST(response.status == 400);
    BOOST_TEST(json::parse(response.body).at("code") == "malformed_json");

    const auto good = record("h1", kWanjiku);
    const auto refused = [&](json body, const std::string& code) {
        const auto answer = hub.check(hub.haart, body);
        BOOST_TEST_CONTEXT(body.dump().substr(0, 120)) {
            BOOST_TEST(answer.status == 422);
            BOOST_TEST(json::parse(answer.body).at("code") == "validation_failed");
            BOOST_TEST(first_error_code(answer) == code);
        }
    };
    refused({{"records", json::array({good})}, {"extra", 1}}, "unknown_field");
    refused({{"records", json::array()}}, "invalid_length");
    json many = json::array();
    for (int i = 0; i < 501; ++i)
        many.push_back(record("r" + std::to_string(i), kWanjiku));
    refused({{"records", many}}, "invalid_length");
    auto changed = good;
    changed["wrong"] = true;
    refused(records({changed}), "unknown_field");
    changed = good;
    changed["id_token"] = "ABC";
    refused(records({changed}), "invalid_token");
    changed = good;
    changed["phone_token"] = std::string(64, 'A');  // upper case is not the form
    refused(records({changed}), "invalid_token");
    changed = good;
    changed["year_tokens"] = json::array({good["year_tokens"][0]});
    refused(records({changed}), "invalid_year_tokens");
    changed = good;
    changed["clk"] = "AAAA";
    refused(records({changed}), "invalid_clk");
    changed = good;
    changed["month"] = "2026-13";
    refused(records({changed}), "invalid_month");
    changed = good;
    changed["support"] = "cash";
    refused(records({changed}), "invalid_choice");
    changed = good;
    changed["ref"] = "has space";
    refused(records({changed}), "invalid_ref");
    // A good record beside a bad one: nothing registered.
    changed = record("h2", kWanjiku);
    changed["clk"] = nullptr;
    refused(records({good, changed}), "required");
    refused(records({good, record("h1", kWanjikuElsewhere)}), "duplicate_ref");
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records") == 0);

    // Larger than the body limit.
    const std::string huge = "{\"records\": [\"" + std::string(2 << 20, 'x') + "\"]}";
    BOOST_TEST(client.post("/hub/v1/check", huge, headers).status == 413);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'refused'") >= 14);
}

BOOST_AUTO_TEST_CASE(a_member_over_its_records_is_answered_429_until_the_bucket_refills) {
    HubFixture hub(3, 60);  // three records at once, one a second after
    BOOST_TEST(
        hub.check(hub.haart, records({record("h1", kWanjiku), record("h2", kWanjiku)})).status ==
        200);
    const auto refused =
        hub.check(hub.haart, records({record("h3", kWanjiku), record("h4", kWanjiku)}));
    BOOST_TEST(refused.status == 429);
    BOOST_TEST(json::parse(refused.body).at("code") == "rate_limited");
    BOOST_TEST(refused.header("Retry-After") == "1");
    // Another member has its own bucket.
    BOOST_TEST(hub.check(hub.awareness, records({record("a1", kWanjiku)})).status == 200);
    *hub.seconds += 1;
    BOOST_TEST(
        hub.check(hub.haart, records({record("h3", kWanjiku), record("h4", kWanjiku)})).status ==
        200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records") == 5);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'rate_limited'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hub_activity_and_audit)

BOOST_AUTO_TEST_CASE(activity_replaces_the_month_and_refuses_unknown_refs) {
    HubFixture hub;
    results_of(
        hub.check(hub.haart, records({record("h1", kWanjiku), record("h2", kWanjikuElsewhere)})));
    auto client = hub.client();
    const auto headers = HubFixture::bearer(hub.haart);
    const auto put = [&](const std::string& month, const json& body) {
        return client.request(
            "PUT", "/hub/v1/activity/" + month,
            {{"Authorization", "Bearer " + hub.haart}, {"Content-Type", "application/json"}},
            body.dump());
    };
    auto response =
        put("2026-03",
            {{"records",
              {{{"ref", "h1"}, {"support", "grant"}}, {{"ref", "h2"}, {"support", "loan"}}}}});
    BOOST_TEST(response.status == 200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_activity") == 2);
    response = put("2026-03", {{"records", {{{"ref", "h2"}, {"support", "loan"}}}}});
    BOOST_TEST(response.status == 200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_activity") == 1);
    response = put("2026-03", {{"records", {{{"ref", "nope"}, {"support", "loan"}}}}});
    BOOST_TEST(response.status == 422);
    BOOST_TEST(first_error_code(response) == "unknown_ref");
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_activity") == 1);
    response = put("2026-13", {{"records", json::array()}});
    BOOST_TEST(response.status == 422);
    BOOST_TEST(first_error_code(response) == "invalid_month");
    response = put("2026-03", {{"records", json::array()}});
    BOOST_TEST(response.status == 200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_activity") == 0);
    BOOST_TEST(client.get("/hub/v1/activity/2026-03", headers).status == 405);
}

BOOST_AUTO_TEST_CASE(every_request_is_audited_and_the_audit_log_cannot_be_changed) {
    HubFixture hub;
    results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    results_of(hub.check(hub.awareness, records({record("a1", kWanjikuElsewhere)})));
    hub.matches(hub.haart);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'check' AND records = 1 "
                         "AND length(request_id) = 16") == 2);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'check' AND matches = 1") ==
               1);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'matches'") == 1);
    soci::session sql(*soci::factory_postgresql(), hub.database.owner_conninfo);
    BOOST_CHECK_THROW(sql << "UPDATE hub_audit SET records = 0", soci::soci_error);
    BOOST_CHECK_THROW(sql << "DELETE FROM hub_audit", soci::soci_error);
    BOOST_CHECK_THROW(sql << "TRUNCATE hub_audit", soci::soci_error);
    // The app role may not touch members either.
    soci::session app(*soci::factory_postgresql(), hub.database.app_conninfo);
    BOOST_CHECK_THROW(app << "UPDATE hub_members SET removed_at = now()", soci::soci_error);
    BOOST_CHECK_THROW(app << "INSERT INTO hub_records (member, ref, year_token, clk, month, "
                             "support) VALUES (1, 'x', '\\x00', '\\x00', '2026-01-01', 'none')",
                      soci::soci_error);
}

BOOST_AUTO_TEST_CASE(the_schema_refuses_what_the_handlers_refuse) {
    HubFixture hub;
    soci::session sql(*soci::factory_postgresql(), hub.database.owner_conninfo);
    const std::string valid =
        "(1, 'ok', NULL, NULL, NULL, decode(repeat('ab', 32), 'hex'), "
        "decode(repeat('00', 128), 'hex'), '2026-01-01', 'none')";
    const std::string insert =
        "INSERT INTO hub_records (member, ref, id_token, phone_token, "
        "name_token, year_token, clk, month, support) VALUES ";
    sql << insert + valid;
    for (const std::string bad : {"(1, 'a b', NULL, NULL, NULL, decode(repeat('ab', 32), 'hex'), "
                                  "decode(repeat('00', 128), 'hex'), '2026-01-01', 'none')",
                                  "(1, 'x1', '\\x00', NULL, NULL, decode(repeat('ab', 32), 'hex'), "
                                  "decode(repeat('00', 128), 'hex'), '2026-01-01', 'none')",
                                  "(1, 'x2', NULL, NULL, NULL, decode(repeat('ab', 31), 'hex'), "
                                  "decode(repeat('00', 128), 'hex'), '2026-01-01', 'none')",
                                  "(1, 'x3', NULL, NULL, NULL, decode(repeat('ab', 32), 'hex'), "
                                  "decode(repeat('00', 127), 'hex'), '2026-01-01', 'none')",
                                  "(1, 'x4', NULL, NULL, NULL, decode(repeat('ab', 32), 'hex'), "
                                  "decode(repeat('00', 128), 'hex'), '2026-01-02', 'none')",
                                  "(1, 'x5', NULL, NULL, NULL, decode(repeat('ab', 32), 'hex'), "
                                  "decode(repeat('00', 128), 'hex'), '2026-01-01', 'cash')"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_CHECK_THROW(sql << insert + bad, soci::soci_error);
        }
    }
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hub_statistics)

namespace {

constexpr const char* kGivenNames[] = {"Achieng", "Wanjiru", "Njeri",   "Akinyi",
                                       "Chebet",  "Moraa",   "Nyokabi", "Atieno"};

/// Eight people enrolled at both members (the same phone, spelt apart), one more at
/// AWARENESS, every one given a grant in March 2026 by each member that enrolled them.
void supported_at_both(HubFixture& hub) {
    json haart = json::array(), awareness = json::array();
    json haart_activity = json::array(), awareness_activity = json::array();
    for (int i = 0; i < 8; ++i) {
        const std::string phone = "07123456" + std::to_string(10 + i);
        const std::string h = "h" + std::to_string(i), a = "a" + std::to_string(i);
        haart.push_back(record(h, {std::string(kGivenNames[i]) + " Otieno", phone, "", 1990}));
        awareness.push_back(record(a, {std::string(kGivenNames[i]) + " Kamau", phone, "", 1984}));
        haart_activity.push_back({{"ref", h}, {"support", "grant"}});
        awareness_activity.push_back({{"ref", a}, {"support", "grant"}});
    }
    awareness.push_back(record("a8", {"Grace Njoki", "0799000001", "", 1979}));
    awareness_activity.push_back({{"ref", "a8"}, {"support", "grant"}});
    results_of(hub.check(hub.haart, {{"records", haart}}));
    results_of(hub.check(hub.awareness, {{"records", awareness}}));
    auto client = hub.client();
    for (const auto& [token, rows] :
         {std::pair{hub.haart, haart_activity}, std::pair{hub.awareness, awareness_activity}}) {
        const auto put = client.request(
            "PUT", "/hub/v1/activity/2026-03",
            {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
            json{{"records", rows}}.dump());
        BOOST_TEST_REQUIRE(put.status == 200);
    }
}

HttpResponse statistics(const HubFixture& hub, const std::string& query, const std::string& token) {
    return hub.client().get("/hub/v1/statistics" + query, HubFixture::bearer(token));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_person_at_two_members_is_reached_once_and_reported_twice) {
    HubFixture hub(20, 60);  // 17 records sent: statistics must not take from the bucket
    supported_at_both(hub);
    const auto response = statistics(hub, "?from=2026-02&to=2026-03", hub.haart);
    BOOST_TEST_REQUIRE(response.status == 200);
    BOOST_TEST(response.header("Content-Type") == "application/json");
    const auto body = json::parse(response.body);
    BOOST_TEST(body.at("from") == "2026-02");
    BOOST_TEST(body.at("to") == "2026-03");
    BOOST_TEST(body.at("note").get<std::string>().starts_with(reports::kPerturbationNote));
    const auto& months = body.at("months");
    BOOST_TEST_REQUIRE(months.size() == 6u);
    // February had nobody, March no loan: shown as "<5", like any count under 5.
    for (const std::size_t i : {0, 1, 2, 5}) {
        BOOST_TEST(months[i].at("reach") == "<5");
        BOOST_TEST(months[i].at("reported_separately") == "<5");
    }
    BOOST_TEST(months[3].at("month") == "2026-03");
    BOOST_TEST(months[3].at("support") == "all");
    BOOST_TEST(months[4].at("support") == "grant");
    // 9 people, 17 records: the reach is 9 perturbed (7 to 11), the members' own counts 17
    // perturbed (15 to 19), exactly what the cell key method gives on the stored keys.
    const auto rows = hub.store->activity_between("2026-03", "2026-03");
    BOOST_TEST(rows.size() == 17u);
    const auto truth = reports::count_consortium_statistics("2026-03", "2026-03", rows);
    BOOST_TEST(truth.cells[0].reach.value == 9);
    BOOST_TEST(truth.cells[0].reported_separately.value == 17);
    const auto published = reports::build_consortium_statistics("2026-03", "2026-03", rows);
    for (const std::size_t i : {0, 1}) {
        const auto reach = months[3 + i].at("reach").get<long>();
        const auto separately = months[3 + i].at("reported_separately").get<long>();
        BOOST_TEST(reach == published.cells[i].reach.value);
        BOOST_TEST(separately == published.cells[i].reported_separately.value);
        BOOST_TEST((reach >= 7 && reach <= 11));
        BOOST_TEST((separately >= 15 && separately <= 19));
    }
    // The same people, asked again or by the other member: the same bytes.
    BOOST_TEST(statistics(hub, "?from=2026-02&to=2026-03", hub.awareness).body == response.body);
    // Not counted against the records bucket: the three records left still go.
    BOOST_TEST(hub.check(hub.haart, records({record("x1", kWanjiku), record("x2", kWanjiku),
                                             record("x3", kWanjiku)}))
                   .status == 200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'statistics' AND "
                         "records = 17") == 2);
}

BOOST_AUTO_TEST_CASE(a_record_keeps_its_key_when_replaced_by_its_ref) {
    HubFixture hub;
    results_of(hub.check(hub.haart, records({record("h1", kWanjiku)})));
    const auto key = hub.count("SELECT record_key FROM hub_records WHERE ref = 'h1'");
    results_of(hub.check(hub.haart, records({record("h1", kWanjikuElsewhere)})));
    BOOST_TEST(hub.count("SELECT record_key FROM hub_records WHERE ref = 'h1'") == key);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_records WHERE record_key NOT BETWEEN 0 AND "
                         "65535") == 0);
}

BOOST_AUTO_TEST_CASE(csv_and_html_carry_the_note) {
    HubFixture hub;
    supported_at_both(hub);
    const auto csv = statistics(hub, "?from=2026-03&to=2026-03&format=csv", hub.haart);
    BOOST_TEST_REQUIRE(csv.status == 200);
    BOOST_TEST(csv.header("Content-Type") == "text/csv; charset=utf-8");
    BOOST_TEST(csv.body.starts_with("month,support,reach,reported_separately\r\n2026-03,all,"));
    BOOST_TEST(csv.body.find("2026-03,loan,<5,<5\r\n") != std::string::npos);
    BOOST_TEST(csv.body.find(reports::kPerturbationNote) != std::string::npos);
    const auto html = statistics(hub, "?from=2026-03&to=2026-03&format=html", hub.haart);
    BOOST_TEST_REQUIRE(html.status == 200);
    BOOST_TEST(html.header("Content-Type") == "text/html; charset=utf-8");
    BOOST_TEST(html.body.find(reports::kPerturbationNote) != std::string::npos);
    BOOST_TEST(html.body.find("<td>&lt;5</td>") != std::string::npos);
    BOOST_TEST(html.body.find("src=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_ranges_are_refused_and_no_token_is_401) {
    HubFixture hub;
    for (const std::string query :
         {"", "?from=2026-03", "?to=2026-03", "?from=2026-13&to=2026-12", "?from=2026-3&to=2026-04",
          "?from=2026-04&to=2026-03", "?from=2023-01&to=2026-01", "?from=2026-03&to=2026-03-01",
          "?from=2026-01&to=2026-03&format=pdf", "?from=%ff&to=2026-03"}) {
        const auto response = statistics(hub, query, hub.haart);
        BOOST_TEST_CONTEXT(query) {
            BOOST_TEST(response.status == 400);
            BOOST_TEST(json::parse(response.body).at("code") == "invalid_query");
        }
    }
    // 36 months is the most; 37 is refused above.
    BOOST_TEST(statistics(hub, "?from=2023-01&to=2025-12", hub.haart).status == 200);
    BOOST_TEST(hub.count("SELECT count(*) FROM hub_audit WHERE action = 'refused'") == 10);
    const auto response = hub.client().get("/hub/v1/statistics?from=2026-03&to=2026-03");
    BOOST_TEST(response.status == 401);
    BOOST_TEST(
        hub.client().request("POST", "/hub/v1/statistics", HubFixture::bearer(hub.haart)).status ==
        405);
}

BOOST_AUTO_TEST_SUITE_END()
