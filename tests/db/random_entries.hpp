#pragma once
/// Random balanced entries for load and invariant tests (deterministic per seed).

#include <random>

#include "ledger/journal.hpp"

namespace riziki::testing {

/// 2-6 postings over one or two funds, each fund's postings summing to zero. Dated like a
/// finance office works: `index` moves the working day forward every 40 entries, and one
/// entry in ten is back-dated by up to three weeks (which shifts later daily balances).
inline ledger::EntryDraft random_entry(std::mt19937_64& random, const std::string& memo,
                                       long index = 0) {
    static const char* kAccounts[] = {"1010", "1020", "1030", "1900", "4100", "5100", "5300"};
    static const std::pair<const char*, const char*> kFunds[] = {
        {"F-KES", "KES"}, {"F-KES2", "KES"}, {"F-USD", "USD"}};
    std::uniform_int_distribution<int> account(0, 6), fund(0, 2), amount(1, 5'000'000), funds(1, 2),
        extra(0, 1), back(1, 21), tenth(0, 9);
    ledger::EntryDraft draft;
    const long working_day = 20454 + 30 + index / 40;  // from 2026-01-31
    draft.effective_on =
        ledger::date_from_days(working_day - (tenth(random) == 0 ? back(random) : 0));
    draft.memo = memo;
    draft.recorded_by = "load";
    const int fund_count = funds(random);
    for (int f = 0; f < fund_count; ++f) {
        const auto& [code, currency] = kFunds[fund(random)];
        const long long a = amount(random);
        const long long b = extra(random) ? amount(random) : 0;
        draft.postings.push_back({kAccounts[account(random)], code, currency, a, "", ""});
        if (b != 0)
            draft.postings.push_back({kAccounts[account(random)], code, currency, b, "", ""});
        draft.postings.push_back({kAccounts[account(random)], code, currency, -(a + b), "", ""});
    }
    return draft;
}

}  // namespace riziki::testing
