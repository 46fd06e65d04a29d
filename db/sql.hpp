#pragma once
/// Internal to db/: helpers shared by the SQL code. Never included outside db/.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdint>
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

/// A one-dimensional array in PostgreSQL's binary format (what array_send writes), passed
/// as a binary parameter: the server copies each element where it would scan and unescape
/// an array literal character by character. The writer's inserts pass their columns so,
/// responses and hashes included. Its element type must be the one the query casts the
/// parameter to (CAST($1 AS text[]) takes `text`), or the server refuses it.
class BinaryArray {
  public:
    enum class Of : std::uint32_t { bytea = 17, int8 = 20, int4 = 23, text = 25 };
    explicit BinaryArray(Of element) : element_(element) {}
    /// A text (valid UTF-8, no NUL byte: the server checks) or bytea element.
    void add(std::string_view bytes);
    void add(const ledger::Hash& hash);
    /// An int8 or int4 element; throws std::out_of_range if an int4 cannot hold it. Adding
    /// an element of the other kind (bytes to an integer array) throws std::logic_error.
    void add(long long value);
    void add_null();
    bool empty() const { return count_ == 0; }
    std::string finish() &&;

  private:
    Of element_;
    std::string elements_;
    std::int32_t count_ = 0;
    bool has_null_ = false;
};

/// `text` as a quoted SQL escape-string literal (E'it''s'), for the statements that take
/// no parameters (COPY); safe whatever standard_conforming_strings is. Throws
/// std::invalid_argument on a NUL byte, which no text can hold.
std::string sql_literal(std::string_view text);

/// A stored event's name as the enum. Throws std::runtime_error on a name the program does
/// not know: the entries table's CHECK allows none, so the database is not the one migrated.
ledger::Event event_from_text(std::string_view text);

/// Parses bytea text output ("\x0a1b...") or plain hex into a hash.
ledger::Hash hash_from_bytea(std::string_view text);

/// "\x..." form accepted by decode-free bytea input.
std::string bytea_literal(const ledger::Hash& hash);

/// If a PostgreSQL error was raised by one of our triggers ("riziki:<code> ..."), or is a
/// constraint the core also checks, the rejection it stands for.
std::optional<ledger::Rejection> rejection_from_error(const soci::soci_error& error);

/// Accounts, funds and closed periods: what the core needs to validate an entry.
ledger::LedgerContext load_context(soci::session& sql);

/// Opens a session with the settings every Riziki connection uses. `conninfo` is either form
/// connection_string() takes.
void open_session(soci::session& sql, const std::string& conninfo);
/// Opens a session's lost connection again, with the same settings (a bare reconnect
/// would start the new backend with the server's defaults).
void reopen_session(soci::session& sql);

}  // namespace riziki::db
