#include "db/copy_stream.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace riziki::db {

namespace {

constexpr std::string_view kSignature{"PGCOPY\n\377\r\n\0", 11};
constexpr std::size_t kHeaderSize = 11 + 4 + 4;  ///< signature, flags, extension length
// The query goes between the two: COPY runs it and streams its rows in binary.
constexpr const char* kCopyOpen = "COPY (";
constexpr const char* kCopyToBinary = ") TO STDOUT (FORMAT binary)";
constexpr long kDays1970To2000 = 10957;
constexpr std::int64_t kMicros1970To2000 = 946'684'800'000'000;

std::uint64_t big_endian(std::string_view bytes) {
    std::uint64_t value = 0;
    for (unsigned char byte : bytes)
        value = (value << 8) | byte;
    return value;
}

[[noreturn]] void malformed() {
    throw std::runtime_error("COPY stream from PostgreSQL is not well-formed");
}

PGconn* connection(void* conn) {
    return static_cast<PGconn*>(conn);
}

/// The error of a failed result with its SQLSTATE, as SOCI's own statements throw it (so a
/// cancelled COPY is told apart: db/timed_read.hpp).
soci::postgresql_soci_error copy_error(const PGresult* result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state != nullptr && std::strlen(state) == 5 ? state : "XX000";
    return soci::postgresql_soci_error(PQresultErrorMessage(result), sqlstate.c_str());
}

/// Ends the COPY's result cycle; throws with PostgreSQL's message if it failed.
void finish(PGconn* conn) {
    std::optional<soci::postgresql_soci_error> error;
    while (PGresult* result = PQgetResult(conn)) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && !error)
            error = copy_error(result);
        PQclear(result);
    }
    if (error)
        throw *error;
}

}  // namespace

CopyStream::CopyStream(soci::session& sql, const std::string& query)
    : conn_(static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_) {
    const std::string copy = kCopyOpen + query + kCopyToBinary;
    PGresult* start = PQexec(connection(conn_), copy.c_str());
    const bool copying = PQresultStatus(start) == PGRES_COPY_OUT;
    std::optional<soci::postgresql_soci_error> error;
    if (!copying)
        error = copy_error(start);
    PQclear(start);
    if (!copying) {
        ended_ = true;
        finish(connection(conn_));
        throw *error;
    }
}

CopyStream::~CopyStream() {
    if (!ended_) {
        try {
            drain();     // stopped early: the session must leave COPY mode to be usable again
        } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to report it to here
        }
    }
    PQfreemem(message_);
}

void CopyStream::drain() {
    ended_ = true;
    char* buffer = nullptr;
    while (PQgetCopyData(connection(conn_), &buffer, 0) > 0)
        PQfreemem(buffer);
    finish(connection(conn_));
}

bool CopyStream::receive() {
    char* buffer = nullptr;
    const int size = PQgetCopyData(connection(conn_), &buffer, 0);
    if (size < 0) {  // -1: the server ended the stream; -2: it failed, and finish() says why
        ended_ = true;
        finish(connection(conn_));
        return false;
    }
    if (view_.empty()) {  // the usual case, one or more whole tuples: parse in place
        PQfreemem(message_);
        message_ = buffer;
        view_ = std::string_view(buffer, static_cast<std::size_t>(size));
        return true;
    }
    std::string joined(view_);
    joined.append(buffer, static_cast<std::size_t>(size));
    PQfreemem(buffer);
    carried_ = std::move(joined);
    view_ = carried_;
    return true;
}

bool CopyStream::take_tuple() {
    std::string_view v = view_;
    if (!header_read_) {
        if (v.size() < kHeaderSize)
            return false;
        if (v.substr(0, kSignature.size()) != kSignature)
            malformed();
        const auto skip = kHeaderSize + big_endian(v.substr(15, 4));
        if (v.size() < skip)
            return false;
        v.remove_prefix(skip);
        view_ = v;
        header_read_ = true;
    }
    if (v.size() < 2)
        return false;
    const auto count = static_cast<std::int16_t>(big_endian(v.substr(0, 2)));
    if (count == -1) {
        trailer_ = true;
        view_ = v.substr(2);
        return true;
    }
    if (count < 0)
        malformed();
    std::size_t at = 2;
    fields_.resize(static_cast<std::size_t>(count));
    for (auto& f : fields_) {
        if (at + 4 > v.size())
            return false;
        const auto size = static_cast<std::int32_t>(big_endian(v.substr(at, 4)));
        at += 4;
        if (size == -1) {
            f = {};
            continue;
        }
        if (size < 0)
            malformed();
        if (at + static_cast<std::size_t>(size) > v.size())
            return false;
        f = v.substr(at, static_cast<std::size_t>(size));
        at += static_cast<std::size_t>(size);
    }
    view_ = v.substr(at);
    return true;
}

bool CopyStream::next() {
    if (ended_)
        return false;
    while (!take_tuple()) {
        if (!receive())
            malformed();  // ended inside a tuple, or without the trailer
    }
    if (!trailer_)
        return true;
    if (!view_.empty())
        malformed();  // bytes after the trailer
    drain();
    return false;
}

std::string_view CopyStream::present(std::size_t column) const {
    const auto f = fields_.at(column);
    if (f.data() == nullptr)
        throw std::runtime_error("unexpected NULL in a COPY stream");
    return f;
}

std::string_view CopyStream::field(std::size_t column, std::size_t expected_size) const {
    const auto f = present(column);
    if (f.size() != expected_size)
        malformed();
    return f;
}

std::int64_t CopyStream::int8(std::size_t column) const {
    return static_cast<std::int64_t>(big_endian(field(column, 8)));
}

std::int32_t CopyStream::int4(std::size_t column) const {
    return static_cast<std::int32_t>(big_endian(field(column, 4)));
}

long CopyStream::days(std::size_t column) const {
    return kDays1970To2000 + int4(column);
}

ledger::Date CopyStream::date(std::size_t column) const {
    return ledger::date_from_days(days(column));
}

std::int64_t CopyStream::timestamp_us(std::size_t column) const {
    return kMicros1970To2000 + int8(column);
}

ledger::Amount CopyStream::amount(std::size_t column) const {
    // ndigits, weight, sign, dscale, then ndigits base-10000 digits, most significant first;
    // digit i is worth 10000^(weight - i), and trailing zero digits are left out.
    const auto bytes = present(column);
    if (bytes.size() < 8)
        malformed();
    const auto word = [&](std::size_t i) { return big_endian(bytes.substr(2 * i, 2)); };
    const auto ndigits = static_cast<std::size_t>(word(0));
    const auto weight = static_cast<std::int16_t>(word(1));
    const auto sign = word(2);
    if (bytes.size() != 8 + 2 * ndigits || (sign != 0 && sign != 0x4000))
        malformed();
    if (ndigits == 0)
        return 0;
    if (weight < 0 || static_cast<std::size_t>(weight) + 1 < ndigits)
        throw std::runtime_error("numeric with a fraction where minor units were expected");
    const auto digit = [&](long k) {
        return static_cast<std::size_t>(k) < ndigits ? static_cast<std::int64_t>(word(4 + k)) : 0;
    };
    ledger::Amount value = 0;
    if (weight < 4) {  // at most 16 decimal digits: exact in 64 bits
        std::int64_t small = 0;
        for (long k = 0; k <= weight; ++k)
            small = small * 10000 + digit(k);
        value = small;
    } else {  // the checked type throws on overflow
        for (long k = 0; k <= weight; ++k)
            value = value * 10000 + digit(k);
    }
    return sign == 0x4000 ? ledger::Amount(-value) : value;
}

}  // namespace riziki::db
