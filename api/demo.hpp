#pragma once
/// `riziki demo`: a small, deterministic ledger to explore, and a fresh token per role.
/// (The full programme — donors, survivors, awards, loans, outcomes — arrives with the
/// domain endpoints; until then the demo books receipts, float top-ups, grant payouts
/// by M-Pesa and their fees straight into the journal.)

#include <string>
#include <utility>
#include <vector>

namespace riziki::db {
class Store;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

/// Seeds the demo ledger if the journal is empty (same seed, same ledger); returns the
/// number of entries written.
int seed_demo(db::Store& store, db::JournalWriter& writer, unsigned seed);

/// Creates one new token per role (the donor's scoped to the demo KES fund); returns
/// (role, token) pairs to print.
std::vector<std::pair<std::string, std::string>> demo_tokens(db::Store& store);

}  // namespace riziki::api
