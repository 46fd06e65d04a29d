#pragma once
/// Cookie sessions of people who sign in (SPEC §12; issue 18's shared design). A session id
/// is 256 random bits, sent only in the `riziki_session` cookie (HttpOnly, SameSite=Strict,
/// Path=/, Secure under TLS) and stored as HMAC(credential key, SHA-256(id)). Sessions end
/// after 30 minutes idle or 12 hours in all, checked twice: by the database's lookup and by
/// session_state() here. A disabled user's sessions stop on their next request (sessions
/// are looked up in the database on every request, never cached). A request made with the
/// cookie that may change something (POST, PUT, PATCH, DELETE) must carry the session's
/// CSRF token in `X-CSRF-Token`.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth.hpp"
#include "api/auth_failures.hpp"
#include "api/http_server.hpp"
#include "api/login_throttle.hpp"
#include "api/passwords.hpp"
#include "db/users.hpp"

namespace riziki::api {

inline constexpr std::string_view kSessionCookie = "riziki_session";
inline constexpr std::chrono::minutes kSessionIdle{30};
inline constexpr std::chrono::hours kSessionAbsolute{12};

enum class SessionState : std::uint8_t { live, idle_expired, absolute_expired };

/// The policy, a pure function of the session's times and `now`: absolute expiry first
/// (12 h after `created`), then idle expiry (30 min after `last_seen`); each bound is
/// exclusive (a session exactly 30 minutes idle has ended).
SessionState session_state(std::chrono::system_clock::time_point created,
                           std::chrono::system_clock::time_point last_seen,
                           std::chrono::system_clock::time_point now);

/// The value of cookie `name` in the request's Cookie headers; nullopt when absent.
std::optional<std::string> cookie_value(const Request& request, std::string_view name);

/// The CSRF token of a session: hex SHA-256 of a label and the session id. Knowing it does
/// not give the session id back, and it needs no storage.
std::string csrf_token_for(std::string_view session_id);

/// A principal of a session with the session's CSRF token.
struct SessionCaller;
/// Whether `request` may go on as `caller`: a safe method (GET, HEAD, OPTIONS), or an
/// `X-CSRF-Token` header equal to the session's token (compared in constant time).
bool csrf_satisfied(const Request& request, const SessionCaller& caller);

struct SessionCaller {
    Principal principal;
    std::string csrf_token;
};

/// What a login found.
struct LoginResult {
    enum class Kind : std::uint8_t { signed_in, invalid, disabled, throttled } kind;
    std::optional<db::UserRecord> user;
    std::string session_id;              ///< signed_in: the new session's id (for the cookie)
    std::chrono::seconds retry_after{};  ///< throttled
};

class Sessions {
  public:
    /// `secure`: the server speaks HTTPS itself or behind a TLS proxy; cookies get `Secure`.
    /// Failed logins are counted by `failures`.
    Sessions(db::Users& users, const PiiVault& vault, AuthFailures& failures, bool secure)
        : users_(users), vault_(vault), failures_(failures), secure_(secure) {}

    /// The caller of the request's session cookie; nullopt when it has none that is live.
    std::optional<SessionCaller> authenticate(const Request& request);
    /// Checks `password` of `username` from `address` at `now` (throttled first; an unknown
    /// user costs a hash too), and opens a session when it is right.
    LoginResult login(std::string_view username, std::string_view password,
                      const std::string& address, LoginThrottle::Clock::time_point now);
    /// Ends the request's session; false when it had none that was live.
    bool logout(const Request& request);

    /// Set-Cookie for a new session, and the one that clears it.
    std::string cookie(const std::string& session_id) const;
    std::string clearing_cookie() const;

    /// Every failed login goes through here, counted with the other failed authentications
    /// (api/auth_failures.hpp): `key` is "user:N" for a known account, else the client
    /// address.
    void note_login_failure(const std::string& key);

    db::Users& users() { return users_; }
    const PiiVault& vault() const { return vault_; }
    PasswordHasher& hasher() { return hasher_; }

  private:
    /// Re-hashes a password keyed under a retired key of the ring under the current one.
    void rekey(const db::UserRecord& user, std::string_view password);

    db::Users& users_;
    const PiiVault& vault_;
    AuthFailures& failures_;
    bool secure_;
    PasswordHasher hasher_;
    LoginThrottle throttle_;
};

/// The principal of a user.
Principal principal_of(const db::UserRecord& user);

}  // namespace riziki::api
