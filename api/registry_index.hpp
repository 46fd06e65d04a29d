#pragma once
/// The consortium hub's matching rule (docs/registry.md "The hub's API"), over every record
/// the hub holds, in memory: pure (no SQL, no HTTP, no clock). The hub loads it from its
/// database at start and changes it with every record registered or withdrawn. Thread-safe:
/// finds share a lock, changes take it alone.
///
/// Records are found by equal exact tokens (id, phone, name) and, for the CLK comparison,
/// blocked by their own birth year's token: a check compares its CLK only with the records
/// born within a year of it (the three year tokens it sends), not with everything.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/registry_encoding.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

/// The CLK Dice at or above which two records born within a year of each other are a
/// `probable` match. From performance.md "Consortium registry: matching accuracy": recall
/// is about 0.99 at 0.85, and with the id veto precision reaches about 0.99 at 0.91 (recall
/// 0.957). 0.90 keeps recall above the 0.95 goal on every seed while precision stays near
/// 0.99; a probable match is for people to review, never acted on by itself.
inline constexpr double kProbableDice = 0.90;

/// A record as the index holds it.
struct IndexedRecord {
    std::int64_t id = 0;
    std::int64_t member = 0;
    std::optional<ledger::Hash> id_token;
    std::optional<ledger::Hash> phone_token;
    std::optional<ledger::Hash> name_token;
    ledger::Hash year_token{};  ///< its own birth year's
    Clk clk;
};

/// What a check asks about: a record's tokens with the three year tokens it sent.
struct IndexQuery {
    std::int64_t member = 0;  ///< only records of other members are answered
    std::optional<ledger::Hash> id_token;
    std::optional<ledger::Hash> phone_token;
    std::optional<ledger::Hash> name_token;
    std::array<ledger::Hash, 3> year_tokens{};  ///< birth year - 1, the year, + 1
    Clk clk;
};

enum class MatchKind : std::uint8_t { exact, probable };

struct IndexMatch {
    std::int64_t record = 0;
    MatchKind kind = MatchKind::exact;
    double score = 1.0;  ///< 1 for exact; the CLK Dice for probable
};

/// A member's encoding as the index holds it, under the hub's record id and member.
IndexedRecord indexed_record(const RegistryEncoding& encoding, std::int64_t id,
                             std::int64_t member);
/// A member's encoding as a check asks with it.
IndexQuery index_query(const RegistryEncoding& encoding, std::int64_t member);

/// The rule for one pair, in order: an equal id or phone token is `exact`; ids both present
/// and different veto the rest; an equal name token, or a Dice ≥ `probable_dice` with
/// `candidate`'s year among the query's, is `probable`; otherwise none. The hub decides with
/// kProbableDice; the accuracy benchmark (performance.md) tries others with the same rule.
std::optional<IndexMatch> match_pair(const IndexQuery& query, const IndexedRecord& candidate,
                                     double probable_dice = kProbableDice);

/// "exact" or "probable".
const char* to_string(MatchKind kind);
/// A score as the wire carries it: 3 decimals ("1.000", "0.912"), rounded down so a Dice
/// just under 1 is never shown as 1.000.
std::string score_text(double score);

class RegistryIndex {
  public:
    /// Adds `record`, or replaces the one with its id.
    void put(const IndexedRecord& record);
    /// Removes the record with this id, if held.
    void remove(std::int64_t id);
    /// The records of other members that `query` matches, exact first, then by score
    /// (highest first), then by id.
    std::vector<IndexMatch> find(const IndexQuery& query) const;
    std::size_t size() const;

  private:
    struct HashOfToken {
        std::size_t operator()(const ledger::Hash& hash) const;
    };
    using Postings = std::unordered_map<ledger::Hash, std::vector<std::int64_t>, HashOfToken>;
    /// What the Dice scan of a birth year reads, kept together so that the scan runs through
    /// contiguous memory rather than looking each record up (a year holds thousands).
    struct YearEntry {
        std::int64_t id = 0;
        std::int64_t member = 0;
        bool has_id_token = false;
        Clk clk;
    };
    using YearPostings = std::unordered_map<ledger::Hash, std::vector<YearEntry>, HashOfToken>;
    void unlink(const IndexedRecord& record);

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::int64_t, IndexedRecord> records_;
    Postings by_id_;
    Postings by_phone_;
    Postings by_name_;
    YearPostings by_year_;
};

}  // namespace riziki::api
