#pragma once
/// What `riziki pii rotate-key` does to the vault tables (migration 0019): reads rows in
/// batches, re-seals them through riziki_pii_reseal, and retires old keys through
/// riziki_pii_retire_keys. db/ never sees a key: it moves sealed bytes and digests.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/program.hpp"

namespace riziki::db {

/// A survivor's sealed row.
struct VaultRow {
    std::string survivor;
    SealedPii sealed;
};

/// A row sealed again: it replaces the row only while that is still under `old_key_id`.
struct Reseal {
    std::string survivor;
    std::string old_key_id;
    SealedPii sealed;                 ///< under the new key
    std::vector<BlindIndex> indexes;  ///< under the new key
};

struct ResealCounts {
    std::size_t resealed = 0;
    /// Gone (erased) or no longer under the old key (another rotator was first).
    std::size_t skipped = 0;
    /// New index values another survivor already holds (not written).
    std::size_t indexes_taken = 0;
};

class VaultKeys {
  public:
    explicit VaultKeys(Pool& pool) : pool_(&pool) {}

    /// At most `limit` rows not sealed under `key_id`, in survivor order after `after`.
    std::vector<VaultRow> rows_not_under(const std::string& key_id, const std::string& after,
                                         std::size_t limit);
    /// Re-seals `batch` in one transaction.
    ResealCounts reseal(const std::vector<Reseal>& batch);
    /// Retires `retired` and deletes the index rows not under `current`, once no vault row
    /// is under another key; answers how many still are (0: done).
    std::int64_t retire_keys(const std::string& current, const std::vector<std::string>& retired);
    /// Keys retired by earlier rotations: never to be used again.
    std::vector<std::string> retired_key_ids();
    /// How many vault rows and index rows are sealed or made under `key_id`.
    std::pair<std::int64_t, std::int64_t> rows_under(const std::string& key_id);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
