#pragma once
/// People who sign in (SPEC §12): users, set-password links and sessions, on a borrowed
/// db::Pool. Credentials arrive already keyed (api/sessions.cpp, api/passwords.cpp): this
/// layer stores and compares digests given as hex and never sees a secret. Times are
/// microseconds since the Unix epoch, as the database's clock gave them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"

namespace riziki::db {

struct UserRecord {
    std::int64_t id = 0;
    std::string username;  ///< lower case
    std::string display_name;
    std::string role;
    std::vector<std::string> funds;
    std::string password_hash;  ///< crypto_pwhash_str text; empty when none is set
    std::string key_id;         ///< the credential key the hash is peppered under
    bool disabled = false;
    std::int64_t created_at_us = 0;
};

struct NewUser {
    std::string username;
    std::string display_name;
    std::string role;
    std::vector<std::string> funds;
};

enum class CreateUserResult { created, username_taken, fund_not_found };

/// A set-password link as found by its code.
struct LinkRecord {
    std::int64_t user_id = 0;
    bool used = false;
    bool replaced = false;
    bool expired = false;
    bool user_disabled = false;
};

/// A live session, as riziki_session_use found and touched it.
struct SessionRecord {
    std::int64_t session_id = 0;
    std::int64_t user_id = 0;
    std::int64_t created_at_us = 0;
    std::int64_t previous_seen_at_us = 0;
    std::int64_t now_us = 0;  ///< the database's clock at the lookup
};

class Users {
  public:
    explicit Users(Pool& pool) : pool_(&pool) {}

    /// Inserts a user without a password; `id` is set when created. The caller audits.
    CreateUserResult create(const NewUser& user, std::int64_t& id);
    std::optional<UserRecord> find(std::int64_t id);
    std::optional<UserRecord> find_by_username(const std::string& username_lower);
    /// Users with id > after_id, ascending, at most `limit`.
    std::vector<UserRecord> list(std::int64_t after_id, std::size_t limit);
    /// False when the user is unknown or disabled.
    bool set_password(std::int64_t user, const std::string& hash, const std::string& key_id);
    /// False when the user is unknown or was disabled before.
    bool disable(std::int64_t user);

    /// A new link (every earlier live link of the user dies; with `reset` the password is
    /// cleared and sessions end). 0 when the user is unknown or disabled.
    std::int64_t issue_link(std::int64_t user, const std::string& digest_hex,
                            const std::string& key_id, int valid_hours, bool reset);
    std::optional<LinkRecord> find_link(const std::vector<std::string>& digests_hex);
    /// The user whose password was set; 0 when no live link matched (used in between).
    std::int64_t redeem_link(const std::vector<std::string>& digests_hex, const std::string& hash,
                             const std::string& key_id);

    /// Stores a new session of `user`; its id.
    std::int64_t create_session(std::int64_t user, const std::string& digest_hex,
                                const std::string& key_id);
    std::optional<SessionRecord> use_session(const std::vector<std::string>& digests_hex);
    bool end_session(const std::vector<std::string>& digests_hex);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
