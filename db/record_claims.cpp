#include "db/record_claims.hpp"

namespace riziki::db {

namespace {

using ledger::Rejection;

// The two-key form of advisory locks is a space of its own, apart from the one-bigint
// lock the migrator takes; the first key says the lock is an idempotency key's. Two keys
// whose hashes collide only wait for each other.
constexpr int kKeyLockClass = 0x52494b49;  // "RIKI"
constexpr const char* kLockKey =
    "SELECT pg_advisory_xact_lock(:class, hashtext(:actor || chr(10) || :key))";

constexpr const char* kSelectKey = R"(
SELECT encode(request_hash, 'hex'), status, response FROM idempotency_keys
WHERE actor = :a AND key = :k)";

// A record answers no entry: entry_seq stays NULL. ON CONFLICT catches a money request
// under the same key that the journal writer committed meanwhile (it does not take the
// lock); that request was another one, so the key is reused.
constexpr const char* kInsertKey = R"(
WITH i AS (INSERT INTO idempotency_keys (actor, key, request_hash, status, response)
           VALUES (:a, :k, decode(:h, 'hex'), :s, :r)
           ON CONFLICT (actor, key) DO NOTHING RETURNING 1)
SELECT count(*) FROM i)";

/// Locks the key and reads what it holds: none when it is free.
Rejection claim(soci::session& sql, IdempotentCreate& once) {
    const auto& c = once.claim;
    const int lock_class = kKeyLockClass;
    sql << kLockKey, soci::use(lock_class), soci::use(c.actor), soci::use(c.key);
    std::string hash_hex;
    StoredResponse stored;
    sql << kSelectKey, soci::use(c.actor), soci::use(c.key), soci::into(hash_hex),
        soci::into(stored.status), soci::into(stored.body);
    if (!sql.got_data())
        return Rejection::none;
    if (hash_hex != ledger::to_hex(c.request_hash))
        return Rejection::idempotency_key_reused;
    once.replayed = std::move(stored);
    return Rejection::none;
}

bool store(soci::session& sql, const IdempotencyClaim& c, const StoredResponse& response) {
    const std::string hash_hex = ledger::to_hex(c.request_hash);
    int inserted = 0;
    sql << kInsertKey, soci::use(c.actor), soci::use(c.key), soci::use(hash_hex),
        soci::use(response.status), soci::use(response.body), soci::into(inserted);
    return inserted == 1;
}

}  // namespace

Rejection create_once(soci::session& sql, IdempotentCreate* once,
                      const std::function<Rejection()>& insert) {
    soci::transaction tx(sql);
    if (once != nullptr) {
        if (const auto rule = claim(sql, *once); rule != Rejection::none || once->replayed)
            return rule;
    }
    if (const auto rule = insert(); rule != Rejection::none)
        return rule;
    if (once != nullptr && !store(sql, once->claim, once->render()))
        return Rejection::idempotency_key_reused;
    tx.commit();
    return Rejection::none;
}

}  // namespace riziki::db
