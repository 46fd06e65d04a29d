#include "db/kept_books.hpp"

namespace riziki::db {

void KeptBooks::check_head(long long seq, const std::string& hash_hex) {
    if (!head_ || head_->first != seq || head_->second != hash_hex)
        clear();
}

void KeptBooks::clear() {
    head_.reset();
    awards_.clear();
    sums_.clear();
    cash_.clear();
}

void KeptBooks::take_awards(std::set<std::string>& ids, ledger::Books& books,
                            AwardStatuses& loaded) const {
    for (auto it = ids.begin(); it != ids.end();) {
        const auto kept = awards_.find(*it);
        if (kept == awards_.end()) {
            ++it;
            continue;
        }
        loaded[*it] = kept->second.status;
        books.awards[*it] = {kept->second, ledger::figures_of(sums_.at(*it))};
        it = ids.erase(it);
    }
}

std::set<std::string> KeptBooks::unkept(const std::set<std::string>& ids) const {
    std::set<std::string> out;
    for (const auto& id : ids) {
        if (!awards_.contains(id))
            out.insert(id);
    }
    return out;
}

void KeptBooks::take_cash(std::set<std::string>& funds, ledger::Books& books) const {
    for (auto it = funds.begin(); it != funds.end();) {
        if (const auto kept = cash_.find(*it); kept != cash_.end()) {
            books.fund_cash[*it] = kept->second;
            it = funds.erase(it);
        } else {
            ++it;
        }
    }
}

void KeptBooks::keep(const ledger::Award& award, const ledger::PostingSums& sums) {
    awards_[award.id] = award;
    sums_[award.id] = sums;
}

void KeptBooks::keep_cash(const std::string& fund, const ledger::Amount& cash) {
    cash_[fund] = cash;
}

void KeptBooks::written(const ledger::EntryDraft& draft, ledger::Event counts_as) {
    for (const auto& p : draft.postings) {
        if (auto it = sums_.find(p.award); it != sums_.end())
            it->second[{draft.effective_on, p.account, counts_as}] += p.amount;
    }
    ledger::apply_cash(cash_, draft);
}

void KeptBooks::statuses(const ledger::Books& books) {
    for (const auto& [id, book] : books.awards) {
        if (auto it = awards_.find(id); it != awards_.end())
            it->second.status = book.award.status;
    }
}

void KeptBooks::committed(long long seq, const std::string& hash_hex) {
    if (awards_.size() > kAwardsMax)
        clear();
    head_.emplace(seq, hash_hex);
}

}  // namespace riziki::db
