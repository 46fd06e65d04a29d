#include "db/prepared.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace riziki::db {

namespace {

/// Which queries are prepared on which connection. A connection is known by its handle
/// and its server process id: a handle's address can be reused after a reconnect, but
/// then with another backend. Entries for closed connections stay (a few names each).
class PreparedRegistry {
  public:
    /// Whether `name` still has to be prepared on `conn` (and notes that it will be).
    bool first_use(PGconn* conn, const char* name) {
        std::lock_guard lock(mutex_);
        return prepared_[{conn, PQbackendPID(conn)}].insert(name).second;
    }
    /// Forgets a preparation that failed, so the next run tries again.
    void failed(PGconn* conn, const char* name) {
        std::lock_guard lock(mutex_);
        prepared_[{conn, PQbackendPID(conn)}].erase(name);
    }

  private:
    std::mutex mutex_;
    std::map<std::pair<const PGconn*, int>, std::set<std::string>> prepared_;
};

PreparedRegistry& registry() {
    static PreparedRegistry instance;
    return instance;
}

/// Throws the server's error for a result that is not a success, as soci_error.
void check(PGconn* conn, const PGresult* result) {
    const auto status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return;
    std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
    if (message.empty())
        message = PQerrorMessage(conn);
    throw soci::soci_error(message);
}

}  // namespace

long long TextRows::integer(int row, int column) const {
    const auto digits = text(row, column);
    long long value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size())
        throw soci::soci_error("not an integer: " + std::string(digits));
    return value;
}

TextRows PreparedQuery::run(soci::session& sql,
                            std::initializer_list<const std::string*> params) const {
    auto* conn = static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
    if (registry().first_use(conn, name_)) {
        PGresult* prepared = PQprepare(conn, name_, text_, 0, nullptr);
        try {
            check(conn, prepared);
        } catch (...) {
            PQclear(prepared);
            registry().failed(conn, name_);
            throw;
        }
        PQclear(prepared);
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto* param : params)
        values.push_back(param != nullptr ? param->c_str() : nullptr);
    TextRows rows(PQexecPrepared(conn, name_, static_cast<int>(values.size()), values.data(),
                                 nullptr, nullptr, 0));
    check(conn, rows.result());
    return rows;
}

}  // namespace riziki::db
