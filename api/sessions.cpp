#include "api/sessions.hpp"

#include <sodium.h>

#include <algorithm>

#include "api/body.hpp"
#include "api/users.hpp"

namespace riziki::api {

namespace {

using SystemTime = std::chrono::system_clock::time_point;

SystemTime at_us(std::int64_t microseconds) {
    return SystemTime(std::chrono::microseconds(microseconds));
}

bool well_formed_secret(std::string_view secret) {
    return secret.size() == 64 && std::all_of(secret.begin(), secret.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

SessionState session_state(SystemTime created, SystemTime last_seen, SystemTime now) {
    if (now - created >= kSessionAbsolute)
        return SessionState::absolute_expired;
    if (now - last_seen >= kSessionIdle)
        return SessionState::idle_expired;
    return SessionState::live;
}

std::optional<std::string> cookie_value(const Request& request, std::string_view name) {
    for (const auto& field : request) {
        if (field.name() != http::field::cookie)
            continue;
        std::string_view rest(field.value().data(), field.value().size());
        while (!rest.empty()) {
            const auto semicolon = rest.find(';');
            const auto pair = trim_white_space(rest.substr(0, semicolon));
            rest = semicolon == std::string_view::npos ? std::string_view{}
                                                       : rest.substr(semicolon + 1);
            const auto equals = pair.find('=');
            if (equals != std::string_view::npos &&
                trim_white_space(pair.substr(0, equals)) == name)
                return std::string(trim_white_space(pair.substr(equals + 1)));
        }
    }
    return std::nullopt;
}

std::string csrf_token_for(std::string_view session_id) {
    const std::string labelled = "riziki.csrf.v1:" + std::string(session_id);
    ledger::Hash digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(labelled.data()),
                       labelled.size());
    return ledger::to_hex(digest);
}

bool csrf_satisfied(const Request& request, const SessionCaller& caller) {
    const auto method = request.method();
    if (method == http::verb::get || method == http::verb::head || method == http::verb::options)
        return true;
    const auto given = request["X-CSRF-Token"];
    return given.size() == caller.csrf_token.size() &&
           sodium_memcmp(given.data(), caller.csrf_token.data(), given.size()) == 0;
}

Principal principal_of(const db::UserRecord& user) {
    Principal principal;
    principal.name = user.display_name;
    principal.role = parse_role(user.role).value_or(Role::auditor);
    principal.funds = user.funds;
    principal.via = Principal::Via::session;
    principal.user_id = user.id;
    return principal;
}

std::optional<SessionCaller> Sessions::authenticate(const Request& request) {
    const auto id = cookie_value(request, kSessionCookie);
    if (!id || !well_formed_secret(*id))
        return std::nullopt;
    const auto record = users_.use_session(digests_hex(secret_digests(vault_, *id)));
    if (!record)
        return std::nullopt;
    // The database checked the same times; this is the second check of the invariant.
    if (session_state(at_us(record->created_at_us), at_us(record->previous_seen_at_us),
                      at_us(record->now_us)) != SessionState::live)
        return std::nullopt;
    const auto user = users_.find(record->user_id);
    if (!user || user->disabled || !parse_role(user->role))
        return std::nullopt;
    return SessionCaller{principal_of(*user), csrf_token_for(*id)};
}

LoginResult Sessions::login(std::string_view username, std::string_view password,
                            const std::string& address, LoginThrottle::Clock::time_point now) {
    const auto name = normal_username(username);
    // In memory only: a typed name that matches no one is throttled like a real one, so
    // the delays do not tell which names exist.
    const std::string account_key =
        "account:" + (name ? *name : std::string(username.substr(0, 64)));
    const std::string address_key = "address:" + address;
    const auto wait = std::max(throttle_.wait(account_key, now), throttle_.wait(address_key, now));
    if (wait.count() > 0)
        return {LoginResult::Kind::throttled, std::nullopt, "", wait};
    std::optional<db::UserRecord> user;
    if (name)
        user = users_.find_by_username(*name);
    bool right = false;
    if (user && !user->password_hash.empty()) {
        if (const auto peppered = pepper(vault_, password, user->key_id))
            right = hasher_.verify(user->password_hash, *peppered);
        else
            hasher_.verify_nothing();  // keyed under a key the ring no longer holds
    } else {
        hasher_.verify_nothing();  // no such user, or no password yet: the same time
    }
    if (!right) {
        throttle_.fail(account_key, now);
        throttle_.fail(address_key, now);
        note_login_failure(user ? "user:" + std::to_string(user->id) : address);
        return {LoginResult::Kind::invalid, std::nullopt, "", {}};
    }
    throttle_.succeed(account_key);
    if (user->disabled)
        return {LoginResult::Kind::disabled, user, "", {}};
    if (user->key_id != vault_.key_id())
        rekey(*user, password);
    LoginResult result{LoginResult::Kind::signed_in, user, random_secret(), {}};
    const auto current = secret_digests(vault_, result.session_id).front();
    users_.create_session(user->id, ledger::to_hex(current.digest), current.key_id);
    return result;
}

void Sessions::rekey(const db::UserRecord& user, std::string_view password) {
    (void)store_password(users_, vault_, hasher_, user.id, password);
}

bool Sessions::logout(const Request& request) {
    const auto id = cookie_value(request, kSessionCookie);
    if (!id || !well_formed_secret(*id))
        return false;
    return users_.end_session(digests_hex(secret_digests(vault_, *id)));
}

std::string Sessions::cookie(const std::string& session_id) const {
    return std::string(kSessionCookie) + "=" + session_id +
           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(std::chrono::seconds(kSessionAbsolute).count()) +
           (secure_ ? "; Secure" : "");
}

std::string Sessions::clearing_cookie() const {
    return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
           (secure_ ? "; Secure" : "");
}

void Sessions::note_login_failure(const std::string& key) {
    // One audit row per account or address per minute, written by the aggregator's flush.
    // `key` is never a typed username that matches no one, and never a password.
    failures_.record(AuthFailures::Kind::login, key);
}

}  // namespace riziki::api
