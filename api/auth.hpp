#pragma once
/// Tokens, roles and who may do what (SPEC §7, §8). Roles are checked in one place: the
/// route tables (handlers_*.cpp) name the roles of every route from the sets of roles.hpp,
/// and Router enforces them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_server.hpp"
#include "db/keyed_digest.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {
class Credentials;
}  // namespace riziki::db

namespace riziki::api {

class AuthFailures;
class PiiVault;

/// The roles of people (admin, finance, field, donor, auditor; SPEC §8) and one of a
/// machine: `metrics`, the role of a Prometheus scraper, which may read GET /metrics and
/// nothing else.
enum class Role : std::uint8_t { admin, finance, field, donor, auditor, metrics };
/// Every role a token may have; the tokens table's CHECK lists the same (migration 0016).
inline constexpr Role kAllRoles[] = {Role::admin, Role::finance, Role::field,
                                     Role::donor, Role::auditor, Role::metrics};
/// The roles of people: every role but metrics.
inline constexpr Role kPeopleRoles[] = {Role::admin, Role::finance, Role::field, Role::donor,
                                        Role::auditor};

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

/// The caller behind a valid token or session.
struct Principal {
    /// How the caller authenticated: a bearer token, or a session cookie (api/sessions.hpp).
    enum class Via : std::uint8_t { token, session };

    std::int64_t token_id = 0;
    std::string name;
    Role role = Role::auditor;
    std::vector<std::string> funds;  ///< a donor's funds; empty for other roles
    std::int64_t expires_at_us = 0;  ///< when its credential expires (µs since the epoch)
    Via via = Via::token;
    std::int64_t user_id = 0;  ///< the person of a session; 0 for a token

    /// Actor recorded on entries and idempotency keys: stable, and no secret.
    std::string actor() const {
        return via == Via::session ? "user:" + std::to_string(user_id)
                                   : "token:" + std::to_string(token_id);
    }
    /// Donors see only their own funds; every other role that may read a fund sees all.
    bool may_see_fund(std::string_view fund) const;
};

/// `digits` (even) lower-case hex digits of libsodium's random bytes: the secret part of a
/// token, a callback URL's secret.
std::string random_hex(std::size_t digits);

/// A fresh token: "rzk_" followed by 64 hex digits (256 random bits from libsodium).
std::string generate_token();

/// SHA-256 of the token: the secret its stored digest is keyed from (the digest itself is
/// PiiVault::credential_digests of these 32 bytes, so tokens stored as a plain SHA-256
/// before migration 0020 could be keyed without the tokens).
ledger::Hash token_digest(std::string_view token);

/// The digests of a token whose SHA-256 is `token_sha256` under each key of the vault's
/// ring, current first.
std::vector<db::KeyedDigest> token_digests(const PiiVault& vault, const ledger::Hash& token_sha256);

/// A token id as GET /v1/tokens lists it (a positive decimal number); nullopt otherwise.
std::optional<std::int64_t> parse_token_id(std::string_view text);

/// How long a token lives unless told (`--expires-in`), and the most it may (SPEC §12).
inline constexpr std::int64_t kTokenLifetimeDefaultS = 90LL * 24 * 3600;
inline constexpr std::int64_t kTokenLifetimeMaxS = 365LL * 24 * 3600;
/// `--expires-in`: a whole number of days ("30d") or hours ("12h"), more than 0 and at
/// most a year (365d, 8760h), in seconds; nullopt for anything else.
std::optional<std::int64_t> parse_token_lifetime(std::string_view text);

/// A new token of `role`, stored keyed under the vault's current key with an audit row,
/// expiring `lifetime_s` seconds from now: its id and the token (shown once). `credentials`
/// must be on the schema owner's pool (the app role may not insert tokens).
std::pair<std::int64_t, std::string> issue_token(db::Credentials& credentials,
                                                 const PiiVault& vault, const std::string& name,
                                                 Role role, const std::vector<std::string>& funds,
                                                 std::int64_t lifetime_s);

/// Time for the token cache (steady) and for expiry (the wall clock): tests move them.
struct AuthClocks {
    std::function<std::chrono::steady_clock::time_point()> steady = [] {
        return std::chrono::steady_clock::now();
    };
    std::function<std::chrono::system_clock::time_point()> wall = [] {
        return std::chrono::system_clock::now();
    };
};

/// Turns a request's Authorization header into a principal. A token found is cached for at
/// most kCacheLifetime, so a revocation, an expiry or a row changed by hand is obeyed
/// within that; a revocation through this server (forget) at once.
class Authenticator {
  public:
    static constexpr std::chrono::milliseconds kCacheLifetime{1000};
    using Clocks = AuthClocks;

    /// Tokens are looked up in `credentials` under the keys of `vault`; failures are
    /// counted by `failures`.
    Authenticator(db::Credentials& credentials, const PiiVault& vault, AuthFailures& failures,
                  Clocks clocks = {})
        : credentials_(credentials),
          vault_(vault),
          failures_(failures),
          clocks_(std::move(clocks)) {}
    /// The principal behind the request's bearer token, or nullopt when there is none, or it
    /// is malformed, unknown, expired or revoked. A token under a retiring key of the ring
    /// is re-keyed under the current one.
    std::optional<Principal> authenticate(const Request& request, const RequestContext& context);
    /// Counts a refused request by its client's address (api/auth_failures.hpp); no audit
    /// row of its own, and never the token it carried.
    void record_failure(const Request& request, const RequestContext& context);
    /// Drops the cached principal of token `id` (revoked through this server).
    void forget(std::int64_t token_id);

  private:
    struct Cached {
        Principal principal;
        std::chrono::steady_clock::time_point read_at;
        std::string key_id;  ///< the key the token's stored digest is under
    };
    std::optional<Principal> look_up(std::string_view token);

    db::Credentials& credentials_;
    const PiiVault& vault_;
    AuthFailures& failures_;
    Clocks clocks_;
    std::mutex mutex_;
    std::map<ledger::Hash, Cached> cache_;
};

}  // namespace riziki::api
