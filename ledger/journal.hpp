#pragma once
/// The journal: entries of balanced postings, their validation, reversal and the
/// canonical bytes that the hash chain covers (SPEC §5). Pure: no clock, no I/O.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/chart.hpp"
#include "ledger/date.hpp"
#include "ledger/money.hpp"
#include "ledger/rejection.hpp"

namespace riziki::ledger {

inline constexpr std::size_t kPostingsPerEntryMax = 500;
inline constexpr std::size_t kMemoBytesMax = 1000;
inline constexpr std::size_t kCodeBytesMax = 64;

struct Account {
    std::string code;
    std::string name;
    AccountType type;
};

/// The default chart of accounts (SPEC §5): `kDefaultChart` as owned strings.
const std::vector<Account>& default_chart();

/// One line of an entry. Debit > 0, credit < 0. Survivor and award are empty when absent.
struct Posting {
    std::string account;
    std::string fund;
    std::string currency;
    Amount amount = 0;
    std::string survivor;
    std::string award;
    friend bool operator==(const Posting&, const Posting&) = default;
};

/// An entry as a caller proposes it, before it has a place in the chain.
struct EntryDraft {
    Date effective_on;
    std::string memo;
    Event event = Event::manual;
    std::string recorded_by;
    std::optional<std::int64_t> reverses;  // sequence of the entry this one reverses
    std::vector<Posting> postings;
    friend bool operator==(const EntryDraft&, const EntryDraft&) = default;
};

using Hash = std::array<unsigned char, 32>;
inline constexpr Hash kGenesisHash{};  // prev_hash of the first entry: 32 zero bytes

/// An entry with its place in the chain. hash = SHA-256(prev_hash ‖ canonical_bytes()).
struct Entry {
    std::int64_t seq = 0;
    std::int64_t recorded_at_us = 0;  // microseconds since the Unix epoch, UTC
    EntryDraft draft;
    Hash prev_hash{};
    Hash hash{};
};

/// What validation needs to know about the world: a consistent snapshot.
struct LedgerContext {
    std::set<std::string, std::less<>> accounts;
    std::map<std::string, std::string, std::less<>> fund_currency;  // fund code -> currency
    std::set<Period> closed_periods;
};

struct EntryCheck {
    Rejection reason = Rejection::none;
    std::optional<std::size_t> posting;  ///< index of the offending posting, if one is
    bool ok() const { return reason == Rejection::none; }
};

/// Well-formed UTF-8 without NUL bytes: what PostgreSQL text columns can hold (no overlong
/// forms, no surrogates, nothing past U+10FFFF). The invalid_text rule; the API also asks
/// it of every path and query parameter before a handler sees one.
bool valid_text(std::string_view text);

/// Checks a draft against every journal rule in a fixed order; the first failure wins:
/// postings_too_few, postings_too_many, memo_too_long, invalid_event (`reverses` set
/// without event reversal or the reverse), invalid_reference (recorded_by), invalid_text
/// (memo, recorded_by); then per posting invalid_reference, invalid_text, zero_posting,
/// invalid_amount, unknown_account, unknown_fund, currency_mismatch; then period_closed,
/// unbalanced_entry, unbalanced_fund.
[[nodiscard]] EntryCheck validate_entry(const EntryDraft& draft, const LedgerContext& context);

/// The first posting of the first currency whose postings do not sum to zero (the
/// unbalanced_entry rule), or nullopt when each does; allocates nothing.
std::optional<std::size_t> first_unbalanced_currency(const std::vector<Posting>& postings);
/// The same per fund (the unbalanced_fund rule).
std::optional<std::size_t> first_unbalanced_fund(const std::vector<Posting>& postings);

/// The draft that reverses `original`: the same postings negated, dated `effective_on`.
EntryDraft reversal_of(const Entry& original, const Date& effective_on, std::string memo,
                       std::string recorded_by);

/// The event an entry's postings count under: its own, or for a reversal the event of the
/// entry it reverses (`reversed_event`), so that a reversed disbursement un-disburses.
/// Every posting carries it, and reports and award figures sum by it.
/// Empty for a reversal whose reversed event is not known.
std::optional<Event> counts_as(const EntryDraft& draft, std::optional<Event> reversed_event);

/// Rules for reversing: not twice, not dated before the original.
[[nodiscard]] Rejection check_reversal(const Entry& original, const Date& effective_on,
                                       bool already_reversed);

/// The exact bytes the hash chain covers for `entry` (its seq, recorded_at and draft).
/// Every variable-length field is length-prefixed, so no two entries share bytes.
std::string canonical_bytes(const Entry& entry);

/// Bytes to hash: prev_hash followed by canonical_bytes(entry).
std::string chain_input(const Entry& entry);

std::string to_hex(const Hash& hash);
std::optional<Hash> hash_from_hex(std::string_view hex);

}  // namespace riziki::ledger
