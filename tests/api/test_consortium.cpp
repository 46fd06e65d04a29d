// The consortium registry end to end (SPEC §16, issue 21): three processes on loopback, a
// `riziki hub` and two organisations' `riziki serve`, each on its own throwaway database,
// sharing a consortium key the hub never holds. The same person enrolled at both with another
// phone format or a misspelt name is matched; namesakes born years apart are not; an
// unreachable hub queues the check and it catches up; the hub's database holds no identity.

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/test/unit_test.hpp>

#include <thread>

#include "api/consortium_key.hpp"
#include "api/pii_vault.hpp"
#include "api/registry_encoding.hpp"
#include "db/cluster_process.hpp"
#include "ledger/journal.hpp"
#include "tests/api/registry_setup.hpp"

using namespace riziki::testing;

namespace {

constexpr const char* kToday = "2026-06-15";

/// A hub on a fixed port, so that it can be stopped and started again where members look.
ServeSettings hub_settings(unsigned short port) {
    ServeSettings settings;
    settings.command = "hub";
    settings.listen = "127.0.0.1:" + std::to_string(port);
    return settings;
}

/// One member organisation: its server, with a fund and a cohort.
struct Member {
    ApiServer server;
    HttpClient client = server.client();

    explicit Member(std::vector<std::string> environment)
        : server(with_environment(std::move(environment))) {
        post("field", "/v1/cohorts",
             {{"code", "C-1"},
              {"name", "Cohort"},
              {"county", "Mombasa"},
              {"starts_on", "2026-01-01"}});
    }

    json post(const std::string& role, const std::string& path, const json& body) {
        return post_created(client, path, body, server.auth(role));
    }

    /// Enrols someone: the answer, with its `registry`.
    json enrol(const std::string& name, int birth_year, const std::string& phone = "",
               const std::string& national_id = "", const std::string& on = "2026-06-01") {
        auto body = survivor_body("C-1", on, name, phone, national_id);
        body["birth_year"] = birth_year;
        return post("field", "/v1/survivors", body);
    }

    json survivor(const std::string& code) {
        return body_json(client.get("/v1/survivors/" + code, server.auth("finance")));
    }

    /// riziki hub sync with this member's settings.
    CommandResult sync(const std::vector<std::string>& environment) {
        auto with_key = environment;
        with_key.push_back("RIZIKI_PII_KEY_FILE=" + server.key_file());
        return run_command({RIZIKI_BINARY, "hub", "sync", "--database-url",
                            server.database().owner_conninfo, "--home", server.home()},
                           server.home() + "/sync.log", std::chrono::seconds(60), with_key);
    }
};

struct Consortium {
    unsigned short port = unused_loopback_port();
    ApiServer hub{hub_settings(port)};
    std::string key_directory = hub.home() + "-consortium";
    std::string key_file = consortium_key_file(key_directory);
    std::string token_a = member_add("HAART", "HAART Kenya");
    std::string token_b = member_add("RAHT", "Awareness Against Human Trafficking");
    std::unique_ptr<Member> a;
    std::unique_ptr<Member> b;

    Consortium() {
        a = std::make_unique<Member>(environment(token_a));
        b = std::make_unique<Member>(environment(token_b));
        for (auto* server : {&hub, &a->server, &b->server}) {
            server->keep_out_of_log(token_a);
            server->keep_out_of_log(token_b);
        }
    }

    ~Consortium() {
        std::error_code ignored;
        std::filesystem::remove_all(key_directory, ignored);
    }

    std::vector<std::string> environment(const std::string& token) const {
        return {std::string("RIZIKI_TODAY=") + kToday,
                "RIZIKI_HUB_URL=http://127.0.0.1:" + std::to_string(port),
                "RIZIKI_HUB_TOKEN=" + token,
                "RIZIKI_CONSORTIUM_KEY_FILE=" + key_file,
                "RIZIKI_HUB_TIMEOUT_MS=3000",
                "RIZIKI_HUB_RETRY_S=1"};
    }

