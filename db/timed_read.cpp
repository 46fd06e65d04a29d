#include "db/timed_read.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include <string>

namespace riziki::db {

namespace {

// Followed by the limit in milliseconds, a number the program made (never a caller's text).
constexpr const char* kSetStatementTimeout = "SET LOCAL statement_timeout = ";

constexpr const char* kQueryCanceled = "57014";

}  // namespace

void limit_statements(soci::session& sql, const ReadLimits& limits) {
    if (limits.statement_timeout.count() <= 0)
        return;
    sql << kSetStatementTimeout + std::to_string(limits.statement_timeout.count());
}

bool is_cancelled(const soci::soci_error& error) {
    const auto* postgresql = dynamic_cast<const soci::postgresql_soci_error*>(&error);
    return postgresql != nullptr && postgresql->sqlstate() == kQueryCanceled;
}

}  // namespace riziki::db
