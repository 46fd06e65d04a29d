#pragma once
/// The consortium registry, a member's side (SPEC §16, migration 0028): which survivors were
/// sent to the hub under which consortium key and ref, which are waiting to be sent, the
/// matches the hub answered, and the finance officers' acknowledgements of them (kept with the
/// award they were made for, by db::Programme::create_award). Nothing here holds a token, a
/// CLK or PII.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "db/program.hpp"

namespace riziki::db {

/// A survivor to send to the hub: what the encoding needs besides the PII, and what the
/// hub is told.
struct RegistryPending {
    std::string survivor;
    int birth_year = 0;
    std::string month;    ///< the enrolment month, "YYYY-MM"
    std::string support;  ///< "none", "grant" or "loan", from the survivor's awards now
    std::string ref;      ///< "" when never sent under this key
};

/// A match as kept (and as the API answers it).
struct RegistryMatchRow {
    std::string survivor;
    std::string match;  ///< "RM-" + 16 hex digits, the id both members see
    std::string organisation;
    std::string organisation_name;
    std::string since;    ///< "YYYY-MM"
    std::string support;  ///< "none", "grant" or "loan"
    std::string kind;     ///< "exact" or "probable"
    std::string score;    ///< "0.934"
    std::int64_t found_at_us = 0;
    std::string acknowledged_by;  ///< "" when not acknowledged
    std::int64_t acknowledged_at_us = 0;
};

/// A record the hub registered, with the support it was told.
struct RegistrySent {
    std::string ref;
    std::string support;
};

class RegistryStore {
  public:
    explicit RegistryStore(Pool& pool) : pool_(&pool) {}

    /// Survivors waiting to be sent under `key_id`, in code order after `after`: never sent
    /// under it, or sent with another kind of support than their awards give now. Erased
    /// survivors are never sent. `only` (not empty) keeps that survivor alone.
    std::vector<RegistryPending> pending(const std::string& key_id, const std::string& after,
                                         std::size_t limit, const std::string& only = "");
    /// Whether the hub registered `survivor` under `key_id` at least once.
    bool sent(const std::string& survivor, const std::string& key_id);
    /// How many survivors are waiting (the queue's length, for /metrics and `hub sync`).
    std::int64_t waiting(const std::string& key_id);
    /// Each survivor's ref under `key_id`: the one kept, or its `fresh` one now kept (one
    /// statement for them all). In the order of `survivors`.
    std::vector<std::string> refs(const std::vector<std::string>& survivors,
                                  const std::string& key_id, const std::vector<std::string>& fresh);
    /// Records that the hub registered `sent` and answered `matches` (their survivor named
    /// by ref, the survivor field ignored), in one transaction. A match kept before is kept
    /// as first seen.
    void record(const std::vector<RegistrySent>& sent,
                const std::vector<std::pair<std::string, RegistryMatchRow>>& matches);
    /// The survivors registered under `key_id` who received a disbursement (not reversed)
    /// on a day from `from` to `to` (inclusive, "YYYY-MM-DD") and consented to reporting:
    /// the month's activity the hub counts for the consortium's reach, support `loan` when
    /// any of those disbursements was of a loan, else `grant`. In ref order.
    std::vector<RegistrySent> supported(const std::string& key_id, const std::string& from,
                                        const std::string& to);
    /// Refs (under any key) of survivors whose identity was erased and that the hub may still
    /// hold: not withdrawn yet. At most `limit`.
    std::vector<std::string> to_withdraw(std::size_t limit);
    /// Keeps that the hub no longer holds `ref`.
    void withdrawn(const std::string& ref);
    /// The matches kept for `survivor`, with their acknowledgements, oldest first.
    std::vector<RegistryMatchRow> matches(const std::string& survivor);

  private:
    Pool* pool_;
};

}  // namespace riziki::db
