#include "db/sql.hpp"

#include <climits>
#include <cstdint>
#include <stdexcept>

#include "db/common_sql.hpp"
#include "db/connection_string.hpp"

namespace riziki::db {

void ArrayLiteral::add_raw(std::string_view raw) {
    if (!empty_)
        out_ += ',';
    out_ += raw;
    empty_ = false;
}

void ArrayLiteral::add(std::string_view text) {
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    add_raw(quoted);
}

void ArrayLiteral::add_null() {
    add_raw("NULL");
}

std::string ArrayLiteral::finish() && {
    out_ += '}';
    return std::move(out_);
}

namespace {

// The catalogue a journal entry is validated against (ledger::LedgerContext).
constexpr const char* kSelectAccountCodes = "SELECT code FROM accounts";
constexpr const char* kSelectFundCurrencies = "SELECT code, currency FROM funds";
constexpr const char* kSelectClosedPeriodNames = "SELECT period FROM periods";

// Every pooled or writer session. A commit returns only once its WAL is on disk, whatever
// the server's default; compiling a plan (which the size of a large journal can trigger in
// a batch's balance update) costs more than short statements could ever save.
constexpr const char* kDurableCommit = "SET synchronous_commit = on";
constexpr const char* kSessionNoJit = "SET jit = off";

void put_int32(std::string& out, std::uint32_t value) {
    const char bytes[] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                          static_cast<char>(value >> 8), static_cast<char>(value)};
    out.append(bytes, sizeof bytes);
}

}  // namespace

void BinaryArray::add(std::string_view bytes) {
    if (element_ != Of::text && element_ != Of::bytea)
        throw std::logic_error("bytes added to an integer array");
    if (bytes.size() > 0x3fff'ffff)
        throw std::length_error("array element too long");
    put_int32(elements_, static_cast<std::uint32_t>(bytes.size()));
    elements_ += bytes;
    ++count_;
}

void BinaryArray::add(const ledger::Hash& hash) {
    add(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

void BinaryArray::add(long long value) {
    if (element_ != Of::int4 && element_ != Of::int8)
        throw std::logic_error("an integer added to a text or bytea array");
    const auto bits = static_cast<std::uint64_t>(value);
    if (element_ == Of::int4) {
        if (value < INT32_MIN || value > INT32_MAX)
            throw std::out_of_range("int4 array element out of range");
        put_int32(elements_, 4);
        put_int32(elements_, static_cast<std::uint32_t>(bits));
    } else {
        put_int32(elements_, 8);
        put_int32(elements_, static_cast<std::uint32_t>(bits >> 32));
        put_int32(elements_, static_cast<std::uint32_t>(bits));
    }
    ++count_;
}

void BinaryArray::add_null() {
    put_int32(elements_, 0xffff'ffffU);  // length -1
    has_null_ = true;
    ++count_;
}

std::string BinaryArray::finish() && {
    // ndim, has-null flag, element type; then, unless empty, the one dimension's length and
    // lower bound, and the elements, each a length (-1 for NULL) and its bytes.
    std::string out;
    out.reserve(20 + elements_.size());
    put_int32(out, count_ == 0 ? 0 : 1);
    put_int32(out, has_null_ ? 1 : 0);
    put_int32(out, static_cast<std::uint32_t>(element_));
    if (count_ > 0) {
        put_int32(out, static_cast<std::uint32_t>(count_));
        put_int32(out, 1);
        out += elements_;
    }
    return out;
}

std::string sql_literal(std::string_view text) {
    // An escape string (E'...') reads backslashes the same way whatever the server's
    // standard_conforming_strings says, so doubling both quotes and backslashes is enough.
    std::string out = "E'";
    for (char c : text) {
        if (c == '\0')
            throw std::invalid_argument("text with a NUL byte");
        if (c == '\'' || c == '\\')
            out += c;
        out += c;
    }
    out += '\'';
    return out;
}

ledger::Event event_from_text(std::string_view text) {
    const auto event = ledger::parse_event(text);
    if (!event)
        throw std::runtime_error("stored event is not one the program knows");
    return *event;
}

ledger::Hash hash_from_bytea(std::string_view text) {
    if (text.starts_with("\\x"))
        text.remove_prefix(2);
    auto hash = ledger::hash_from_hex(text);
    if (!hash)
        throw std::runtime_error("stored hash is not 32 bytes of hex");
    return *hash;
}

std::string bytea_literal(const ledger::Hash& hash) {
    return "\\x" + ledger::to_hex(hash);
}

std::optional<ledger::Rejection> rejection_from_error(const soci::soci_error& error) {
    using ledger::Rejection;
    const std::string message = error.what();
    const auto marker = message.find("riziki:");
    if (marker != std::string::npos) {
        const auto start = marker + 7;
        const auto end = message.find_first_of(" \n", start);
        const std::string code = message.substr(start, end - start);
        return ledger::parse_rejection(code);
    }
    // Unique keys the core checks first; a race with another process can still reach them.
    if (message.find("payment_references_pkey") != std::string::npos)
        return Rejection::duplicate_reference;
    if (message.find("survivor_blind_index_pkey") != std::string::npos)
        return Rejection::survivor_already_enrolled;
    if (message.find("entries_reverses_key") != std::string::npos) {
        return Rejection::already_reversed;
    }
    return std::nullopt;
}

ledger::LedgerContext load_context(soci::session& sql) {
    ledger::LedgerContext context;
    soci::rowset<std::string> accounts = (sql.prepare << kSelectAccountCodes);
    for (const auto& code : accounts)
        context.accounts.insert(code);
    soci::rowset<soci::row> funds = (sql.prepare << kSelectFundCurrencies);
    for (const auto& row : funds) {
        context.fund_currency.emplace(row.get<std::string>(0), row.get<std::string>(1));
    }
    soci::rowset<std::string> periods = (sql.prepare << kSelectClosedPeriodNames);
    for (const auto& text : periods) {
        if (auto period = ledger::parse_period(text))
            context.closed_periods.insert(*period);
    }
    return context;
}

namespace {

void apply_session_settings(soci::session& sql) {
    sql << kQuietNotices;
    sql << kDurableCommit;
    sql << kSessionNoJit;
}

}  // namespace

void open_session(soci::session& sql, const std::string& conninfo) {
    sql.open(*soci::factory_postgresql(), soci_connection_string(conninfo));
    apply_session_settings(sql);
}

void reopen_session(soci::session& sql) {
    sql.reconnect();
    apply_session_settings(sql);
}

}  // namespace riziki::db
