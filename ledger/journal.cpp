#include "ledger/journal.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace riziki::ledger {

namespace {

bool valid_code(std::string_view code, bool optional) {
    if (code.empty())
        return optional;
    return code.size() <= kCodeBytesMax;
}

EntryCheck check_posting(const Posting& posting, std::size_t index, const LedgerContext& context) {
    const auto fail = [index](Rejection reason) { return EntryCheck{reason, index}; };
    if (!valid_code(posting.account, false) || !valid_code(posting.fund, false) ||
        !valid_code(posting.survivor, true) || !valid_code(posting.award, true)) {
        return fail(Rejection::invalid_reference);
    }
    for (const auto* text : {&posting.account, &posting.fund, &posting.survivor, &posting.award}) {
        if (!valid_text(*text))
            return fail(Rejection::invalid_text);
    }
    if (posting.amount == 0)
        return fail(Rejection::zero_posting);
    if (abs(posting.amount) > amount_limit())
        return fail(Rejection::invalid_amount);
    if (!context.accounts.contains(posting.account))
        return fail(Rejection::unknown_account);
    const auto fund = context.fund_currency.find(posting.fund);
    if (fund == context.fund_currency.end())
        return fail(Rejection::unknown_fund);
    if (fund->second != posting.currency)
        return fail(Rejection::currency_mismatch);
    return {};
}

/// Index of the first posting of the first group whose amounts do not sum to zero, or
/// nullopt when every group sums to zero. Groups are postings with the same `key(posting)`.
/// Allocates nothing (a posting is compared with those before it), so the writer can check
/// every entry again just before writing it; entries hold at most kPostingsPerEntryMax.
template <typename KeyOf>
std::optional<std::size_t> first_unbalanced(const std::vector<Posting>& postings, KeyOf key) {
    for (std::size_t i = 0; i < postings.size(); ++i) {
        const std::string& group = key(postings[i]);
        bool seen = false;
        for (std::size_t j = 0; j < i && !seen; ++j)
            seen = key(postings[j]) == group;
        if (seen)
            continue;  // its group was summed at its first posting
        Amount sum = 0;
        for (std::size_t j = i; j < postings.size(); ++j) {
            if (key(postings[j]) == group)
                sum += postings[j].amount;
        }
        if (sum != 0)
            return i;
    }
    return std::nullopt;
}

const std::string& currency_of(const Posting& posting) {
    return posting.currency;
}

const std::string& fund_of(const Posting& posting) {
    return posting.fund;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    std::array<char, 24> size{};
    const auto end = std::to_chars(size.data(), size.data() + size.size(), value.size()).ptr;
    out += name;
    out += ':';
    out.append(size.data(), end);
    out += ':';
    out += value;
    out += '\n';
}

}  // namespace

bool valid_text(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80           ? 1
                                   : (lead >> 5) == 0x6  ? 2
                                   : (lead >> 4) == 0xe  ? 3
                                   : (lead >> 3) == 0x1e ? 4
                                                         : 0;
        if (lead == 0 || length == 0 || i + length > text.size())
            return false;
        std::uint32_t code = length == 1 ? lead : lead & (0x7f >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next >> 6) != 0x2)
                return false;
            code = (code << 6) | (next & 0x3f);
        }
        const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                              (length == 4 && code < 0x10000);
        if (overlong || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return false;
        i += length;
    }
    return true;
}

const std::vector<Account>& default_chart() {
    static const std::vector<Account> chart = [] {
        std::vector<Account> accounts;
        for (const auto& a : kDefaultChart)
            accounts.push_back({std::string(a.code), std::string(a.name), a.type});
        return accounts;
    }();
    return chart;
}

