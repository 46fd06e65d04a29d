#include "db/users.hpp"

#include "db/pool_impl.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

// The user, unless a fund named is not a fund (then no row: fund_not_found) or the name is
// taken (the unique index: username_taken).
constexpr const char* kInsertUser = R"(
INSERT INTO users (username, display_name, role, funds)
SELECT :u, :n, :r, CAST(:f AS text[])
WHERE NOT EXISTS (SELECT 1 FROM unnest(CAST(:f2 AS text[])) AS w(code)
                  WHERE NOT EXISTS (SELECT 1 FROM funds WHERE funds.code = w.code))
ON CONFLICT DO NOTHING RETURNING id)";

constexpr const char* kUserExists = "SELECT count(*) FROM users WHERE lower(username) = lower(:u)";

constexpr const char* kUserColumns = R"(
SELECT id, username, display_name, role, array_to_string(funds, ','), coalesce(password_hash, ''),
       coalesce(key_id, ''), (disabled_at IS NOT NULL)::int,
       (extract(epoch FROM created_at) * 1000000)::bigint FROM users )";

constexpr const char* kUserById = "WHERE id = :i";
constexpr const char* kUserByName = "WHERE lower(username) = lower(:u)";
constexpr const char* kUserPage = "WHERE id > :a ORDER BY id LIMIT :l";

constexpr const char* kSetPassword = "SELECT riziki_user_set_password(:i, :h, :k)::int";
constexpr const char* kDisable = "SELECT riziki_user_disable(:i)::int";

// The digests come as a text[] of hex: one per key of the ring.
constexpr const char* kDigests =
    "ARRAY(SELECT decode(h, 'hex') FROM unnest(CAST(:d AS text[])) AS h)";

constexpr const char* kIssueLink = R"(
SELECT riziki_password_link_issue(:i, decode(:d, 'hex'), :k, make_interval(hours => :h),
                                  CAST(:r AS boolean)))";

constexpr const char* kFindLink = R"(
SELECT l.user_id, (l.used_at IS NOT NULL)::int, (l.replaced_at IS NOT NULL)::int,
       (l.expires_at <= now())::int, (u.disabled_at IS NOT NULL)::int
FROM password_links l JOIN users u ON u.id = l.user_id WHERE l.code_digest = ANY ()";

constexpr const char* kRedeemLink = "SELECT riziki_password_link_redeem(";

constexpr const char* kInsertSession = R"(
INSERT INTO sessions (user_id, digest, key_id) VALUES (:u, decode(:d, 'hex'), :k) RETURNING id)";

constexpr const char* kUseSession = R"(
SELECT session_id, user_id, (extract(epoch FROM created_at) * 1000000)::bigint,
       (extract(epoch FROM previous_seen_at) * 1000000)::bigint,
       (extract(epoch FROM seen_at) * 1000000)::bigint FROM riziki_session_use()";

constexpr const char* kEndSession = "SELECT riziki_session_end(";

std::string digest_array(const std::vector<std::string>& digests_hex) {
    ArrayLiteral array;
    for (const auto& digest : digests_hex)
        array.add(digest);
    return std::move(array).finish();
}

std::vector<std::string> split_funds(const std::string& joined) {
    std::vector<std::string> funds;
    std::size_t start = 0;
    while (start < joined.size()) {
        const auto comma = joined.find(',', start);
        funds.push_back(joined.substr(start, comma - start));
        start = comma == std::string::npos ? joined.size() : comma + 1;
    }
    return funds;
}

UserRecord user_of(const soci::row& row) {
    return {row.get<long long>(0),
            row.get<std::string>(1),
            row.get<std::string>(2),
            row.get<std::string>(3),
            split_funds(row.get<std::string>(4)),
            row.get<std::string>(5),
            row.get<std::string>(6),
            row.get<int>(7) != 0,
            row.get<long long>(8)};
}

}  // namespace

CreateUserResult Users::create(const NewUser& user, std::int64_t& id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            ArrayLiteral fund_array;
            for (const auto& fund : user.funds)
                fund_array.add(fund);
            const std::string array = std::move(fund_array).finish();
            long long taken = 0;
            sql << kUserExists, soci::use(user.username), soci::into(taken);
            if (taken > 0)
                return CreateUserResult::username_taken;
            long long new_id = 0;
            soci::indicator found = soci::i_null;
            sql << kInsertUser, soci::use(user.username), soci::use(user.display_name),
                soci::use(user.role), soci::use(array), soci::use(array), soci::into(new_id, found);
            if (found != soci::i_ok) {
                // A race on the name ends in ON CONFLICT; otherwise a fund was missing.
                sql << kUserExists, soci::use(user.username), soci::into(taken);
                return taken > 0 ? CreateUserResult::username_taken
                                 : CreateUserResult::fund_not_found;
            }
            id = new_id;
            return CreateUserResult::created;
        },
        false);
}

