#pragma once
/// Schema migrations: db/migrations/NNNN_name.sql, applied in order, each once,
/// recorded in schema_migrations, under an advisory lock so two migrators cannot race.

#include <string>
#include <vector>

namespace riziki::db {

struct Migration {
    std::string name;  ///< file name, e.g. "0001_journal.sql"
    std::string sql;
};

/// The migrations compiled into this binary, in order.
const std::vector<Migration>& embedded_migrations();

/// Applies what is missing; returns the names applied now (empty when up to date).
/// Throws std::runtime_error if a recorded migration's text changed since it ran.
/// `owner_conninfo` is either form connection_string() takes.
std::vector<std::string> migrate(const std::string& owner_conninfo);

}  // namespace riziki::db
