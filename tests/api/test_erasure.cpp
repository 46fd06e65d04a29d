// Erasing a survivor's identity (issue 17 item 4; docs/privacy.md "Erasing a survivor's
// identity"), end to end over HTTP and through `riziki survivor erase`: the vault row and
// blind indexes go, the pseudonymous record, the award and the outcome stay; reading the
// identity afterwards is 410 pii_erased; the audit log says who, why and which pseudonym and
// nothing of the person; a database dump afterwards holds no trace of them. Each case enrols
// its own person (distinct phone and national id), so that it runs alone or after the others.

#include <boost/test/unit_test.hpp>

#include "db/cluster_process.hpp"
#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

/// A person's identity as enrolled, and every form of it that must not be found once it is
/// erased: the name and its parts, the phone as written, without spaces and in its
/// normalised forms, the national id as written and normalised.
struct Identity {
    std::string name, phone, national_id;
    std::vector<std::string> traces;
};

/// "Zawadi <family>", the Kenyan mobile 0<nine digits>, national id "ZK-<id digits>".
Identity person(const std::string& family, const std::string& nine_digits,
                const std::string& id_digits) {
    const auto& d = nine_digits;
    Identity who{"Zawadi " + family,
                 "0" + d.substr(0, 3) + " " + d.substr(3, 3) + " " + d.substr(6),
                 "ZK-" + id_digits,
                 {}};
    who.traces = {who.name, family,     who.phone,       "0" + d,         "254" + d,
                  d,        "+254" + d, who.national_id, "ZK" + id_digits};
    return who;
}

ApiServer& server() {
    return SharedServer::get();
}

json enrolment(const std::string& cohort, const Identity& who) {
    return {
        {"cohort", cohort},
        {"gender", "female"},
        {"birth_year", 1996},
        {"county", "Kilifi"},
        {"enrolled_on", "2026-02-01"},
        {"consent", {{"donor_reporting", true}, {"follow_up", true}}},
        {"pii", {{"full_name", who.name}, {"phone", who.phone}, {"national_id", who.national_id}}}};
}

std::string erase_target(const std::string& survivor) {
    return "/v1/survivors/" + survivor + "/erase";
}

std::string reason_body(const std::string& reason) {
    return json{{"reason", reason}}.dump();
}

/// The survivor a case erases, with the award and outcome that must outlive the erasure.
struct Enrolled {
    std::string code;
    std::string award;
    std::string enrolment_key;  ///< the Idempotency-Key the enrolment was sent under
};

class Erasures {
  public:
    Erasures() : client_(server().client()) {
        cohort_ = fresh_key("C-ERASE");
        const json cohort{{"code", cohort_},
                          {"name", "Erasure cohort"},
                          {"county", "Kilifi"},
                          {"starts_on", "2026-01-01"}};
        require(client_.post("/v1/cohorts", cohort.dump(), server().auth("field")), 201);
    }

    HttpResponse post(const std::string& role, const std::string& target, const std::string& body,
                      const std::string& key = "") {
        auto headers = server().auth(role);
        if (!key.empty())
            headers.emplace_back("Idempotency-Key", key);
        return client_.post(target, body, headers);
    }
    HttpResponse get(const std::string& role, const std::string& target) {
        return client_.get(target, server().auth(role));
    }
    static json require(const HttpResponse& response, int status) {
        BOOST_TEST_REQUIRE(response.status == status, response.body);
        return body_json(response);
    }

    /// Enrols `who` (under an Idempotency-Key) with a grant from F-KES and an outcome.
    Enrolled enrol(const Identity& who) {
        Enrolled e;
        e.enrolment_key = fresh_key("enrol-erased");
        e.code =
            require(post("field", "/v1/survivors", enrolment(cohort_, who).dump(), e.enrolment_key),
                    201)
                .at("code");
        const json award{{"survivor", e.code},
                         {"fund", "F-KES"},
                         {"kind", "grant"},
                         {"amount", "2500.00"},
                         {"approved_on", "2026-02-10"},
                         {"purpose", "Stock for a food kiosk"},
                         {"business_sector", "food"}};
        e.award = require(post("finance", "/v1/awards", award.dump()), 201).at("id");
        const json outcome{{"survivor", e.code},
                           {"observed_on", "2026-05-01"},
                           {"business_status", "operating"},
                           {"monthly_revenue", "9000.00"},
                           {"monthly_profit", "2100.00"},
                           {"household_income", "7000.00"},
                           {"savings", "300.00"},
                           {"jobs", 1}};
        require(post("field", "/v1/outcomes", outcome.dump()), 201);
        return e;
    }

