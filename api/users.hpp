#pragma once
/// People who sign in (SPEC §12): usernames, set-password links, and setting a password,
/// shared by `riziki user create`, the admin routes (handlers_users.cpp) and the demo.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/passwords.hpp"
#include "db/users.hpp"

namespace riziki::api {

/// How long a set-password link works.
inline constexpr int kLinkValidHours = 72;

/// `typed` in lower case when it is a username: 3-64 of a-z, 0-9, '.', '_' and '-',
/// starting with a letter or digit (the users table's CHECK says the same); else nullopt.
std::optional<std::string> normal_username(std::string_view typed);

/// A one-time set-password link, shown once.
struct SetPasswordLink {
    std::string code;  ///< 64 hex digits (256 random bits)
    /// Where the web app takes it: "/set-password#" + code. After '#', the code never
    /// reaches a server log or a Referer header.
    std::string path;
    int valid_hours = kLinkValidHours;
};

/// A new link for `user` (any earlier live link dies; with `reset` the password is cleared
/// and the user's sessions end). nullopt when the user is unknown or disabled.
std::optional<SetPasswordLink> issue_link(db::Users& users, const PiiVault& vault,
                                          std::int64_t user, bool reset);

/// The stored digests a secret (a link code, a session id) may have: HMAC(credential key,
/// SHA-256(secret)) under each key of the ring, current first.
std::vector<KeyedDigest> secret_digests(const PiiVault& vault, std::string_view secret);
/// The digests as hex, in order, for the database.
std::vector<std::string> digests_hex(const std::vector<KeyedDigest>& digests);

/// 64 hex digits of fresh randomness (256 bits): session ids and link codes.
std::string random_secret();

/// Hashes `password` (already checked against the rules) under the current key and stores
/// it. False when the user is unknown or disabled.
bool store_password(db::Users& users, const PiiVault& vault, PasswordHasher& hasher,
                    std::int64_t user, std::string_view password);

}  // namespace riziki::api

namespace riziki::db {
class Programme;
}

namespace riziki::api {

/// What `riziki user create` was asked.
struct UserCreateRequest {
    std::string username;
    std::string role;
    std::vector<std::string> funds;
    std::string name;
    /// Set: the password read from standard input (--password-stdin) instead of a link.
    std::optional<std::string> password;
};

/// `riziki user create`: creates the user (audited as "cli") and prints its set-password
/// link's path on stdout, or sets the password given. Throws UsageError for a bad request;
/// returns the exit code.
int create_user_command(db::Users& users, db::Programme& programme, const PiiVault& vault,
                        const UserCreateRequest& request);

/// `riziki demo`: one user per role of a person (demo-admin, demo-finance, demo-field,
/// demo-donor scoped to `donor_funds`, demo-auditor), made if missing, all given the one
/// fresh `password` (each start: printed like the tokens).
void ensure_demo_users(db::Users& users, const PiiVault& vault,
                       const std::vector<std::string>& donor_funds, const std::string& password);

}  // namespace riziki::api
