#pragma once
/// The consortium hub's database (`riziki hub`, db/hub_migrations, docs/registry.md "The
/// hub's API"): members, the keyed records they send, the matches between records of
/// different members, monthly activity and the append-only audit log, on a borrowed
/// db::Pool. Finding matches is not done here: the caller's finder (api/registry_index.hpp)
/// names them, and the store keeps them with their stable ids.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "ledger/journal.hpp"
#include "reports/inputs.hpp"

namespace riziki::db {

struct HubMember {
    std::int64_t id = 0;
    std::string org_code;
    std::string name;
};

/// A member's record of one survivor: only keyed values and coarse facts.
struct HubRecord {
    std::int64_t id = 0;  ///< assigned by the store
    std::int64_t member = 0;
    std::string ref;
    std::optional<ledger::Hash> id_token;
    std::optional<ledger::Hash> phone_token;
    std::optional<ledger::Hash> name_token;
    ledger::Hash year_token{};  ///< the record's own birth year's token
    std::array<unsigned char, 128> clk{};
    std::string month;    ///< YYYY-MM, the enrolment month
    std::string support;  ///< none, grant or loan
};

/// A record of another member that a record matches, as the finder names it.
struct HubCandidate {
    std::int64_t record = 0;
    std::string kind;   ///< exact or probable
    std::string score;  ///< 3 decimals, "1.000" for exact
};

/// A match as a member sees it: its own record's ref and the other member's side.
struct HubMatch {
    std::string ref;
    std::string match;  ///< RM- and 16 hex digits, the same for both members
    std::string organisation;
    std::string organisation_name;
    std::string since;  ///< YYYY-MM
    std::string support;
    std::string kind;
    std::string score;
};

/// One line of the audit log: never a token or a record's values.
struct HubAuditLine {
    std::optional<std::int64_t> member;
    std::string action;
    std::int64_t records = 0;
    std::int64_t matches = 0;
    std::string request_id;
};

struct RemovedMember {
    std::int64_t id = 0;
    std::int64_t records = 0;  ///< how many of its records were deleted
};

/// One row of a member's activity for a month.
struct HubActivity {
    std::string ref;
    std::string support;
};

/// What the finder answers for a record being registered: the other members' records it
/// matches (api/registry_index.hpp).
using HubFinder = std::function<std::vector<HubCandidate>(const HubRecord&)>;

class HubStore {
  public:
    explicit HubStore(Pool& pool) : pool_(pool) {}

    /// Adds a member with the SHA-256 of its token; false when the org code (live or
    /// removed: codes are never reused) or the token digest is taken.
    bool add_member(const std::string& org_code, const std::string& name,
                    const ledger::Hash& token_sha256);
    /// Revokes the member's token and deletes its records, their matches and its activity,
    /// with an audit line, in one transaction; nullopt when no live member has that code.
    std::optional<RemovedMember> remove_member(const std::string& org_code);
    /// The live member whose token has this SHA-256.
    std::optional<HubMember> live_member(const ledger::Hash& token_sha256);

    /// Every record of live members, for the index at start.
    std::vector<HubRecord> records();
    /// Registers `records` of `member` (inserting, or replacing the record of the same ref,
    /// which keeps its id), fills in their ids, and keeps the matches `find` names for each,
    /// dropping those it no longer names; with `audit` (its `matches` counted here), in one
    /// transaction. Answers each record's matches in order, and in `gone` the candidates
    /// whose record no longer exists (a member removed while the hub ran: the caller drops
    /// them from its index).
    std::vector<std::vector<HubMatch>> check(std::int64_t member, std::vector<HubRecord>& records,
                                             const HubFinder& find, std::vector<std::int64_t>& gone,
                                             HubAuditLine audit);
    /// Every match that involves a record of `member`.
    std::vector<HubMatch> matches(std::int64_t member);
    /// Deletes the member's record of `ref` with its matches and activity: its id, or
    /// nullopt when there is none.
    std::optional<std::int64_t> delete_record(std::int64_t member, const std::string& ref);
    /// Replaces the member's activity of `month` (YYYY-MM) with `rows`. Answers the refs the
    /// member has no record of (then nothing is changed).
    std::vector<std::string> replace_activity(std::int64_t member, const std::string& month,
                                              const std::vector<HubActivity>& rows);
    /// Every activity row of live members in the months `from` to `to` (YYYY-MM, both
    /// included), with its record's tokens and record key: what the consortium statistics
    /// are computed from (reports/consortium_statistics.hpp).
    std::vector<reports::ConsortiumActivity> activity_between(const std::string& from,
                                                              const std::string& to);
    void audit(const HubAuditLine& line);

  private:
    Pool& pool_;
};

/// "RM-" and 16 random hex digits (OpenSSL's RAND_bytes).
std::string fresh_match_id();

}  // namespace riziki::db
