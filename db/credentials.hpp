#pragma once
/// API tokens, stored keyed (db/keyed_digest.hpp: HMAC under a subkey of the PII key file,
/// migration 0020), on a borrowed db::Pool; and the audit rows of failed authentication.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/keyed_digest.hpp"
#include "db/pool.hpp"
#include "db/program.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {

struct TokenRecord {
    std::int64_t id = 0;
    std::string name;
    std::string role;
    std::vector<std::string> funds;
    std::string key_id;  ///< the key its digest is under; empty while it is plain (pre-0020)
    std::int64_t created_at_us = 0;  ///< microseconds since the Unix epoch, UTC
    std::int64_t expires_at_us = 0;
    std::optional<std::int64_t> revoked_at_us;
};

struct NewToken {
    std::string name;
    std::string role;
    std::vector<std::string> funds;
    KeyedDigest digest;
    std::int64_t lifetime_s = 0;  ///< it expires this many seconds after its creation
};

struct Revocation {
    std::int64_t revoked_at_us = 0;
    bool newly = false;  ///< false: it was revoked before, at revoked_at_us
};

class Credentials {
  public:
    explicit Credentials(Pool& pool) : pool_(&pool) {}

    /// Stores a token, with an audit-log row (actor "cli"); returns its id. Needs the
    /// schema owner's pool: the app role may not insert tokens (migration 0020).
    std::int64_t create_token(const NewToken& token);
    /// The live token (neither revoked nor expired, by the database's clock) stored under
    /// one of `digests` (one per key of the ring).
    std::optional<TokenRecord> find_token(const std::vector<KeyedDigest>& digests);
    /// Re-keys token `id` from `from_key` to `to`; false when it is no longer under
    /// `from_key` (another request re-keyed it first) or was revoked.
    bool rekey_token(std::int64_t id, const std::string& from_key, const KeyedDigest& to);
    /// Revokes token `id` and, when this call revoked it, audits `token.revoke` as `actor`,
    /// in one transaction. nullopt when there is no such token.
    std::optional<Revocation> revoke_token(std::int64_t id, const std::string& actor,
                                           const std::string& request_id);
    /// Tokens with id > after_id, ascending, at most `limit`; only token `only` when given.
    std::vector<TokenRecord> tokens(std::int64_t after_id, std::size_t limit,
                                    std::optional<std::int64_t> only = std::nullopt);
    /// Keys every token still stored as a plain SHA-256 (from before migration 0020) with
    /// `digest` (given the SHA-256) and clears the SHA-256, with one audit row, in one
    /// transaction. Needs the schema owner's pool. Returns how many it keyed.
    std::size_t key_plain_tokens(const std::function<KeyedDigest(const ledger::Hash&)>& digest);
    /// Live tokens whose digest is under one of `key_ids`.
    std::int64_t live_tokens_under(const std::vector<std::string>& key_ids);
    /// Appends `events` to the audit log in one transaction.
    void audit(const std::vector<AuditEvent>& events);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
