#pragma once
/// Tokens, roles and who may do what (SPEC §7, §8). Roles are checked in one place: the
/// route tables (handlers_*.cpp) name the roles of every route from the sets of roles.hpp,
/// and Router enforces them.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/journal.hpp"

namespace riziki::db {
class Credentials;
class Programme;
}  // namespace riziki::db

namespace riziki::api {

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

/// A fresh token: "rzk_" followed by 64 hex digits (256 random bits from libsodium).
std::string generate_token();

/// What is stored instead of the token.
ledger::Hash token_digest(std::string_view token);

/// Turns an Authorization header into a principal. Tokens found are cached (tokens are
/// never changed once created); unknown ones are looked up each time.
class Authenticator {
  public:
    /// Tokens are looked up in `credentials`; refusals go to the audit log of `programme`.
    Authenticator(db::Credentials& credentials, db::Programme& programme)
        : credentials_(credentials), programme_(programme) {}
    std::optional<Principal> authenticate(std::string_view authorization);
    /// Records a refused request in the audit log (never the token it carried).
    void record_failure(const std::string& request_id, bool had_credentials);

  private:
    db::Credentials& credentials_;
    db::Programme& programme_;
    std::mutex mutex_;
    std::map<ledger::Hash, Principal> cache_;
};

}  // namespace riziki::api
