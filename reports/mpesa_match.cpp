// Matching an M-Pesa statement against the ledger: the rules of mpesa_match.hpp, in order.
#include "reports/mpesa_match.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "ledger/rejection.hpp"
#include "reports/mpesa_statement_rows.hpp"

namespace riziki::reports {

namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool is_charge(const StatementLine& line) {
    return (line.withdrawn > 0 && !line.linked_transaction.empty()) ||
           upper(line.reason_type).find("CHARGE") != std::string::npos;
}

bool active_loan(const ledger::Award& award) {
    return award.kind == ledger::AwardKind::loan && award.status == ledger::AwardStatus::active;
}

/// Rule 3's comparison: the line's amount on the side the entry moved money.
bool amount_equals(const StatementLine& line, const LedgerReference& ref) {
    switch (ref.kind) {
        case ReferenceKind::repayment:
            return line.paid_in == ref.amount;
        case ReferenceKind::disbursement:
        case ReferenceKind::fee:
            return line.withdrawn == ref.amount;
        case ReferenceKind::other:
            break;
    }
    return (line.paid_in != 0 ? line.paid_in : line.withdrawn) == ref.amount;
}

class Matcher {
  public:
    explicit Matcher(const MatchSnapshot& snapshot) : snapshot_(snapshot), books_(snapshot.books) {
        for (const auto& ref : snapshot.references)
            references_.emplace(ref.receipt, &ref);
        for (auto& [id, book] : books_.awards)
            if (book.award.fund == snapshot.fund)
                by_survivor_[book.award.survivor].push_back(&book.award);
    }

    LineOutcome match(const StatementLine& line) {
        LineOutcome out;
        out.line = line.line;
        out.receipt = line.receipt;
        const auto status = upper(statement_rows::trim(line.status));
        if (status != "COMPLETED")
            return decide(out, MatchState::ignored,
                          status == "FAILED" ? "failed" : "not_completed");
        if (!seen_.insert(line.receipt).second)
            return decide(out, MatchState::unmatched, "duplicate_receipt");
        if (const auto* ref = reference(line.receipt))
            return referenced(out, line, *ref);
        if (is_charge(line))
            return charge(out, line);
        if (line.paid_in <= 0)
            return decide(out, MatchState::unmatched, "not_in_ledger");
        return paid_in(out, line);
    }

  private:
    static LineOutcome& decide(LineOutcome& out, MatchState state, std::string reason = {}) {
        out.state = state;
        out.reason = std::move(reason);
        return out;
    }

    /// Rule 6 found no loan to propose a repayment to: the line is unmatched for `reason`.
    static const ledger::Award* no_loan(LineOutcome& out, std::string reason) {
        decide(out, MatchState::unmatched, std::move(reason));
        return nullptr;
    }

    const LedgerReference* reference(const std::string& receipt) const {
        const auto it = references_.find(receipt);
        return it == references_.end() ? nullptr : it->second;
    }

    LineOutcome referenced(LineOutcome& out, const StatementLine& line,
                           const LedgerReference& ref) const {
        out.award = ref.award;
        if (!amount_equals(line, ref))
            return decide(out, MatchState::unmatched, "amount_differs");
        const long apart = ledger::days_since_epoch(line.completed.day) -
                           ledger::days_since_epoch(ref.effective_on);
        if (std::max(apart, -apart) > snapshot_.window_days)
            return decide(out, MatchState::unmatched, "date_outside_window");
        out.entry = ref.entry;
        return decide(out, MatchState::matched);
    }

    LineOutcome charge(LineOutcome& out, const StatementLine& line) const {
        const auto* linked = reference(std::string(statement_rows::trim(line.linked_transaction)));
        if (linked == nullptr)
            return decide(out, MatchState::unmatched, "linked_receipt_unknown");
        out.award = linked->award;
        if (linked->fee == 0)
            return decide(out, MatchState::unmatched, "charge_without_fee");
        out.entry = linked->entry;
        if (line.withdrawn != linked->fee)
            return decide(out, MatchState::unmatched, "charge_differs");
        return decide(out, MatchState::charge);
    }

