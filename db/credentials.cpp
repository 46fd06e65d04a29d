#include "db/credentials.hpp"

#include "db/pool_impl.hpp"

namespace riziki::db {

namespace {

constexpr const char* kInsertToken = R"(
INSERT INTO tokens (name, role, funds, token_hmac, key_id, expires_at)
VALUES (:n, :r, CAST(:f AS text[]), decode(:h, 'hex'), :k, now() + :s * interval '1 second')
RETURNING id)";

constexpr const char* kInsertAudit = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail)
VALUES (:a, :q, :x, :s, :d))";

// The columns of a TokenRecord but its funds, then one row per fund of the token (one row
// with a NULL fund when it has none).
const std::string kSelectTokenColumns = R"(
SELECT t.id, t.name, t.role, coalesce(t.key_id, ''),
       (extract(epoch FROM t.created_at) * 1000000)::bigint,
       (extract(epoch FROM t.expires_at) * 1000000)::bigint,
       (extract(epoch FROM t.revoked_at) * 1000000)::bigint, f.code
FROM tokens t LEFT JOIN LATERAL unnest(t.funds) AS f(code) ON true)";

// A live token under one of the (key id, digest) pairs given: expiry and revocation are
// checked here as well as by the server (api/auth.cpp).
const std::string kSelectLiveToken = kSelectTokenColumns + R"(
JOIN unnest(CAST(:k AS text[]), CAST(:d AS text[])) AS c(key_id, hex)
  ON t.token_hmac = decode(c.hex, 'hex') AND t.key_id = c.key_id
WHERE t.revoked_at IS NULL AND t.expires_at > now() ORDER BY f.code)";

const std::string kSelectTokens = kSelectTokenColumns + R"(
WHERE t.id IN (SELECT id FROM tokens WHERE id > :a AND (:o = 0 OR id = :o2)
               ORDER BY id LIMIT :l)
ORDER BY t.id, f.code)";

constexpr const char* kRekeyToken = "SELECT riziki_token_rekey(:i, :f, :k, decode(:h, 'hex'))";

constexpr const char* kRevokeToken = R"(
SELECT (extract(epoch FROM revoked_at) * 1000000)::bigint, CAST(newly AS integer)
FROM riziki_token_revoke(:i))";

constexpr const char* kSelectPlainTokens =
    "SELECT id, encode(token_sha256, 'hex') FROM tokens WHERE token_hmac IS NULL "
    "ORDER BY id FOR UPDATE";

constexpr const char* kKeyPlainToken = R"(
UPDATE tokens SET token_hmac = decode(:h, 'hex'), key_id = :k, token_sha256 = NULL
WHERE id = :i)";

constexpr const char* kCountLiveUnder = R"(
SELECT count(*) FROM tokens WHERE key_id = ANY(CAST(:k AS text[]))
AND revoked_at IS NULL AND expires_at > now())";

std::string text_array(const std::vector<std::string>& values) {
    ArrayLiteral array;
    for (const auto& value : values)
        array.add(value);
    return std::move(array).finish();
}

void insert_audit(soci::session& sql, const AuditEvent& e) {
    sql << kInsertAudit, soci::use(e.actor), soci::use(e.request_id), soci::use(e.action),
        soci::use(e.subject), soci::use(e.detail);
}

/// The tokens of `rows` (the columns of kSelectTokenColumns), in the order they come.
std::vector<TokenRecord> token_records(soci::rowset<soci::row>& rows) {
    std::vector<TokenRecord> out;
    for (const auto& row : rows) {
        const auto id = static_cast<std::int64_t>(row.get<long long>(0));
        if (out.empty() || out.back().id != id) {
            TokenRecord token{id,
                              row.get<std::string>(1),
                              row.get<std::string>(2),
                              {},
                              row.get<std::string>(3),
                              row.get<long long>(4),
                              row.get<long long>(5),
                              std::nullopt};
            if (row.get_indicator(6) == soci::i_ok)
                token.revoked_at_us = row.get<long long>(6);
            out.push_back(std::move(token));
        }
        if (row.get_indicator(7) == soci::i_ok)
            out.back().funds.push_back(row.get<std::string>(7));
    }
    return out;
}

}  // namespace

