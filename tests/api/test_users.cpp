// People who sign in (SPEC §12, issue 18 item 1): users, set-password links, sessions,
// CSRF, expiry, disabling and failed-login delays, against a real server.

#include <soci/postgresql/soci-postgresql.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/api/people.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

HttpResponse log_out(HttpClient& client, const HeaderList& headers) {
    return client.request("DELETE", "/v1/session", headers);
}

long long count_of(ApiServer& s, const std::string& sql) {
    long long count = 0;
    *s.owner() << sql, soci::into(count);
    return count;
}

const std::string kCohort =
    R"({"code":"C-SESSION","name":"Session","county":"Kwale","starts_on":"2026-01-01"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(users, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(log_in_use_the_session_and_log_out) {
    const auto user = ready_user(server(), "Amina.Field", "field");
    BOOST_TEST(user.username == "amina.field");
    auto client = server().client();
    const auto response = log_in(client, "AMINA.FIELD", kGoodPassword);
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    const auto cookie = response.header("Set-Cookie");
    for (const char* part : {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=43200"})
        BOOST_TEST(cookie.find(part) != std::string::npos, cookie);
    BOOST_TEST(cookie.find("Secure") == std::string::npos);  // plain HTTP here
    const auto body = body_json(response);
    BOOST_TEST(body.at("me").at("role") == "field");
    BOOST_TEST(body.at("me").at("user_id") == std::to_string(user.id));
    Browser browser{session_of(response), body.at("csrf_token"), body.at("me")};
    server().keep_out_of_log(browser.session);
    BOOST_TEST(browser.session.size() == 64U);
    BOOST_TEST(browser.csrf.size() == 64U);

    const auto me = client.get("/v1/me", browser.cookie());
    BOOST_TEST_REQUIRE(me.status == 200, me.body);
    BOOST_TEST(body_json(me) == body.at("me"));  // {"user_id","name","role","funds"}
    const auto session = client.get("/v1/session", browser.cookie());
    BOOST_TEST(body_json(session).at("csrf_token") == browser.csrf);
    // What the session writes is the user's: actor user:N.
    BOOST_TEST(client.post("/v1/cohorts", kCohort, browser.unsafe()).status == 201);
    BOOST_TEST(count_of(server(), "SELECT count(*) FROM audit_log WHERE actor = 'user:" +
                                      std::to_string(user.id) +
                                      "' AND action IN ('session.create', 'cohort.create')") == 2);

    const auto out = log_out(client, browser.unsafe());
    BOOST_TEST(out.status == 204, out.body);
    BOOST_TEST(out.header("Set-Cookie").find("riziki_session=; ") == 0U);
    check_problem(client.get("/v1/me", browser.cookie()), 401, "unauthenticated");
    check_problem(log_out(client, browser.unsafe()), 401, "unauthenticated");
}

BOOST_AUTO_TEST_CASE(a_bearer_token_has_no_session_to_end_and_gets_no_csrf_token) {
    auto client = server().client();
    const auto session = client.get("/v1/session", server().auth("finance"));
    BOOST_TEST_REQUIRE(session.status == 200, session.body);
    BOOST_TEST(body_json(session).at("csrf_token").is_null());
    check_problem(log_out(client, server().auth("finance")), 400, "not_a_session");
}

BOOST_AUTO_TEST_CASE(an_unsafe_request_with_the_cookie_needs_the_csrf_token) {
    ready_user(server(), "csrf.field", "field");
    const auto browser = sign_in(server(), "csrf.field");
    auto client = server().client();
    const std::string body =
        R"({"code":"C-CSRF","name":"Csrf","county":"Kwale","starts_on":"2026-01-01"})";
    check_problem(client.post("/v1/cohorts", body, browser.cookie()), 403, "csrf_token_invalid");
    check_problem(client.post("/v1/cohorts", body,
                              with(browser.cookie(), "X-CSRF-Token", std::string(64, '0'))),
                  403, "csrf_token_invalid");
    check_problem(log_out(client, browser.cookie()), 403, "csrf_token_invalid");
    BOOST_TEST(count_of(server(), "SELECT count(*) FROM cohorts WHERE code = 'C-CSRF'") == 0);
    BOOST_TEST(client.post("/v1/cohorts", body, browser.unsafe()).status == 201);
    BOOST_TEST(client.get("/v1/me", browser.cookie()).status == 200);  // a read needs none
    // A session has its user's role, no more: the admin routes are not a field officer's.
    check_problem(
        client.post("/v1/users", R"({"username":"sneaky","role":"admin"})", browser.unsafe()), 403,
        "forbidden");
    check_problem(client.get("/v1/users", browser.cookie()), 403, "forbidden");
}

BOOST_AUTO_TEST_CASE(idle_and_absolute_expiry_end_a_session) {
    ready_user(server(), "expiry.finance", "finance");
    auto client = server().client();
    // Idle: last seen 30 minutes and a second ago.
    const auto idle = sign_in(server(), "expiry.finance");
    BOOST_TEST(client.get("/v1/me", idle.cookie()).status == 200);
    *server().owner() << "UPDATE sessions SET created_at = created_at - interval '1801 seconds', "
                         "last_seen_at = last_seen_at - interval '1801 seconds' "
                         "WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE "
                         "username = 'expiry.finance')";
    check_problem(client.get("/v1/me", idle.cookie()), 401, "unauthenticated");
    // Absolute: seen just now, but begun 12 hours and a second ago.
    const auto old = sign_in(server(), "expiry.finance");
    *server().owner() << "UPDATE sessions SET created_at = now() - interval '12 hours 1 second' "
                         "WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE "
                         "username = 'expiry.finance') AND created_at > now() - interval '1 hour'";
    check_problem(client.get("/v1/me", old.cookie()), 401, "unauthenticated");
    // A use moves the idle clock: 29 minutes idle, used, then 29 more is still live.
    const auto busy = sign_in(server(), "expiry.finance");
    const std::string back =
        "UPDATE sessions SET created_at = created_at - interval '29 minutes', "
        "last_seen_at = last_seen_at - interval '29 minutes' WHERE "
        "ended_at IS NULL AND created_at > now() - interval '2 hours'";
    *server().owner() << back;
    BOOST_TEST(client.get("/v1/me", busy.cookie()).status == 200);
    *server().owner() << back;
    BOOST_TEST(client.get("/v1/me", busy.cookie()).status == 200);
}

BOOST_AUTO_TEST_CASE(a_disabled_user_is_stopped_at_once_and_cannot_log_in) {
    const auto user = ready_user(server(), "disabled.finance", "finance");
    const auto browser = sign_in(server(), "disabled.finance");
    auto client = server().client();
    BOOST_TEST(client.get("/v1/me", browser.cookie()).status == 200);
    const auto target = "/v1/users/" + std::to_string(user.id) + "/disable";
    const auto disabled = client.post(target, "", server().auth("admin"));
    BOOST_TEST_REQUIRE(disabled.status == 200, disabled.body);
    BOOST_TEST(body_json(disabled).at("disabled") == true);
    check_problem(client.get("/v1/me", browser.cookie()), 401, "unauthenticated");
    check_problem(log_in(client, "disabled.finance", kGoodPassword), 403, "account_disabled");
    check_problem(client.post(target, "", server().auth("admin")), 409, "user_disabled");
    check_problem(
        client.post("/v1/users/" + std::to_string(user.id) + "/reset", "", server().auth("admin")),
        409, "user_disabled");
    check_problem(client.post("/v1/users/999999/disable", "", server().auth("admin")), 404,
                  "user_not_found");
    BOOST_TEST(count_of(server(),
                        "SELECT count(*) FROM audit_log WHERE action = 'user.disable' "
                        "AND subject = 'user:" +
                            std::to_string(user.id) + "'") == 1);
}

BOOST_AUTO_TEST_CASE(a_link_works_once_and_a_reset_kills_the_old_link_and_password) {
    const auto user = create_user(server(), "reset.auditor", "auditor");
    auto client = server().client();
    BOOST_TEST(redeem(client, user.code, kGoodPassword).status == 204);
    check_problem(redeem(client, user.code, "another long passphrase"), 410, "link_used");
    check_problem(redeem(client, std::string(64, 'a'), kGoodPassword), 404, "link_not_found");
    const auto browser = sign_in(server(), "reset.auditor");
    // A reset: a new link, the old password and sessions gone. Two resets: the first
    // link dies unused.
    const auto target = "/v1/users/" + std::to_string(user.id) + "/reset";
    const auto first = client.post(target, "", server().auth("admin"));
    BOOST_TEST_REQUIRE(first.status == 200, first.body);
    const std::string first_code = body_json(first).at("set_password").at("code");
    const auto second = client.post(target, "", server().auth("admin"));
    const std::string second_code = body_json(second).at("set_password").at("code");
    server().keep_out_of_log(first_code);
    server().keep_out_of_log(second_code);
    BOOST_TEST(body_json(second).at("set_password").at("path") == "/set-password#" + second_code);
    BOOST_TEST(body_json(second).at("has_password") == false);
    check_problem(client.get("/v1/me", browser.cookie()), 401, "unauthenticated");
    check_problem(redeem(client, first_code, kGoodPassword), 410, "link_replaced");
    BOOST_TEST(redeem(client, second_code, "a brand new passphrase").status == 204);
    check_problem(redeem(client, second_code, "a brand new passphrase"), 410, "link_used");
    BOOST_TEST(log_in(client, "reset.auditor", "a brand new passphrase").status == 201);
}

BOOST_AUTO_TEST_CASE(an_expired_link_is_refused) {
    const auto user = create_user(server(), "late.field", "field");
    *server().owner() << "UPDATE password_links SET created_at = now() - interval '73 hours', "
                         "expires_at = now() - interval '1 hour' WHERE user_id = "
                      << user.id;
    auto client = server().client();
    check_problem(redeem(client, user.code, kGoodPassword), 410, "link_expired");
}

BOOST_AUTO_TEST_CASE(short_long_and_common_passwords_are_refused_and_the_link_kept) {
    const auto user = create_user(server(), "rules.finance", "finance");
    auto client = server().client();
    check_problem(redeem(client, user.code, "short pass"), 422, "password_too_short");
    check_problem(redeem(client, user.code, "Password2024!"), 422, "password_too_common");
    check_problem(redeem(client, user.code, "rules.finance-2026"), 422, "password_too_common");
    check_problem(redeem(client, user.code, std::string(1100, 'q') + "x7"), 422,
                  "password_too_long");
    BOOST_TEST(count_of(server(),
                        "SELECT count(*) FROM users WHERE username = 'rules.finance' "
                        "AND password_hash IS NULL") == 1);
    BOOST_TEST(redeem(client, user.code, kGoodPassword).status == 204);
}

BOOST_AUTO_TEST_CASE(admins_create_list_and_page_users_and_the_table_checks_them_again) {
    auto client = server().client();
    const auto donor = create_user(server(), "donor.view", "donor", {"F-KES"});
    const auto again = client.post("/v1/users", R"({"username":"DONOR.view","role":"auditor"})",
                                   server().auth("admin"));
    check_problem(again, 409, "username_taken");
    check_validation(
        client.post("/v1/users", R"({"username":"x y","role":"donor"})", server().auth("admin")),
        {{"username", "invalid_username"}});
    check_validation(
        client.post("/v1/users", R"({"username":"nofund","role":"donor"})", server().auth("admin")),
        {{"funds", "donor_needs_funds"}});
    check_validation(
        client.post("/v1/users", R"({"username":"ghost","role":"donor","funds":["F-NONE"]})",
                    server().auth("admin")),
        {{"funds", "fund_not_found"}});
    check_validation(client.post("/v1/users", R"({"username":"robot","role":"metrics"})",
                                 server().auth("admin")),
                     {{"role", "invalid_choice"}});
    // Page by page, a cursor each time, every user once.
    std::vector<long long> ids;
    std::string target = "/v1/users?limit=2";
    for (int page = 0; page < 50; ++page) {
        const auto listed = body_json(client.get(target, server().auth("admin")));
        for (const auto& item : listed.at("items"))
            ids.push_back(item.at("id"));
        if (listed.at("next").is_null())
            break;
        target = "/v1/users?limit=2&after=" + listed.at("next").get<std::string>();
    }
    BOOST_TEST(static_cast<long long>(ids.size()) ==
               count_of(server(), "SELECT count(*) FROM users"));
    BOOST_TEST(std::is_sorted(ids.begin(), ids.end()));
    // A cursor that is not one, or not one of an id, is refused.
    for (const char* cursor : {"zzz", "k1.WyJhYmMiXQ"}) {  // the second: ["abc"]
        BOOST_TEST_CONTEXT(cursor) {
            const auto refused =
                client.get(std::string("/v1/users?after=") + cursor, server().auth("admin"));
            check_problem(refused, 400, "invalid_query");
            BOOST_TEST(
                (field_errors(body_json(refused)) == FieldErrors{{"after", "invalid_cursor"}}));
        }
    }
    BOOST_TEST((std::find(ids.begin(), ids.end(), donor.id) != ids.end()));
    // The database refuses what the API would: upper case, a donor without funds.
    BOOST_CHECK_THROW(*server().owner() << "INSERT INTO users (username, display_name, role) "
                                           "VALUES ('Upper', 'U', 'field')",
                      soci::soci_error);
    BOOST_CHECK_THROW(*server().owner() << "INSERT INTO users (username, display_name, role) "
                                           "VALUES ('donor2', 'D', 'donor')",
                      soci::soci_error);
    BOOST_CHECK_THROW(*server().owner() << "INSERT INTO users (username, display_name, role) "
                                           "VALUES ('robot', 'R', 'metrics')",
                      soci::soci_error);
}

BOOST_AUTO_TEST_CASE(a_session_row_written_with_only_the_database_does_not_authenticate) {
    const auto user = ready_user(server(), "forged.admin", "admin");
    // A database-only attacker knows the formula but not the key: SHA-256(id) and an
    // unkeyed digest are all they can store.
    const std::string id(64, 'b');
    *server().owner() << "INSERT INTO sessions (user_id, digest, key_id) VALUES (" << user.id
                      << ", sha256(convert_to('" << id << "', 'UTF8')), '0000000000000000')";
    auto client = server().client();
    check_problem(client.get("/v1/me", {{"Cookie", "riziki_session=" + id}}), 401,
                  "unauthenticated");
}

BOOST_AUTO_TEST_CASE(the_app_role_cannot_change_users_or_sessions_but_through_functions) {
    const auto conninfo = server().database().app_conninfo;
    soci::session app(*soci::factory_postgresql(), conninfo);
    BOOST_CHECK_THROW(app << "UPDATE users SET role = 'admin'", soci::soci_error);
    BOOST_CHECK_THROW(app << "UPDATE sessions SET last_seen_at = now()", soci::soci_error);
    BOOST_CHECK_THROW(app << "UPDATE password_links SET used_at = NULL", soci::soci_error);
    BOOST_CHECK_THROW(app << "DELETE FROM sessions", soci::soci_error);
}

// The second half of "a link works once": the database's own function, called twice by the
// application's role, sets a password once.
BOOST_AUTO_TEST_CASE(the_database_redeems_a_link_once) {
    const auto user = create_user(server(), "once.field", "field");
    soci::session app(*soci::factory_postgresql(), server().database().app_conninfo);
    const std::string digest(64, 'c');
    const std::string key = "0123456789abcdef";
    long long link = 0;
    app << "SELECT riziki_password_link_issue(:u, decode(:d, 'hex'), :k, interval '1 hour', "
           "false)",
        soci::use(user.id), soci::use(digest), soci::use(key), soci::into(link);
    BOOST_TEST(link > 0);
    const auto redeem_once = [&] {
        long long redeemed = -1;
        app << "SELECT riziki_password_link_redeem(ARRAY[decode(:d, 'hex')], "
               "'$argon2id$v=19$m=65536,t=3,p=1$forged', :k)",
            soci::use(digest), soci::use(key), soci::into(redeemed);
        return redeemed;
    };
    BOOST_TEST(redeem_once() == user.id);
    BOOST_TEST(redeem_once() == 0);
    // The link the API made first was replaced by the one above.
    auto client = server().client();
    check_problem(redeem(client, user.code, kGoodPassword), 410, "link_replaced");
}

BOOST_AUTO_TEST_CASE(riziki_user_create_prints_a_link_or_takes_the_password_from_stdin) {
    auto& s = server();
    const std::vector<std::string> command{
        RIZIKI_BINARY, "user",   "create",         "--database-url", s.database().owner_conninfo,
        "--home",      s.home(), "--pii-key-file", s.key_file()};
    const auto run = [&](std::vector<std::string> options, const std::string& stdin_line = "") {
        auto argv = command;
        argv.insert(argv.end(), options.begin(), options.end());
        if (!stdin_line.empty()) {  // through a shell: "$0" is the line, "$@" the command
            argv.insert(argv.begin(),
                        {"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$@\"", stdin_line});
        }
        return run_command(argv, s.home() + "/user-create.log");
    };
    const auto made = run({"--username", "CLI.Field", "--role", "field", "--name", "Cli Field"});
    BOOST_TEST_REQUIRE(made.exit_code == 0, made.out);
    const std::string prefix = "/set-password#";
    BOOST_TEST_REQUIRE(made.out.starts_with(prefix), made.out);
    const std::string code = made.out.substr(prefix.size(), 64);
    BOOST_TEST(made.out == prefix + code + "\n");
    s.keep_out_of_log(code);
    auto client = s.client();
    BOOST_TEST(redeem(client, code, kGoodPassword).status == 204);
    BOOST_TEST(sign_in(s, "cli.field").me.at("name") == "Cli Field");

    const auto piped = run({"--username", "cli.auditor", "--role", "auditor", "--password-stdin"},
                           "another long passphrase");
    BOOST_TEST_REQUIRE(piped.exit_code == 0, piped.out);
    BOOST_TEST(piped.out.empty());
    BOOST_TEST(sign_in(s, "cli.auditor", "another long passphrase").me.at("role") == "auditor");

    // Refused, and nothing made: a common password, a donor without a fund, a taken name.
    BOOST_TEST(
        run({"--username", "cli.weak", "--role", "field", "--password-stdin"}, "Password2024!")
            .exit_code == 2);
    BOOST_TEST(run({"--username", "cli.donor", "--role", "donor"}).exit_code == 2);
    BOOST_TEST(run({"--username", "cli.field", "--role", "finance"}).exit_code == 2);
    BOOST_TEST(count_of(s,
                        "SELECT count(*) FROM users WHERE username IN ('cli.weak', "
                        "'cli.donor')") == 0);
    BOOST_TEST(count_of(s,
                        "SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action = "
                        "'user.create'") == 2);
}

BOOST_AUTO_TEST_SUITE_END()

// A suite of its own, with its own server: the failures it makes from 127.0.0.1 would hold
// up every other test's logins.
BOOST_AUTO_TEST_SUITE(login_delays)

BOOST_AUTO_TEST_CASE(five_failures_then_429_with_retry_after_and_the_password_unchecked) {
    ApiServer own;
    ready_user(own, "delay.finance", "finance");
    auto client = own.client();
    using Clock = std::chrono::steady_clock;
    const auto timed = [&](const std::string& username, const std::string& password) {
        const auto started = Clock::now();
        const auto response = log_in(client, username, password);
        check_problem(response, 401, "invalid_credentials");
        return Clock::now() - started;
    };
    // No username oracle: an unknown name is answered as a wrong password, and costs a
    // hash too (without one it would answer in a fraction of the time).
    const auto unknown = std::min(timed("nobody.here", "wrong password!!"),
                                  timed("nobody.there", "wrong password!!"));
    const auto wrong = std::max(timed("delay.finance", "wrong password!!"),
                                timed("delay.finance", "wrong password!?"));
    BOOST_TEST(unknown * 4 > wrong, "unknown user " << unknown.count() << " ns, wrong password "
                                                    << wrong.count() << " ns");
    timed("delay.finance", "wrong password!#");  // the fifth failure from this address
    // Now even the right password is not checked: 429 with Retry-After, for the known
    // account and for an unknown name alike.
    const auto held = log_in(client, "delay.finance", kGoodPassword);
    check_problem(held, 429, "too_many_attempts");
    BOOST_TEST(held.header("Retry-After") == "1");
    BOOST_TEST(held.header("Set-Cookie").empty());
    check_problem(log_in(client, "nobody.here", "wrong password!!"), 429, "too_many_attempts");
    long long sessions = -1;
    *own.owner() << "SELECT count(*) FROM sessions", soci::into(sessions);
    BOOST_TEST(sessions == 0);
    BOOST_TEST(own.log_problems().empty(), own.log_problems());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(demo_users)

// `riziki demo` prints its tokens, then one password for demo-admin, demo-finance,
// demo-field, demo-donor (the demo's first fund) and demo-auditor, which sign in with it.
BOOST_AUTO_TEST_CASE(the_demo_prints_tokens_and_a_password_its_users_sign_in_with) {
    ServeSettings settings;
    settings.command = "demo";
    ApiServer demo(settings);
    const std::string marker = "password (new each start):\n  ";
    // The demo seeds its books after it starts listening, and prints what it made once
    // done, "Stop with Ctrl-C." last: wait for that (polling, at most 5 minutes).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (demo.log().find("Stop with Ctrl-C.") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto log = demo.log();
    const auto at = log.find(marker);
    BOOST_TEST_REQUIRE(at != std::string::npos, log);
    BOOST_TEST(log.find("Tokens (new each start; keep them secret):\n  admin    rzk_") !=
               std::string::npos);
    // Where to go next, for someone who has never seen the API: the web app, at the URL.
    const std::string url = "http://127.0.0.1:" + std::to_string(demo.port());
    BOOST_TEST(log.find("Serving at " + url + "\n  Open " + url +
                        "/ in a browser and sign in as demo-finance (or demo-field, demo-donor, "
                        "demo-auditor, demo-admin) with the password above.\n") !=
               std::string::npos);
    const auto app = demo.client().get("/");
    BOOST_TEST(app.status == 200);
    BOOST_TEST(app.header("Content-Type") == "text/html; charset=utf-8");
    const auto start = at + marker.size();
    const std::string password = log.substr(start, log.find('\n', start) - start);
    BOOST_TEST(password.size() == 21U, password);
    for (const char* role : {"admin", "finance", "field", "donor", "auditor"}) {
        BOOST_TEST_CONTEXT(role) {
            const auto browser = sign_in(demo, std::string("demo-") + role, password);
            BOOST_TEST(browser.me.at("role") == role);
            const auto funds =
                role == std::string("donor") ? json::array({"HAART-KES-2026"}) : json::array();
            BOOST_TEST(browser.me.at("funds") == funds);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