    /// Every audit line whose action is `action` (as auditor), each as its JSON.
    json audit_lines(const std::string& action) {
        const auto body = require(get("auditor", "/v1/audit/log?limit=1000&action=" + action), 200);
        BOOST_TEST_REQUIRE(body.at("next").is_null());
        return body.at("items");
    }

    const std::string& cohort() const { return cohort_; }

  private:
    HttpClient client_;
    std::string cohort_;
};

/// The rows each of `statements` (one text column, :c the survivor) selects, as the owner.
std::vector<std::string> owner_texts(const std::string& survivor,
                                     const std::vector<std::string>& statements) {
    auto owner = server().owner();
    std::vector<std::string> out;
    for (const auto& statement : statements) {
        soci::rowset<std::string> rows = (owner->prepare << statement, soci::use(survivor));
        out.insert(out.end(), rows.begin(), rows.end());
    }
    return out;
}

long long outcomes_of(const std::string& survivor) {
    long long n = -1;
    *server().owner() << "SELECT count(*) FROM outcomes WHERE survivor = :c", soci::use(survivor),
        soci::into(n);
    return n;
}

/// The survivor's vault and index rows and their enrolment's fingerprint, as hex: what a
/// dump must hold before the erasure and must not hold after it.
std::vector<std::string> stored_traces(const Enrolled& e) {
    auto traces = owner_texts(
        e.code, {"SELECT encode(ciphertext, 'hex') FROM survivor_pii WHERE survivor = :c",
                 "SELECT encode(nonce, 'hex') FROM survivor_pii WHERE survivor = :c",
                 "SELECT encode(digest, 'hex') FROM survivor_blind_index WHERE survivor = :c"});
    const auto fingerprint =
        owner_texts(e.enrolment_key,
                    {"SELECT encode(request_hash, 'hex') FROM idempotency_keys WHERE key = :c"});
    traces.insert(traces.end(), fingerprint.begin(), fingerprint.end());
    return traces;
}

/// pg_dump of the server's database: PostgreSQL's own binary, found where the test cluster
/// finds initdb.
std::string database_dump() {
    const auto pg_dump = riziki::db::cluster_process::find_bin_dir() / "pg_dump";
    const std::string errors = server().home() + "/erasure-pg_dump.stderr";
    const auto dump = run_command(
        {pg_dump.string(), "--no-owner", "-d", server().database().owner_conninfo}, errors);
    BOOST_TEST_REQUIRE(dump.exit_code == 0, read_file(errors));
    return dump.out;
}

/// The data lines of `table` in a dump (its COPY block).
std::string copy_block(const std::string& dump, const std::string& table) {
    const auto start = dump.find("COPY public." + table + " ");
    BOOST_TEST_REQUIRE(start != std::string::npos, "no COPY block for " << table);
    const auto end = dump.find("\n\\.\n", start);
    return dump.substr(start, end - start);
}