    std::string member_add(const std::string& org, const std::string& name) {
        const auto added =
            run_command({RIZIKI_BINARY, "hub", "member", "add", "--org", org, "--name", name,
                         "--database-url", hub.database().owner_conninfo, "--home", hub.home()},
                        hub.home() + "/member.log");
        BOOST_TEST_REQUIRE(added.exit_code == 0, read_file(hub.home() + "/member.log"));
        auto token = added.out;
        while (!token.empty() && token.back() == '\n')
            token.pop_back();
        return token;
    }
};

const json& matches_of(const json& answer) {
    return answer.at("registry").at("matches");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(consortium)

BOOST_AUTO_TEST_CASE(the_same_person_at_two_organisations_is_matched_and_namesakes_are_not) {
    Consortium c;
    // HAART enrols her first: nobody else has her.
    const auto first = c.a->enrol("Wanjiku Mwangi", 1994, "0712 345 678", "12345678");
    BOOST_TEST(first.at("registry") == json::parse(R"({"status":"checked","matches":[]})"));
    const auto achieng = c.a->enrol("Achieng Otieno", 1990, "0722 000 111");

    // RAHT enrols her with her phone written +254… and her names the other way round: the
    // phone token is equal, so the match is exact.
    const auto second = c.b->enrol("Mwangi Wanjiku", 1994, "+254 712 345678");
    BOOST_TEST(second.at("registry").at("status") == "checked");
    BOOST_TEST_REQUIRE(matches_of(second).size() == 1U, second.dump());
    const auto& exact = matches_of(second)[0];
    BOOST_TEST(exact.at("organisation") == "HAART");
    BOOST_TEST(exact.at("organisation_name") == "HAART Kenya");
    BOOST_TEST(exact.at("kind") == "exact");
    BOOST_TEST(exact.at("score") == "1.000");
    BOOST_TEST(exact.at("since") == "2026-06");
    BOOST_TEST(exact.at("support") == "none");

    // A misspelt name, another phone, no id, the same birth year: probable, for people to
    // judge.
    const auto third = c.b->enrol("Wanjiku Mwangie", 1994, "0733 999 000");
    BOOST_TEST_REQUIRE(matches_of(third).size() == 1U, third.dump());
    BOOST_TEST(matches_of(third)[0].at("kind") == "probable");
    BOOST_TEST(matches_of(third)[0].at("organisation") == "HAART");
    BOOST_TEST(std::stod(matches_of(third)[0].at("score").get<std::string>()) >= 0.85);

    // Another Achieng Otieno, born six years later, with her own phone: not her.
    const auto namesake = c.b->enrol("Achieng Otieno", 1996, "0799 123 456");
    BOOST_TEST(namesake.at("registry") == json::parse(R"({"status":"checked","matches":[]})"));

    // HAART learns of the matches found when RAHT enrolled later, under the same match ids.
    const auto sync = c.a->sync(c.environment(c.token_a));
    BOOST_TEST_REQUIRE(sync.exit_code == 0, read_file(c.a->server.home() + "/sync.log"));
    const auto at_a = c.a->survivor(first.at("code").get<std::string>());
    std::set<std::string> ids_at_a;
    for (const auto& m : matches_of(at_a)) {
        BOOST_TEST(m.at("organisation") == "RAHT");
        ids_at_a.insert(m.at("match").get<std::string>());
    }
    BOOST_TEST(ids_at_a ==
               (std::set<std::string>{exact.at("match").get<std::string>(),
                                      matches_of(third)[0].at("match").get<std::string>()}));
    BOOST_TEST(matches_of(c.a->survivor(achieng.at("code").get<std::string>())).empty());
}

BOOST_AUTO_TEST_CASE(an_unreachable_hub_queues_the_check_and_it_catches_up) {
    Consortium c;
    c.a->enrol("Fatuma Ali", 1988, "0711 222 333");
    BOOST_TEST(c.hub.stop() == 0);

    // The hub is down: RAHT's enrolment stands, its check queued.
    const auto queued = c.b->enrol("Fatuma Ali", 1988, "254711222333");
    BOOST_TEST(queued.at("registry") == json::parse(R"({"status":"queued","matches":[]})"));
    const auto code = queued.at("code").get<std::string>();

    // Back up on the same port: RAHT's worker (every second here) sends the queue; the test
    // waits for it, bounded, and asserts on what it finds, not on how long it took.
    c.hub.start();
    json read;
    for (int i = 0; i < 200; ++i) {
        read = c.b->survivor(code);
        if (read.at("registry").at("status") == "checked")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST_REQUIRE(read.at("registry").at("status") == "checked", read.dump());
    BOOST_TEST_REQUIRE(matches_of(read).size() == 1U);
    BOOST_TEST(matches_of(read)[0].at("kind") == "exact");

    // The match holds up an award until finance acknowledges it.
    c.b->post("finance", "/v1/donors", {{"code", "D-1"}, {"name", "Donor"}});
    c.b->post("finance", "/v1/funds",
              {{"code", "F-1"},
               {"donor", "D-1"},
               {"name", "Fund"},
               {"currency", "KES"},
               {"restricted", true},
               {"starts_on", "2026-01-01"},
               {"ends_on", "2026-12-31"},
               {"committed_amount", "1000.00"}});
    auto award = award_body(code, "F-1", "grant", "500.00", "2026-06-02", "Kiosk", 1);
    check_problem(c.b->client.post("/v1/awards", award.dump(), c.b->server.auth("finance")), 409,
                  "registry_match_unacknowledged");
    award["registry_acknowledged"] = json::array({matches_of(read)[0].at("match")});
    BOOST_TEST(c.b->client.post("/v1/awards", award.dump(), c.b->server.auth("finance")).status ==
               201);

    // hub sync sends the survivor's new kind of support; nothing else waits.
    const auto sync = c.b->sync(c.environment(c.token_b));
    BOOST_TEST(sync.exit_code == 0, read_file(c.b->server.home() + "/sync.log"));
    BOOST_TEST(sync.out.find("0 waiting") != std::string::npos, sync.out);
}

BOOST_AUTO_TEST_CASE(the_hubs_database_holds_no_identity_and_its_tokens_need_the_key) {
    Consortium c;
    struct Person {
        std::string name, phone, id;
        int year;
    };
    const std::vector<Person> people{{"Neema Wairimu", "0700 111 222", "23456789", 1991},
                                     {"Halima Abdi", "+254 733 444 555", "34567890", 1985}};
    for (const auto& p : people)
        c.a->enrol(p.name, p.year, p.phone, p.id);
    c.b->enrol("Neema Wairimu", 1991, "0700111222");

    const auto pg_dump = riziki::db::cluster_process::find_bin_dir() / "pg_dump";
    const std::string errors = c.hub.home() + "/pg_dump.stderr";
    const auto dump = run_command(
        {pg_dump.string(), "--no-owner", "-d", c.hub.database().owner_conninfo}, errors);
    BOOST_TEST_REQUIRE(dump.exit_code == 0, read_file(errors));
    BOOST_TEST_REQUIRE(dump.out.find("COPY public.hub_records") != std::string::npos);

    // No name, part of a name, phone (any form) or id of anyone.
    for (const auto& p : people) {
        std::vector<std::string> traces{p.name, p.id, p.phone,
                                        riziki::api::normalise_phone(p.phone)};
        for (const auto& part : riziki::api::normalise_name(p.name)) {
            traces.push_back(part);
            traces.push_back(std::string(1, static_cast<char>(std::toupper(part[0]))) +
                             part.substr(1));
        }
        for (const auto& trace : traces)
            BOOST_TEST(dump.out.find(trace) == std::string::npos, trace);
    }

    // The phone token of the first person is in it: computed with the consortium key, and
    // only with it. Without the key (another key, or a plain SHA-256 of the phone) nothing in
    // the dump matches.
    const auto key = riziki::api::ConsortiumKey::read(c.key_file);
    const auto other = riziki::api::ConsortiumKey::fresh();
    const auto& p = people[0];
    const riziki::api::RegistryIdentity who{p.name, p.phone, p.id, p.year};
    const auto token = riziki::ledger::to_hex(*riziki::api::encode(key, who).phone_token);
    const auto guessed = riziki::ledger::to_hex(*riziki::api::encode(other, who).phone_token);
    BOOST_TEST(dump.out.find(token) != std::string::npos);
    BOOST_TEST(dump.out.find(guessed) == std::string::npos);
    const auto digits = riziki::api::normalise_phone(p.phone);
    unsigned char sha[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(digits.data(), digits.size(), sha, &length, EVP_sha256(), nullptr);
    riziki::ledger::Hash plain{};
    std::copy(sha, sha + 32, plain.begin());
    BOOST_TEST(dump.out.find(riziki::ledger::to_hex(plain)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_erased_survivor_is_withdrawn_from_the_hub) {
    Consortium c;
    const auto code =
        c.a->enrol("Mwanaisha Said", 1987, "0755 100 200").at("code").get<std::string>();
    BOOST_TEST(matches_of(c.b->enrol("Mwanaisha Said", 1987, "0755100200")).size() == 1U);
    const auto erased =
        c.a->client.post("/v1/survivors/" + code + "/erase",
                         json{{"reason", "consent_withdrawn"}}.dump(), c.a->server.auth("admin"));
    BOOST_TEST_REQUIRE(erased.status == 201, erased.body);
    long long withdrawn = 0;
    *c.a->server.owner() << "SELECT count(*) FROM registry_withdrawals", soci::into(withdrawn);
    BOOST_TEST(withdrawn == 1);
    long long held = -1;
    *c.hub.owner() << "SELECT count(*) FROM hub_records r JOIN hub_members m ON m.id = r.member "
                      "WHERE m.org_code = 'HAART'",
        soci::into(held);
    BOOST_TEST(held == 0);
    // Nobody finds her at the hub any more, not even by her name and birth year.
    BOOST_TEST(matches_of(c.b->enrol("Mwanaisha Said", 1987, "0755 999 888")).empty());
}

BOOST_AUTO_TEST_CASE(a_member_cannot_list_the_registry) {
    Consortium c;
    c.a->enrol("Zawadi Njeri", 1993, "0744 555 666");
    HttpClient client(c.port);
    const HeaderList auth{{"Authorization", "Bearer " + c.token_b}};
    for (const char* target : {"/hub/v1/records", "/hub/v1/records?limit=1000", "/hub/v1/check",
                               "/hub/v1/statistics/records", "/hub/v1/matches?all=true"}) {
        const auto answer = client.get(target, auth);
        // No route lists records; matches are only the caller's own (none for RAHT).
        if (answer.status == 200)
            BOOST_TEST(body_json(answer).at("matches").empty(), target << ": " << answer.body);
        else
            BOOST_TEST((answer.status == 404 || answer.status == 405 || answer.status == 400),
                       target << ": " << answer.status);
    }
    BOOST_TEST(client.get("/hub/v1/matches").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
