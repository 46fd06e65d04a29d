// Erasing a survivor's identity (docs/privacy.md): the database's erase_survivor_pii()
// (migration 0018) does the work, so riziki_app needs no DELETE on the vault.

#include <stdexcept>

#include "db/pool_impl.hpp"
#include "db/programme.hpp"
#include "db/record_claims.hpp"

namespace riziki::db {

namespace {

using ledger::Rejection;

constexpr const char* kEraseSurvivorPii = "SELECT erase_survivor_pii(:s, :r, :a, :q)";

constexpr const char* kSelectErasure = R"(
SELECT survivor, reason, erased_by, (extract(epoch FROM erased_at) * 1000000)::bigint
FROM survivor_erasures WHERE survivor = :s)";

std::optional<PiiErasure> read_erasure(soci::session& sql, const std::string& survivor) {
    PiiErasure erasure;
    long long at_us = 0;
    sql << kSelectErasure, soci::use(survivor), soci::into(erasure.survivor),
        soci::into(erasure.reason), soci::into(erasure.erased_by), soci::into(at_us);
    if (!sql.got_data())
        return std::nullopt;
    erasure.erased_at_us = at_us;
    return erasure;
}

/// The function's answer as a rule: none, survivor_not_found or pii_erased.
Rejection erase(soci::session& sql, PiiErasure& erasure, const std::string& request_id) {
    std::string answer;
    sql << kEraseSurvivorPii, soci::use(erasure.survivor), soci::use(erasure.reason),
        soci::use(erasure.erased_by), soci::use(request_id), soci::into(answer);
    const auto rule =
        answer == "none" ? std::optional(Rejection::none) : ledger::parse_rejection(answer);
    if (!rule || (*rule != Rejection::none && *rule != Rejection::survivor_not_found &&
                  *rule != Rejection::pii_erased)) {
        throw std::runtime_error("erase_survivor_pii answered '" + answer + "'");
    }
    if (*rule == Rejection::none)
        erasure.erased_at_us = read_erasure(sql, erasure.survivor).value().erased_at_us;
    return *rule;
}

}  // namespace

Rejection Programme::erase_survivor_pii(PiiErasure& erasure, const std::string& request_id,
                                        IdempotentCreate* once) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            return create_once(sql, once, [&] { return erase(sql, erasure, request_id); });
        },
        false);
}

std::optional<PiiErasure> Programme::pii_erasure(const std::string& survivor) {
    return pool_->impl().with_session(
        [&](soci::session& sql) { return read_erasure(sql, survivor); });
}

}  // namespace riziki::db
