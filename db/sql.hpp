#pragma once
/// Internal to db/: helpers shared by the SQL code. Never included outside db/.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/hash.hpp"
#include "ledger/journal.hpp"
#include "ledger/rejection.hpp"

namespace riziki::db {

/// Builds a PostgreSQL array literal ('{"a","b"}') to pass a whole column as one
/// parameter, so a batch inserts with one statement per table (unnest).
class ArrayLiteral {
  public:
    void add(std::string_view text);
    void add_null();
    void add(long long value) { add_raw(std::to_string(value)); }
    std::string finish() &&;
    bool empty() const { return empty_; }

  private:
    void add_raw(std::string_view raw);
    std::string out_ = "{";
    bool empty_ = true;
};

/// `text` as a quoted SQL escape-string literal (E'it''s'), for the statements that take
/// no parameters (COPY); safe whatever standard_conforming_strings is. Throws
/// std::invalid_argument on a NUL byte, which no text can hold.
std::string sql_literal(std::string_view text);

/// Parses bytea text output ("\x0a1b...") or plain hex into a hash.
ledger::Hash hash_from_bytea(std::string_view text);

/// "\x..." form accepted by decode-free bytea input.
std::string bytea_literal(const ledger::Hash& hash);

/// If a PostgreSQL error was raised by one of our triggers ("riziki:<code> ..."), or is a
/// constraint the core also checks, the rejection it stands for.
std::optional<ledger::Rejection> rejection_from_error(const soci::soci_error& error);

/// Accounts, funds and closed periods: what the core needs to validate an entry.
ledger::LedgerContext load_context(soci::session& sql);

/// Opens a session with the settings every Riziki connection uses.
void open_session(soci::session& sql, const std::string& conninfo);
/// Opens a session's lost connection again, with the same settings (a bare reconnect
/// would start the new backend with the server's defaults).
void reopen_session(soci::session& sql);

}  // namespace riziki::db