    /// Rule 6: the award the account names, or the reason there is none.
    const ledger::Award* named_loan(LineOutcome& out, const StatementLine& line) const {
        const auto account = named_code(line.account_number);
        if (account.empty())
            return no_loan(out, "account_unknown");
        if (const auto it = books_.awards.find(account);
            it != books_.awards.end() && it->second.award.fund == snapshot_.fund) {
            out.award = account;
            if (!active_loan(it->second.award))
                return no_loan(out, "no_active_loan");
            return &it->second.award;
        }
        const auto survivor = by_survivor_.find(account);
        if (survivor == by_survivor_.end())
            return no_loan(out, "account_unknown");
        const ledger::Award* loan = nullptr;
        for (const auto* award : survivor->second) {
            if (!active_loan(*award))
                continue;
            if (loan != nullptr)
                return no_loan(out, "several_active_loans");
            loan = award;
        }
        if (loan == nullptr)
            return no_loan(out, "no_active_loan");
        out.award = loan->id;
        return loan;
    }

    LineOutcome paid_in(LineOutcome& out, const StatementLine& line) {
        const auto* loan = named_loan(out, line);
        if (loan == nullptr)
            return out;
        ledger::Repayment repayment{loan->id, line.paid_in, line.completed.day,
                                    ledger::Channel::mpesa, line.receipt};
        auto planned = ledger::plan(repayment, books_, snapshot_.context, snapshot_.recorded_by);
        if (!planned.check.ok())
            return decide(out, MatchState::unmatched,
                          std::string(ledger::to_string(planned.check.reason)));
        // Later lines are planned against the books as this repayment leaves them.
        books_.apply(planned.draft, planned.draft.event);
        books_.references.emplace(ledger::Channel::mpesa, line.receipt);
        out.proposal =
            Proposal{std::move(repayment), std::move(planned.draft), std::move(planned.allocation)};
        return decide(out, MatchState::proposed);
    }

    const MatchSnapshot& snapshot_;
    ledger::Books books_;
    std::map<std::string, const LedgerReference*, std::less<>> references_;
    std::set<std::string, std::less<>> seen_;
    /// The fund's awards by survivor code (statuses as books_ moves them).
    std::map<std::string, std::vector<const ledger::Award*>, std::less<>> by_survivor_;
};

}  // namespace

std::string named_code(std::string_view typed) {
    std::string code;
    for (const char c : typed) {
        if (c != ' ' && c != '\t')
            code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const bool shape = code.size() == 11 && (code.starts_with("AW-") || code.starts_with("SV-")) &&
                       std::all_of(code.begin() + 3, code.end(), [](char c) {
                           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                       });
    return shape ? code : "";
}

std::vector<std::size_t> oldest_first(const std::vector<StatementLine>& lines) {
    std::vector<std::size_t> order(lines.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    // The portal lists the newest first: within one second, the later line is the older.
    std::ranges::stable_sort(order, [&](std::size_t a, std::size_t b) {
        if (lines[a].completed != lines[b].completed)
            return lines[a].completed < lines[b].completed;
        return a > b;
    });
    return order;
}

MatchResult match_statement(const std::vector<StatementLine>& lines,
                            const MatchSnapshot& snapshot) {
    MatchResult result;
    Matcher matcher(snapshot);
    result.lines.resize(lines.size());
    result.order = oldest_first(lines);
    for (const auto i : result.order) {
        const auto& line = lines[i];
        auto outcome = matcher.match(line);
        auto& total = result.totals[static_cast<std::size_t>(outcome.state)];
        ++total.lines;
        total.paid_in += line.paid_in;
        total.withdrawn += line.withdrawn;
        result.lines[i] = std::move(outcome);
    }
    return result;
}

}  // namespace riziki::reports
