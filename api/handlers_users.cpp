// People who sign in (SPEC §12): sessions (POST, GET, DELETE /v1/session), set-password
// links (POST /v1/password), and the admin routes of users (POST, GET /v1/users,
// POST /v1/users/{id}/disable, /reset). The logic lives in api/sessions.cpp and
// api/users.cpp; these turn it into HTTP.

#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/read_fields.hpp"
#include "api/roles.hpp"
#include "api/sessions.hpp"
#include "api/users.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

nlohmann::json me_json(const Principal& p) {
    return {{"user_id", std::to_string(p.user_id)},
            {"name", p.name},
            {"role", std::string(to_string(p.role))},
            {"funds", p.funds}};
}

/// Audits a request made without a principal (a login, a redeemed link) as `actor`.
void audit_as(const Services& s, const Call& call, const std::string& actor,
              const std::string& action) {
    s.programme->audit({actor, call.context.request_id, action, actor, ""});
}

Response login(const Services& s, Sessions& sessions, Call& call) {
    auto read =
        read_fields<TwoTexts>(call, two_texts("username", 200, "password", kPasswordBytesMax));
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    const auto& [username, password] = std::get<TwoTexts>(read);
    const auto result = sessions.login(username, password, call.context.client_address,
                                       LoginThrottle::Clock::now());
    using Kind = LoginResult::Kind;
    if (result.kind == Kind::throttled) {
        auto response = problem(http::status::too_many_requests, "too_many_attempts",
                                "Too many failed logins; wait before trying again.", call.context);
        response.set(http::field::retry_after, std::to_string(result.retry_after.count()));
        return response;
    }
    if (result.kind == Kind::invalid) {
        return problem(http::status::unauthorized, "invalid_credentials",
                       "The username or password is wrong.", call.context);
    }
    if (result.kind == Kind::disabled) {
        return problem(http::status::forbidden, "account_disabled",
                       "This account is disabled; ask an administrator.", call.context);
    }
    const auto principal = principal_of(*result.user);
    audit_as(s, call, principal.actor(), "session.create");
    auto response = json_response(
        http::status::created,
        {{"csrf_token", csrf_token_for(result.session_id)}, {"me", me_json(principal)}});
    response.set(http::field::set_cookie, sessions.cookie(result.session_id));
    return response;
}

Response current_session(Call& call) {
    const auto& p = *call.principal;
    nlohmann::json csrf = nullptr;
    if (p.via == Principal::Via::session)
        csrf = csrf_token_for(cookie_value(call.request, kSessionCookie).value_or(""));
    return json_response(http::status::ok, {{"csrf_token", csrf}, {"me", me_json(p)}});
}

Response logout(const Services& s, Sessions& sessions, Call& call) {
    if (call.principal->via != Principal::Via::session) {
        return problem(http::status::bad_request, "not_a_session",
                       "This request carries a bearer token, not a session; revoke tokens "
                       "instead.",
                       call.context);
    }
    (void)sessions.logout(call.request);
    audit(s, call, "session.end", call.principal->actor());
    Response response{http::status::no_content, 11};
    response.set(http::field::set_cookie, sessions.clearing_cookie());
    return response;
}

}  // namespace

void add_session_routes(Router& router, const Services& s, Sessions& sessions) {
    router.add({http::verb::post, "/v1/session", kPublic,
                [s, &sessions](Call& call) { return login(s, sessions, call); }, true});
    router.add({http::verb::get, "/v1/session", kAnyRole,
                [](Call& call) { return current_session(call); }});
    router.add({http::verb::delete_, "/v1/session", kAnyRole,
                [s, &sessions](Call& call) { return logout(s, sessions, call); }});
}

}  // namespace riziki::api
