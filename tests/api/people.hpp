#pragma once
/// Helpers of the tests of people who sign in (SPEC §12): users made through the admin
/// routes, passwords set through their links, and sessions as a browser holds them.

#include <string>
#include <vector>

#include "tests/api/api_checks.hpp"

namespace riziki::testing {

/// A password the rules accept.
inline const std::string kGoodPassword = "mango tree by the river";

struct NewUser {
    long long id = 0;
    std::string username;
    std::string code;  ///< its set-password link's code
};

/// POST /v1/users as the admin token.
inline NewUser create_user(ApiServer& server, const std::string& username, const std::string& role,
                           const std::vector<std::string>& funds = {}) {
    json body{{"username", username}, {"role", role}};
    if (!funds.empty())
        body["funds"] = funds;
    const auto response = server.client().post("/v1/users", body.dump(), server.auth("admin"));
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    const auto created = json::parse(response.body);
    NewUser user{created.at("id").get<long long>(), created.at("username"),
                 created.at("set_password").at("code")};
    server.keep_out_of_log(user.code);
    return user;
}

/// POST /v1/password.
inline HttpResponse redeem(HttpClient& client, const std::string& code,
                           const std::string& password) {
    return client.post("/v1/password", json{{"code", code}, {"password", password}}.dump());
}

/// A user of `role` with kGoodPassword set.
inline NewUser ready_user(ApiServer& server, const std::string& username, const std::string& role,
                          const std::vector<std::string>& funds = {}) {
    auto user = create_user(server, username, role, funds);
    server.keep_out_of_log(kGoodPassword);
    auto client = server.client();
    BOOST_TEST_REQUIRE(redeem(client, user.code, kGoodPassword).status == 204);
    return user;
}

inline HttpResponse log_in(HttpClient& client, const std::string& username,
                           const std::string& password) {
    return client.post("/v1/session", json{{"username", username}, {"password", password}}.dump());
}

/// A signed-in browser: its session cookie and CSRF token.
struct Browser {
    std::string session;
    std::string csrf;
    json me;

    HeaderList cookie() const { return {{"Cookie", "riziki_session=" + session}}; }
    /// The cookie and the X-CSRF-Token header, as the web app sends an unsafe request.
    HeaderList unsafe() const { return with(cookie(), "X-CSRF-Token", csrf); }
};

/// The session id in a Set-Cookie header.
inline std::string session_of(const HttpResponse& response) {
    const auto header = response.header("Set-Cookie");
    const std::string prefix = "riziki_session=";
    BOOST_TEST_REQUIRE(header.starts_with(prefix), header);
    return header.substr(prefix.size(), header.find(';') - prefix.size());
}

inline Browser sign_in(ApiServer& server, const std::string& username,
                       const std::string& password = kGoodPassword) {
    auto client = server.client();
    const auto response = log_in(client, username, password);
    BOOST_TEST_REQUIRE(response.status == 201, response.body);
    const auto body = json::parse(response.body);
    Browser browser{session_of(response), body.at("csrf_token"), body.at("me")};
    server.keep_out_of_log(browser.session);
    return browser;
}

}  // namespace riziki::testing
