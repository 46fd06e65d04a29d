#pragma once
/// API tokens, stored as SHA-256 digests, on a borrowed db::Pool.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "ledger/journal.hpp"

namespace riziki::db {

struct TokenRecord {
    std::int64_t id = 0;
    std::string name;
    std::string role;
    std::vector<std::string> funds;
};

class Credentials {
  public:
    explicit Credentials(Pool& pool) : pool_(&pool) {}

    /// Stores a token's hash, with an audit-log row; returns its id.
    std::int64_t create_token(const std::string& name, const std::string& role,
                              const std::vector<std::string>& funds,
                              const ledger::Hash& token_sha256);
    std::optional<TokenRecord> find_token(const ledger::Hash& token_sha256);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
