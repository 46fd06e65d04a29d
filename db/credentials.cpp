#include "db/credentials.hpp"

#include "db/pool_impl.hpp"

namespace riziki::db {

namespace {

constexpr const char* kInsertToken = R"(
INSERT INTO tokens (name, role, funds, token_sha256)
VALUES (:n, :r, CAST(:f AS text[]), decode(:h, 'hex')) RETURNING id)";

constexpr const char* kAuditTokenCreate = R"(
INSERT INTO audit_log (actor, request_id, action, subject, detail)
VALUES ('cli', '', 'token.create', :s, :r))";

// One row per fund of the token (one row with a NULL fund when it has none).
constexpr const char* kSelectToken = R"(
SELECT id, name, role, f.code FROM tokens
LEFT JOIN LATERAL unnest(funds) AS f(code) ON true
WHERE token_sha256 = decode(:h, 'hex') ORDER BY f.code)";

}  // namespace

std::int64_t Credentials::create_token(const std::string& name, const std::string& role,
                                       const std::vector<std::string>& funds,
                                       const ledger::Hash& token_sha256) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            ArrayLiteral fund_array;
            for (const auto& fund : funds)
                fund_array.add(fund);
            const std::string array = std::move(fund_array).finish();
            const std::string hash = ledger::to_hex(token_sha256);
            long long id = 0;
            soci::transaction tx(sql);
            sql << kInsertToken, soci::use(name), soci::use(role), soci::use(array),
                soci::use(hash), soci::into(id);
            const std::string subject = "token:" + std::to_string(id);
            sql << kAuditTokenCreate, soci::use(subject), soci::use(role);
            tx.commit();
            return static_cast<std::int64_t>(id);
        },
        false);
}

std::optional<TokenRecord> Credentials::find_token(const ledger::Hash& token_sha256) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<TokenRecord> {
        const std::string hash = ledger::to_hex(token_sha256);
        soci::rowset<soci::row> rows = (sql.prepare << kSelectToken, soci::use(hash));
        std::optional<TokenRecord> token;
        for (const auto& row : rows) {
            if (!token) {
                token = TokenRecord{
                    row.get<long long>(0), row.get<std::string>(1), row.get<std::string>(2), {}};
            }
            if (row.get_indicator(3) == soci::i_ok)
                token->funds.push_back(row.get<std::string>(3));
        }
        return token;
    });
}

}  // namespace riziki::db
