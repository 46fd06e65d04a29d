#pragma once
/// Internal to db/: bulk reads with COPY ... TO STDOUT (FORMAT binary). PostgreSQL sends
/// each column in its binary form (integers, dates and hashes as raw bytes, numerics as
/// base-10000 digits), so neither side spends time formatting and parsing text — the bulk
/// of a large read's cost on both sides when rows are fetched as text.

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/date.hpp"
#include "ledger/money.hpp"

namespace riziki::db {

/// One COPY (query) TO STDOUT (FORMAT binary), walked a row at a time as PostgreSQL sends
/// it. Until the stream ends, the session is busy with it and can run nothing else.
/// Throws soci::soci_error when the query fails and std::runtime_error when the stream is
/// not well-formed.
class CopyStream {
  public:
    CopyStream(soci::session& sql, const std::string& query);
    ~CopyStream();
    CopyStream(const CopyStream&) = delete;
    CopyStream& operator=(const CopyStream&) = delete;

    /// Moves to the next row; false after the last. A row's columns are valid until the
    /// next call.
    bool next();

    bool is_null(std::size_t column) const { return fields_.at(column).data() == nullptr; }
    /// The column's raw bytes (text, bpchar, bytea); empty for NULL.
    std::string_view bytes(std::size_t column) const { return fields_.at(column); }
    std::int64_t int8(std::size_t column) const;
    std::int32_t int4(std::size_t column) const;
    ledger::Date date(std::size_t column) const;
    /// Days since 1970-01-01 of a date column.
    long days(std::size_t column) const;
    /// Microseconds since the Unix epoch of a timestamptz column.
    std::int64_t timestamp_us(std::size_t column) const;
    /// An integral numeric column (scale 0) as minor units; throws when out of range.
    ledger::Amount amount(std::size_t column) const;

  private:
    /// The column's bytes; throws on NULL.
    std::string_view present(std::size_t column) const;
    /// The column's bytes, which must be `expected_size` long; throws on NULL.
    std::string_view field(std::size_t column, std::size_t expected_size) const;
    /// Parses the tuple at the start of view_ if it is all there.
    bool take_tuple();
    /// Appends the next CopyData message to what is left of view_; false at the end.
    bool receive();
    void drain();

    void* conn_;
    char* message_ = nullptr;  ///< the last message libpq handed over, freed on the next
    std::string carried_;      ///< a tuple split across messages, put back together
    std::string_view view_;    ///< bytes received and not yet parsed
    bool header_read_ = false;
    bool trailer_ = false;                  ///< the end-of-data mark has been read
    bool ended_ = false;                    ///< the COPY is over on the connection
    std::vector<std::string_view> fields_;  ///< NULL: data() == nullptr
};

}  // namespace riziki::db