EntryCheck validate_entry(const EntryDraft& draft, const LedgerContext& context) {
    if (draft.postings.size() < 2)
        return {Rejection::postings_too_few, {}};
    if (draft.postings.size() > kPostingsPerEntryMax)
        return {Rejection::postings_too_many, {}};
    if (draft.memo.size() > kMemoBytesMax)
        return {Rejection::memo_too_long, {}};
    // A reversal and only a reversal names the entry it reverses.
    if (draft.reverses.has_value() != (draft.event == Event::reversal)) {
        return {Rejection::invalid_event, {}};
    }
    if (!valid_code(draft.recorded_by, false))
        return {Rejection::invalid_reference, {}};
    if (!valid_text(draft.memo) || !valid_text(draft.recorded_by)) {
        return {Rejection::invalid_text, {}};
    }
    for (std::size_t i = 0; i < draft.postings.size(); ++i) {
        if (auto check = check_posting(draft.postings[i], i, context); !check.ok())
            return check;
    }
    if (context.closed_periods.contains(period_of(draft.effective_on))) {
        return {Rejection::period_closed, {}};
    }
    if (auto i = first_unbalanced_currency(draft.postings))
        return {Rejection::unbalanced_entry, *i};
    if (auto i = first_unbalanced_fund(draft.postings))
        return {Rejection::unbalanced_fund, *i};
    return {};
}

std::optional<std::size_t> first_unbalanced_currency(const std::vector<Posting>& postings) {
    return first_unbalanced(postings, currency_of);
}

std::optional<std::size_t> first_unbalanced_fund(const std::vector<Posting>& postings) {
    return first_unbalanced(postings, fund_of);
}

EntryDraft reversal_of(const Entry& original, const Date& effective_on, std::string memo,
                       std::string recorded_by) {
    EntryDraft draft;
    draft.effective_on = effective_on;
    draft.memo = std::move(memo);
    draft.event = Event::reversal;
    draft.recorded_by = std::move(recorded_by);
    draft.reverses = original.seq;
    draft.postings = original.draft.postings;
    for (auto& posting : draft.postings)
        posting.amount = -posting.amount;
    return draft;
}

std::optional<Event> counts_as(const EntryDraft& draft, std::optional<Event> reversed_event) {
    return draft.reverses ? reversed_event : std::optional<Event>(draft.event);
}

Rejection check_reversal(const Entry& original, const Date& effective_on, bool already_reversed) {
    if (already_reversed)
        return Rejection::already_reversed;
    if (effective_on < original.draft.effective_on)
        return Rejection::reversal_before_original;
    return Rejection::none;
}

namespace {

void append_canonical(std::string& out, const Entry& entry) {
    const EntryDraft& d = entry.draft;
    out += "riziki.entry.v1\n";
    append_field(out, "seq", std::to_string(entry.seq));
    append_field(out, "recorded_at_us", std::to_string(entry.recorded_at_us));
    append_field(out, "effective_on", format_date(d.effective_on));
    append_field(out, "event", to_string(d.event));
    append_field(out, "recorded_by", d.recorded_by);
    append_field(out, "memo", d.memo);
    append_field(out, "reverses", d.reverses ? std::to_string(*d.reverses) : "");
    append_field(out, "postings", std::to_string(d.postings.size()));
    for (const auto& p : d.postings) {
        append_field(out, "account", p.account);
        append_field(out, "fund", p.fund);
        append_field(out, "currency", p.currency);
        append_field(out, "amount", to_decimal_string(p.amount));
        append_field(out, "survivor", p.survivor);
        append_field(out, "award", p.award);
    }
}

/// Room for the header fields and about 96 bytes a posting: one allocation per entry.
std::size_t canonical_capacity(const Entry& entry) {
    return 192 + entry.draft.memo.size() + 96 * entry.draft.postings.size();
}

}  // namespace

std::string canonical_bytes(const Entry& entry) {
    std::string out;
    out.reserve(canonical_capacity(entry));
    append_canonical(out, entry);
    return out;
}

std::string chain_input(const Entry& entry) {
    std::string out;
    out.reserve(entry.prev_hash.size() + canonical_capacity(entry));
    out.assign(entry.prev_hash.begin(), entry.prev_hash.end());
    append_canonical(out, entry);
    return out;
}

std::string to_hex(const Hash& hash) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(hash.size() * 2);
    for (unsigned char byte : hash) {
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0x0f];
    }
    return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
    if (hex.size() != 64)
        return std::nullopt;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    Hash hash{};
    for (std::size_t i = 0; i < hash.size(); ++i) {
        const int high = nibble(hex[2 * i]);
        const int low = nibble(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        hash[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return hash;
}

}  // namespace riziki::ledger