std::int64_t Credentials::create_token(const NewToken& token) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const std::string array = text_array(token.funds);
            const std::string hash = ledger::to_hex(token.digest.digest);
            const auto lifetime = static_cast<long long>(token.lifetime_s);
            long long id = 0;
            soci::transaction tx(sql);
            sql << kInsertToken, soci::use(token.name), soci::use(token.role), soci::use(array),
                soci::use(hash), soci::use(token.digest.key_id), soci::use(lifetime),
                soci::into(id);
            insert_audit(sql, {"cli", "", "token.create", "token:" + std::to_string(id),
                               token.role + " expires in " + std::to_string(lifetime) + " s"});
            tx.commit();
            return static_cast<std::int64_t>(id);
        },
        false);
}

std::optional<TokenRecord> Credentials::find_token(const std::vector<KeyedDigest>& digests) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<TokenRecord> {
        std::vector<std::string> keys;
        std::vector<std::string> hexes;
        for (const auto& keyed : digests) {
            keys.push_back(keyed.key_id);
            hexes.push_back(ledger::to_hex(keyed.digest));
        }
        const std::string key_array = text_array(keys);
        const std::string hex_array = text_array(hexes);
        soci::rowset<soci::row> rows =
            (sql.prepare << kSelectLiveToken, soci::use(key_array), soci::use(hex_array));
        auto found = token_records(rows);
        if (found.empty())
            return std::nullopt;
        return std::move(found.front());
    });
}

bool Credentials::rekey_token(std::int64_t id, const std::string& from_key, const KeyedDigest& to) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const auto token = static_cast<long long>(id);
            const std::string hash = ledger::to_hex(to.digest);
            int changed = 0;
            sql << kRekeyToken, soci::use(token), soci::use(from_key), soci::use(to.key_id),
                soci::use(hash), soci::into(changed);
            return changed != 0;
        },
        false);
}

std::optional<Revocation> Credentials::revoke_token(std::int64_t id, const std::string& actor,
                                                    const std::string& request_id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) -> std::optional<Revocation> {
            const auto token = static_cast<long long>(id);
            long long at = 0;
            int newly = 0;
            soci::transaction tx(sql);
            sql << kRevokeToken, soci::use(token), soci::into(at), soci::into(newly);
            if (!sql.got_data())
                return std::nullopt;
            if (newly != 0)
                insert_audit(
                    sql, {actor, request_id, "token.revoke", "token:" + std::to_string(id), ""});
            tx.commit();
            return Revocation{at, newly != 0};
        },
        false);
}

std::vector<TokenRecord> Credentials::tokens(std::int64_t after_id, std::size_t limit,
                                             std::optional<std::int64_t> only) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const auto after = static_cast<long long>(after_id);
        const auto one = static_cast<long long>(only.value_or(0));
        const auto count = static_cast<long long>(limit);
        soci::rowset<soci::row> rows = (sql.prepare << kSelectTokens, soci::use(after),
                                        soci::use(one), soci::use(one), soci::use(count));
        return token_records(rows);
    });
}

std::size_t Credentials::key_plain_tokens(
    const std::function<KeyedDigest(const ledger::Hash&)>& digest) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction tx(sql);
            std::vector<std::pair<long long, std::string>> plain;
            {
                soci::rowset<soci::row> rows = (sql.prepare << kSelectPlainTokens);
                for (const auto& row : rows)
                    plain.emplace_back(row.get<long long>(0), row.get<std::string>(1));
            }
            std::string key_id;
            for (const auto& [id, hex] : plain) {
                const auto keyed = digest(ledger::hash_from_hex(hex).value());
                const std::string hash = ledger::to_hex(keyed.digest);
                key_id = keyed.key_id;
                sql << kKeyPlainToken, soci::use(hash), soci::use(keyed.key_id), soci::use(id);
            }
            if (!plain.empty())
                insert_audit(sql, {"server", "", "token.rekey", "key:" + key_id,
                                   std::to_string(plain.size()) +
                                       " tokens stored as a plain SHA-256 keyed"});
            tx.commit();
            return plain.size();
        },
        false);
}

std::int64_t Credentials::live_tokens_under(const std::vector<std::string>& key_ids) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const std::string keys = text_array(key_ids);
        long long count = 0;
        sql << kCountLiveUnder, soci::use(keys), soci::into(count);
        return static_cast<std::int64_t>(count);
    });
}

void Credentials::audit(const std::vector<AuditEvent>& events) {
    if (events.empty())
        return;
    pool_->impl().with_session(
        [&](soci::session& sql) {
            soci::transaction tx(sql);
            for (const auto& event : events)
                insert_audit(sql, event);
            tx.commit();
            return 0;
        },
        false);
}

}  // namespace riziki::db
