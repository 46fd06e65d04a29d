#pragma once
/// Internal to db/: the Idempotency-Key of a POST that creates a programme record, claimed
/// in the record's own transaction (db::IdempotentCreate says what the caller sees).

#include <functional>

#include "db/programme.hpp"
#include "db/sql.hpp"

namespace riziki::db {

/// Runs `insert` (a create's statements, answering the rule it found broken) in one
/// transaction on `sql`, under the key `once` claims when it is not null:
///  1. the key is locked for the transaction (pg_advisory_xact_lock), so a second request
///     under the same key waits here until the first has committed or rolled back;
///  2. a key stored already answers without running `insert`: the same request sets
///     `once->replayed` to the answer kept and returns none, another request returns
///     idempotency_key_reused;
///  3. `insert` runs; a rule it breaks rolls everything back and is returned (the key stays
///     free, as a refused money request leaves it);
///  4. the key is stored with `once->render()`, and the transaction commits: the record and
///     its key are written together or not at all.
ledger::Rejection create_once(soci::session& sql, IdempotentCreate* once,
                              const std::function<ledger::Rejection()>& insert);

}  // namespace riziki::db
