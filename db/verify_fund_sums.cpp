#include "db/verify_fund_sums.hpp"

#include "db/copy_stream.hpp"

namespace riziki::db {

namespace {

constexpr const char* kSelectFundSums =
    "SELECT fund, account, counts_as, amount_minor, first_on FROM fund_sums";

void fail(CheckResult& check, const std::string& key, const std::string& what) {
    if (!check.ok)
        return;
    std::string name = key;
    for (auto& c : name)
        c = c == '\0' ? '/' : c;
    check.ok = false;
    check.first_entry = 0;
    check.detail = "fund sum " + name + " " + what;
}

}  // namespace

void FundSumsCheck::add(const ledger::Entry& entry, std::optional<ledger::Event> counts_as) {
    // A reversal of an entry not seen has no event: the carried check has failed it, and
    // its key matches no stored row, so this check fails it too.
    const std::string_view event = counts_as ? ledger::to_string(*counts_as) : "";
    const long day = ledger::days_since_epoch(entry.draft.effective_on);
    for (const auto& p : entry.draft.postings) {
        key_.assign(p.fund).append(1, '\0').append(p.account).append(1, '\0').append(event);
        auto [it, added] = sums_.try_emplace(key_);
        if (added || day < it->second.first_day)
            it->second.first_day = day;
        it->second.amount += p.amount;
    }
}

void FundSumsCheck::check(soci::session& sql, CheckResult& check) {
    CopyStream rows(sql, kSelectFundSums);
    std::int64_t examined = 0;
    while (rows.next()) {
        ++examined;
        key_.assign(rows.bytes(0)).append(1, '\0').append(rows.bytes(1)).append(1, '\0');
        key_.append(rows.bytes(2));
        const auto found = sums_.find(key_);
        if (found == sums_.end() || found->second.stored)
            return fail(check, key_, "is stored but no posting makes it");
        found->second.stored = true;
        if (rows.amount(3) != found->second.amount || rows.days(4) != found->second.first_day)
            return fail(check, key_, "differs from the sum of its postings");
    }
    check.examined = examined;
    for (const auto& [key, sum] : sums_) {
        if (!sum.stored)
            return fail(check, key, "is missing though postings make it");
    }
}

}  // namespace riziki::db