std::optional<UserRecord> Users::find(std::int64_t id) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<UserRecord> {
        const long long key = id;
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string(kUserColumns) + kUserById, soci::use(key));
        for (const auto& row : rows)
            return user_of(row);
        return std::nullopt;
    });
}

std::optional<UserRecord> Users::find_by_username(const std::string& username_lower) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<UserRecord> {
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string(kUserColumns) + kUserByName, soci::use(username_lower));
        for (const auto& row : rows)
            return user_of(row);
        return std::nullopt;
    });
}

std::vector<UserRecord> Users::list(std::int64_t after_id, std::size_t limit) {
    return pool_->impl().with_session([&](soci::session& sql) {
        const long long after = after_id;
        const long long count = static_cast<long long>(limit);
        std::vector<UserRecord> out;
        soci::rowset<soci::row> rows = (sql.prepare << std::string(kUserColumns) + kUserPage,
                                        soci::use(after), soci::use(count));
        for (const auto& row : rows)
            out.push_back(user_of(row));
        return out;
    });
}

bool Users::set_password(std::int64_t user, const std::string& hash, const std::string& key_id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const long long id = user;
            int done = 0;
            sql << kSetPassword, soci::use(id), soci::use(hash), soci::use(key_id),
                soci::into(done);
            return done != 0;
        },
        false);
}

bool Users::disable(std::int64_t user) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const long long id = user;
            int done = 0;
            sql << kDisable, soci::use(id), soci::into(done);
            return done != 0;
        },
        false);
}

std::int64_t Users::issue_link(std::int64_t user, const std::string& digest_hex,
                               const std::string& key_id, int valid_hours, bool reset) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const long long id = user;
            const std::string reset_text = reset ? "true" : "false";
            long long link = 0;
            sql << kIssueLink, soci::use(id), soci::use(digest_hex), soci::use(key_id),
                soci::use(valid_hours), soci::use(reset_text), soci::into(link);
            return static_cast<std::int64_t>(link);
        },
        false);
}

std::optional<LinkRecord> Users::find_link(const std::vector<std::string>& digests_hex) {
    return pool_->impl().with_session([&](soci::session& sql) -> std::optional<LinkRecord> {
        const std::string array = digest_array(digests_hex);
        soci::rowset<soci::row> rows =
            (sql.prepare << std::string(kFindLink) + kDigests + ")", soci::use(array));
        for (const auto& row : rows) {
            return LinkRecord{row.get<long long>(0), row.get<int>(1) != 0, row.get<int>(2) != 0,
                              row.get<int>(3) != 0, row.get<int>(4) != 0};
        }
        return std::nullopt;
    });
}

std::int64_t Users::redeem_link(const std::vector<std::string>& digests_hex,
                                const std::string& hash, const std::string& key_id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const std::string array = digest_array(digests_hex);
            long long user = 0;
            sql << std::string(kRedeemLink) + kDigests + ", :h, :k)", soci::use(array),
                soci::use(hash), soci::use(key_id), soci::into(user);
            return static_cast<std::int64_t>(user);
        },
        false);
}

std::int64_t Users::create_session(std::int64_t user, const std::string& digest_hex,
                                   const std::string& key_id) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const long long id = user;
            long long session = 0;
            sql << kInsertSession, soci::use(id), soci::use(digest_hex), soci::use(key_id),
                soci::into(session);
            return static_cast<std::int64_t>(session);
        },
        false);
}

std::optional<SessionRecord> Users::use_session(const std::vector<std::string>& digests_hex) {
    return pool_->impl().with_session(
        [&](soci::session& sql) -> std::optional<SessionRecord> {
            const std::string array = digest_array(digests_hex);
            soci::rowset<soci::row> rows =
                (sql.prepare << std::string(kUseSession) + kDigests + ")", soci::use(array));
            for (const auto& row : rows) {
                return SessionRecord{row.get<long long>(0), row.get<long long>(1),
                                     row.get<long long>(2), row.get<long long>(3),
                                     row.get<long long>(4)};
            }
            return std::nullopt;
        },
        false);
}

bool Users::end_session(const std::vector<std::string>& digests_hex) {
    return pool_->impl().with_session(
        [&](soci::session& sql) {
            const std::string array = digest_array(digests_hex);
            int ended = 0;
            sql << std::string(kEndSession) + kDigests + ")::int", soci::use(array),
                soci::into(ended);
            return ended != 0;
        },
        false);
}

}  // namespace riziki::db
