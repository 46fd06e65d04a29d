// Key rotation's reads and writes of the vault tables (migration 0019).

#include "db/vault_keys.hpp"

#include "db/bytes.hpp"
#include "db/pool_impl.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

constexpr const char* kSelectRowsNotUnder = R"(
SELECT survivor, key_id, encode(nonce, 'hex'), encode(ciphertext, 'hex') FROM survivor_pii
WHERE key_id <> :k AND survivor > :a ORDER BY survivor LIMIT :n)";

constexpr const char* kReseal = R"(
SELECT riziki_pii_reseal(:s, :o, :k, decode(:n, 'hex'), decode(:c, 'hex'),
                         decode(NULLIF(:i, ''), 'hex'), decode(NULLIF(:p, ''), 'hex')))";

constexpr const char* kRetireKeys = "SELECT riziki_pii_retire_keys(:k, CAST(:r AS text[]))";

constexpr const char* kSelectRetiredKeys = "SELECT key_id FROM pii_retired_keys ORDER BY 1";

constexpr const char* kCountRowsUnder = R"(
SELECT (SELECT count(*) FROM survivor_pii WHERE key_id = :k),
       (SELECT count(*) FROM survivor_blind_index WHERE key_id = :j))";

/// The hex digest of the index of `kind` in `indexes`, or "" when it has none.
std::string digest_of(const std::vector<BlindIndex>& indexes, const std::string& kind) {
    for (const auto& index : indexes) {
        if (index.kind == kind)
            return hex_of(index.digest);
    }
    return "";
}

}  // namespace

std::vector<VaultRow> VaultKeys::rows_not_under(const std::string& key_id, const std::string& after,
                                                std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        std::vector<VaultRow> rows;
        const long long n = static_cast<long long>(limit);
        soci::rowset<soci::row> found =
            (sql.prepare << kSelectRowsNotUnder, soci::use(key_id), soci::use(after), soci::use(n));
        for (const auto& row : found) {
            rows.push_back({row.get<std::string>(0),
                            {row.get<std::string>(1), bytes_of_bytea(row.get<std::string>(2)),
                             bytes_of_bytea(row.get<std::string>(3))}});
        }
        return rows;
    });
}

ResealCounts VaultKeys::reseal(const std::vector<Reseal>& batch) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            ResealCounts counts;
            soci::transaction tx(sql);
            for (const auto& row : batch) {
                const std::string nonce = hex_of(row.sealed.nonce);
                const std::string cipher = hex_of(row.sealed.ciphertext);
                const std::string id = digest_of(row.indexes, "national_id");
                const std::string phone = digest_of(row.indexes, "phone");
                int answer = 0;
                sql << kReseal, soci::use(row.survivor), soci::use(row.old_key_id),
                    soci::use(row.sealed.key_id), soci::use(nonce), soci::use(cipher),
                    soci::use(id), soci::use(phone), soci::into(answer);
                if (answer < 0) {
                    ++counts.skipped;
                } else {
                    ++counts.resealed;
                    counts.indexes_taken += static_cast<std::size_t>(answer);
                }
            }
            tx.commit();
            return counts;
        },
        false);
}

std::int64_t VaultKeys::retire_keys(const std::string& current,
                                    const std::vector<std::string>& retired) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            ArrayLiteral array;
            for (const auto& id : retired)
                array.add(id);
            const std::string ids = std::move(array).finish();
            long long remaining = 0;
            sql << kRetireKeys, soci::use(current), soci::use(ids), soci::into(remaining);
            return static_cast<std::int64_t>(remaining);
        },
        false);
}

std::vector<std::string> VaultKeys::retired_key_ids() {
    return pool_->impl().with_session([](soci::session& sql) {
        std::vector<std::string> ids;
        soci::rowset<std::string> rows = (sql.prepare << kSelectRetiredKeys);
        for (const auto& id : rows)
            ids.push_back(id);
        return ids;
    });
}

std::pair<std::int64_t, std::int64_t> VaultKeys::rows_under(const std::string& key_id) {
    return pool_->impl().with_session([&](soci::session& sql) {
        long long rows = 0;
        long long indexes = 0;
        sql << kCountRowsUnder, soci::use(key_id), soci::use(key_id), soci::into(rows),
            soci::into(indexes);
        return std::pair<std::int64_t, std::int64_t>{rows, indexes};
    });
}

}  // namespace riziki::db
