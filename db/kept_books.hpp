#pragma once
/// Internal to db/: what the journal writer keeps of the books from one batch to the next,
/// so a batch reads again only what another writer may have changed. Pure: no SQL, so it
/// is tested without a database (tests/db/test_kept_books.cpp).

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "ledger/awards.hpp"

namespace riziki::db {

/// Award statuses as a batch loaded them: it writes those that changed.
using AwardStatuses = std::map<std::string, ledger::AwardStatus>;

/// What the books were after the writer's last batch, kept for the next one: valid only
/// while the journal head is still the one that batch left (no one else wrote entries,
/// the only way fund cash, award figures or award statuses change). Award figures are kept
/// as posting sums and folded as a fresh read folds them (ledger::figures_of), so a kept
/// award plans exactly as a reloaded one would. Fund cash moves as in ledger::Books.
class KeptBooks {
  public:
    /// Past this many awards, everything is forgotten at once when a batch commits (what
    /// a batch then needs is read again with its locks). A programme's active awards fit;
    /// measured with bench_api, keeping every award seen (up to 200,000, about 3.7 KB
    /// each) made the process slower per request as the maps grew: its CPU per entry rose
    /// from 91 to 111 µs over 9,600 awards and six rounds, and stayed at 92-98 µs with
    /// this bound.
    static constexpr std::size_t kAwardsMax = 4'096;

    /// Forgets everything unless the locked head is the one the last batch left.
    void check_head(long long seq, const std::string& hash_hex);
    void clear();

    /// Adds the kept awards among `ids` to `books` and their statuses to `loaded`, and
    /// removes them from `ids`.
    void take_awards(std::set<std::string>& ids, ledger::Books& books, AwardStatuses& loaded) const;
    /// Those of `ids` not kept.
    std::set<std::string> unkept(const std::set<std::string>& ids) const;
    /// Adds the kept cash of `funds` to `books`, and removes those funds from `funds`.
    void take_cash(std::set<std::string>& funds, ledger::Books& books) const;

    /// Keeps what was read from the database, as of the head the batch holds.
    void keep(const ledger::Award& award, const ledger::PostingSums& sums);
    void keep_cash(const std::string& fund, const ledger::Amount& cash);

    /// Moves what is kept by an entry the batch writes (`counts_as`: the event it counts
    /// under): its postings' sums for kept awards, and kept funds' cash. Called before the
    /// commit: a batch that fails clears everything.
    void written(const ledger::EntryDraft& draft, ledger::Event counts_as);
    /// Takes the award statuses the batch writes (those of its books).
    void statuses(const ledger::Books& books);
    /// After the commit: the head the batch left, which the next batch must find.
    void committed(long long seq, const std::string& hash_hex);

  private:
    std::optional<std::pair<long long, std::string>> head_;
    std::map<std::string, ledger::Award> awards_;
    std::map<std::string, ledger::PostingSums> sums_;
    ledger::FundCash cash_;
};

}  // namespace riziki::db