bool holds(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// `riziki survivor erase ARGS` on the server's database: exit status, stdout, stderr.
struct CliRun {
    int exit_code;
    std::string out;
    std::string err;
};

CliRun riziki_survivor(const std::vector<std::string>& args) {
    std::vector<std::string> argv{RIZIKI_BINARY, "survivor"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(),
                {"--database-url", server().database().owner_conninfo, "--home", server().home()});
    // stderr is appended to its file: one file per run.
    const std::string errors = server().home() + "/" + fresh_key("erasure-cli") + ".stderr";
    const auto run = run_command(argv, errors);
    return {run.exit_code, run.out, read_file(errors)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(survivor_erasure, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(an_erased_identity_is_gone_and_the_books_stay) {
    Erasures api;
    const auto who = person("Kimotho-Erasetest", "722418309", "27182818");
    const auto e = api.enrol(who);
    const auto me = Erasures::require(api.get("admin", "/v1/me"), 200);
    const std::string admin = "token:" + me.at("token_id").get<std::string>();

    const auto erased = api.post("admin", erase_target(e.code), reason_body("consent_withdrawn"));
    const auto answer = Erasures::require(erased, 201);
    BOOST_TEST(answer.at("survivor") == e.code);
    BOOST_TEST(answer.at("reason") == "consent_withdrawn");
    BOOST_TEST(answer.at("erased_by") == admin);
    const auto erased_at = answer.at("pii_erased_at").get<std::string>();
    BOOST_TEST(erased_at.size() == 27u);  // 2026-12-03T10:11:12.123456Z

    // The identity is gone for those who could read it, and the attempt is logged.
    const auto reads_before = api.audit_lines("survivor.pii_read").size();
    for (const char* role : {"admin", "field"}) {
        const auto read = api.get(role, "/v1/survivors/" + e.code + "?include=pii");
        check_problem(read, 410, "pii_erased");
        for (const auto& trace : who.traces)
            BOOST_TEST(!holds(read.body, trace), role << "'s 410 holds " << trace);
    }
    BOOST_TEST(api.audit_lines("survivor.pii_read").size() == reads_before + 2);
    // The pseudonymous record says when the identity was erased; the books stay.
    for (const char* role : {"finance", "auditor", "field", "admin"}) {
        const auto record = Erasures::require(api.get(role, "/v1/survivors/" + e.code), 200);
        BOOST_TEST(record.at("code") == e.code);
        BOOST_TEST(record.at("county") == "Kilifi");
        BOOST_TEST(record.at("pii_erased_at") == erased_at);
        BOOST_TEST(!record.contains("pii"));
    }
    const auto award = Erasures::require(api.get("finance", "/v1/awards/" + e.award), 200);
    BOOST_TEST(award.at("survivor") == e.code);
    BOOST_TEST(outcomes_of(e.code) == 1);

    // The blind indexes went with the identity: the same phone (written another way) and
    // national id enrol again, as a new pseudonym.
    auto again = who;
    again.phone = "+254" + who.phone.substr(1);
    const auto second = Erasures::require(
        api.post("field", "/v1/survivors", enrolment(api.cohort(), again).dump()), 201);
    BOOST_TEST(second.at("code") != e.code);

    // Who, when, why and which pseudonym, and nothing of the person, anywhere in the log.
    const auto lines = api.audit_lines("survivor.erase");
    BOOST_TEST_REQUIRE(lines.size() >= 1u);
    const auto& line = lines.back();
    BOOST_TEST(line.at("actor") == admin);
    BOOST_TEST(line.at("subject") == e.code);
    BOOST_TEST(line.at("detail") == "reason=consent_withdrawn");
    BOOST_TEST(line.at("request_id") == erased.header("X-Request-Id"));
    const auto log = api.get("auditor", "/v1/audit/log?limit=1000").body;
    for (const auto& trace : who.traces)
        BOOST_TEST(!holds(log, trace), "the audit log holds " << trace);
}

BOOST_AUTO_TEST_CASE(a_dump_after_erasure_holds_no_trace_of_the_identity) {
    Erasures api;
    const auto who = person("Wanjiru-Dumptest", "733905117", "16180339");
    const auto e = api.enrol(who);
    const auto stored = stored_traces(e);
    BOOST_TEST_REQUIRE(stored.size() == 5u);  // ciphertext, nonce, 2 indexes, fingerprint
    // Before: the dump holds the sealed row, the indexes and the fingerprint (never the
    // plain name, phone or id), so this test can see what it looks for.
    const auto before = database_dump();
    for (const auto& hex : stored)
        BOOST_TEST(holds(before, hex), "the dump before lacks " << hex);
    BOOST_TEST(holds(copy_block(before, "survivor_pii"), e.code));
    BOOST_TEST(holds(copy_block(before, "survivor_blind_index"), e.code));

    Erasures::require(api.post("admin", erase_target(e.code), reason_body("retention_ended")), 201);

    const auto after = database_dump();
    for (const auto& hex : stored)
        BOOST_TEST(!holds(after, hex), "the dump after holds " << hex);
    for (const auto& trace : who.traces)
        BOOST_TEST(!holds(after, trace), "the dump after holds " << trace);
    BOOST_TEST(!holds(copy_block(after, "survivor_pii"), e.code));
    BOOST_TEST(!holds(copy_block(after, "survivor_blind_index"), e.code));
    // The pseudonym, its award and its erasure stay.
    BOOST_TEST(holds(copy_block(after, "survivors"), e.code));
    BOOST_TEST(holds(copy_block(after, "awards"), e.award));
    BOOST_TEST(holds(copy_block(after, "survivor_erasures"), e.code + "\tretention_ended"));
}

BOOST_AUTO_TEST_CASE(erasure_refusals_change_nothing) {
    Erasures api;
    const auto who = person("Achieng-Refusetest", "744551206", "14142135");
    const auto e = api.enrol(who);
    const auto target = erase_target(e.code);
    const auto erasures_before = api.audit_lines("survivor.erase").size();
    for (const char* role : {"finance", "field", "auditor", "donor"}) {
        BOOST_TEST_CONTEXT("as " << role) {
            check_problem(api.post(role, target, reason_body("safety")), 403, "forbidden");
        }
    }
    check_problem(api.post("admin", erase_target("SV-22222222"), reason_body("safety")), 404,
                  "not_found");
    const std::vector<std::pair<std::string, FieldErrors>> bodies{
        {"{}", {{"reason", "required"}}},
        {R"({"reason":null})", {{"reason", "required"}}},
        {R"({"reason":"she moved to Nairobi"})", {{"reason", "invalid_choice"}}},
        {R"({"reason":"SAFETY"})", {{"reason", "invalid_choice"}}},
        {R"({"reason":7})", {{"reason", "invalid_choice"}}},
        {R"({"reason":"safety","note":"x"})", {{"note", "unknown_field"}}},
    };
    for (const auto& [body, errors] : bodies) {
        BOOST_TEST_CONTEXT(body) {
            check_validation(api.post("admin", target, body), errors);
        }
    }
    check_problem(api.post("admin", target, "{\"reason\":"), 400, "malformed_json");
    check_problem(api.post("admin", target, "[\"safety\"]"), 422, "body_not_object");
    // Nothing was erased: the identity still reads, and no erasure was logged.
    const auto read =
        Erasures::require(api.get("admin", "/v1/survivors/" + e.code + "?include=pii"), 200);
    BOOST_TEST(read.at("pii").at("full_name") == who.name);
    BOOST_TEST(read.at("pii_erased_at").is_null());
    BOOST_TEST(api.audit_lines("survivor.erase").size() == erasures_before);

    // Erased once; a second erasure is 410 and changes nothing (the first reason stays).
    Erasures::require(api.post("admin", target, reason_body("safety")), 201);
    const auto erased_at =
        Erasures::require(api.get("auditor", "/v1/survivors/" + e.code), 200).at("pii_erased_at");
    check_problem(api.post("admin", target, reason_body("survivor_request")), 410, "pii_erased");
    BOOST_TEST(
        Erasures::require(api.get("auditor", "/v1/survivors/" + e.code), 200).at("pii_erased_at") ==
        erased_at);
    const auto lines = api.audit_lines("survivor.erase");
    BOOST_TEST(lines.size() == erasures_before + 1);
    BOOST_TEST(lines.back().at("detail") == "reason=safety");
}

BOOST_AUTO_TEST_CASE(an_erasure_under_an_idempotency_key_replays_and_the_enrolment_stays_spent) {
    Erasures api;
    const auto who = person("Nduta-Replaytest", "755320448", "17320508");
    const auto e = api.enrol(who);
    const auto key = fresh_key("erase");
    const auto first =
        api.post("admin", erase_target(e.code), reason_body("survivor_request"), key);
    Erasures::require(first, 201);
    const auto replay =
        api.post("admin", erase_target(e.code), reason_body("survivor_request"), key);
    BOOST_TEST(replay.status == 201);
    BOOST_TEST(replay.header("Idempotent-Replayed") == "true");
    BOOST_TEST(replay.body == first.body);
    check_problem(api.post("admin", erase_target(e.code), reason_body("safety"), key), 409,
                  "idempotency_key_reused");
    check_problem(api.post("admin", erase_target(e.code), reason_body("survivor_request")), 410,
                  "pii_erased");
    BOOST_TEST(api.audit_lines("survivor.erase").back().at("subject") == e.code);

    // The enrolment's key kept a keyed fingerprint of the request with the PII; it is
    // zeroed, and a retry of that enrolment under its key is refused, not replayed, and
    // enrols no one.
    BOOST_TEST(owner_texts(e.enrolment_key,
                           {"SELECT encode(request_hash, 'hex') FROM idempotency_keys "
                            "WHERE key = :c"}) == std::vector<std::string>{std::string(64, '0')});
    check_problem(
        api.post("field", "/v1/survivors", enrolment(api.cohort(), who).dump(), e.enrolment_key),
        409, "idempotency_key_reused");
    BOOST_TEST(owner_texts(api.cohort(), {"SELECT code FROM survivors WHERE cohort = :c"}) ==
               std::vector<std::string>{e.code});
}

BOOST_AUTO_TEST_CASE(the_cli_erases_and_refuses_what_the_api_refuses) {
    Erasures api;
    const auto who = person("Chebet-Clitest", "766014992", "22360679");
    const auto e = api.enrol(who);

    const auto bad_reason = riziki_survivor({"erase", e.code, "--reason", "moved away"});
    BOOST_TEST(bad_reason.exit_code == 2);
    BOOST_TEST(holds(bad_reason.err,
                     "--reason must be one of consent_withdrawn, retention_ended, "
                     "safety, survivor_request (not free text)"),
               bad_reason.err);
    const auto no_reason = riziki_survivor({"erase", e.code});
    BOOST_TEST(no_reason.exit_code == 2);
    BOOST_TEST(holds(no_reason.err, "survivor erase needs --reason"), no_reason.err);
    const auto no_code = riziki_survivor({"erase", "--reason", "safety"});
    BOOST_TEST(no_code.exit_code == 2);
    BOOST_TEST(holds(no_code.err, "usage: survivor erase SV-CODE --reason R"), no_code.err);
    const auto unknown = riziki_survivor({"erase", "SV-22222222", "--reason", "safety"});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(holds(unknown.err, "riziki: no survivor has the code SV-22222222; nothing erased\n"),
               unknown.err);
    // None of those erased anything.
    BOOST_TEST(Erasures::require(api.get("field", "/v1/survivors/" + e.code + "?include=pii"), 200)
                   .at("pii")
                   .at("national_id") == who.national_id);

    const auto erased = riziki_survivor({"erase", e.code, "--reason", "consent_withdrawn"});
    BOOST_TEST_REQUIRE(erased.exit_code == 0, erased.err);
    const auto erased_at =
        Erasures::require(api.get("auditor", "/v1/survivors/" + e.code), 200).at("pii_erased_at");
    BOOST_TEST(erased.out == "erased the identity of " + e.code + " (consent_withdrawn) at " +
                                 erased_at.get<std::string>() + "\n");
    check_problem(api.get("field", "/v1/survivors/" + e.code + "?include=pii"), 410, "pii_erased");
    const auto line = api.audit_lines("survivor.erase").back();
    BOOST_TEST(line.at("actor") == "cli");
    BOOST_TEST(line.at("subject") == e.code);
    BOOST_TEST(line.at("detail") == "reason=consent_withdrawn");

    const auto twice = riziki_survivor({"erase", e.code, "--reason", "safety"});
    BOOST_TEST(twice.exit_code == 3);
    BOOST_TEST(holds(twice.err, "riziki: the identity of " + e.code + " was erased already, at " +
                                    erased_at.get<std::string>() +
                                    " by cli (consent_withdrawn); nothing changed\n"),
               twice.err);
    BOOST_TEST(api.audit_lines("survivor.erase").back().at("seq") == line.at("seq"));
}

BOOST_AUTO_TEST_SUITE_END()
