// API tokens (SPEC §12, issue 18): GET /v1/tokens lists them without secrets; DELETE
// /v1/tokens/{id} revokes one. An admin sees and revokes every token; anyone else only the
// token they call with (a holder who fears theirs leaked revokes it themselves).

#include "api/handlers_tokens.hpp"

#include <chrono>

#include "api/body.hpp"
#include "api/problem.hpp"
#include "api/respond.hpp"
#include "api/roles.hpp"
#include "db/credentials.hpp"
#include "ledger/date.hpp"

namespace riziki::api {

namespace {

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json token_json(const db::TokenRecord& t) {
    const char* status = t.revoked_at_us               ? "revoked"
                         : t.expires_at_us <= now_us() ? "expired"
                                                       : "active";
    return {{"id", std::to_string(t.id)},
            {"name", t.name},
            {"role", t.role},
            {"funds", t.funds},
            {"created_at", ledger::format_timestamp_us(t.created_at_us)},
            {"expires_at", ledger::format_timestamp_us(t.expires_at_us)},
            {"revoked_at", t.revoked_at_us
                               ? nlohmann::json(ledger::format_timestamp_us(*t.revoked_at_us))
                               : nlohmann::json(nullptr)},
            {"status", status}};
}

/// The token a non-admin may see or revoke: its own.
std::optional<std::int64_t> own_only(const Principal& principal) {
    if (principal.role == Role::admin)
        return std::nullopt;
    return principal.token_id;
}

Response list_tokens(db::Credentials& credentials, Call& call) {
    QueryReader query(call);
    const auto limit = query.limit();
    const auto after = query.after();
    if (auto bad = query.problem_if_any())
        return *bad;
    const auto only = own_only(*call.principal);
    // A caller without a token of its own (a session's) owns none: an empty list.
    const auto tokens = only && *only == 0 ? std::vector<db::TokenRecord>{}
                                           : credentials.tokens(after, limit, only);
    return json_page(tokens, limit, token_json,
                     [](const db::TokenRecord& t) { return cursor_after(t.id); });
}

Response revoke_token(db::Credentials& credentials, Authenticator& authenticator, Call& call) {
    const auto parsed = parse_token_id(call.params.at(0));
    if (!parsed)
        return problem(http::status::not_found, "not_found", "No such token.", call.context);
    const std::int64_t id = *parsed;
    if (const auto only = own_only(*call.principal); only && *only != id) {
        return problem(http::status::forbidden, "forbidden",
                       "Only an admin revokes another's token.", call.context);
    }
    const auto revoked =
        credentials.revoke_token(id, call.principal->actor(), call.context.request_id);
    if (!revoked)
        return problem(http::status::not_found, "not_found", "No such token.", call.context);
    authenticator.forget(id);
    const auto tokens = credentials.tokens(id - 1, 1, id);
    return json_response(http::status::ok, token_json(tokens.at(0)));
}

}  // namespace

void add_token_routes(Router& router, db::Credentials& credentials, Authenticator& authenticator) {
    router.add({http::verb::get, "/v1/tokens", kAnyRole,
                [&credentials](Call& call) { return list_tokens(credentials, call); }});
    router.add({http::verb::delete_, "/v1/tokens/{id}", kAnyRole,
                [&credentials, &authenticator](Call& call) {
                    return revoke_token(credentials, authenticator, call);
                }});
}

}  // namespace riziki::api
