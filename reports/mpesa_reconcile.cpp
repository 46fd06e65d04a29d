#include "reports/mpesa_reconcile.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <stdexcept>

#include "reports/csv.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;

Amount net(const StoredLine& line) {
    return line.paid_in - line.withdrawn;
}

/// A line's place in time: by completion time, and within a second later file lines first
/// (the portal lists the newest first).
bool older(const StoredLine& a, const StoredLine& b) {
    if (a.completed != b.completed)
        return a.completed < b.completed;
    return a.line > b.line;
}

/// Whether the import tied the line to a ledger entry that accounts for its money.
bool accounted(const StoredLine& line) {
    return line.entry && (line.state == MatchState::matched || line.state == MatchState::proposed ||
                          line.state == MatchState::charge);
}

std::string money(const Amount& amount, const ledger::Currency& currency) {
    return std::string(currency.code()) + " " + ledger::format_amount(amount, currency);
}

std::string summary_of(const Reconciliation& r, const ledger::Currency& currency) {
    const auto lists = [&] {
        return std::to_string(r.on_statement.size()) + " on the statement not in the ledger (" +
               money(r.on_statement_total, currency) + ") and " +
               std::to_string(r.in_ledger.size()) + " in the ledger not on the statement (" +
               money(r.in_ledger_total, currency) + ")";
    };
    switch (r.verdict) {
        case Verdict::reconciled:
            return "Reconciled: the statement's closing balance, " +
                   money(*r.statement_closing, currency) +
                   ", equals the ledger's, and every line is in the ledger.";
        case Verdict::explained: {
            const Amount brought = *r.statement_opening - r.ledger_opening;
            return "Explained: the closing balances differ by " +
                   money(*r.statement_closing - r.ledger_closing, currency) + "; " + lists() +
                   (brought != 0 ? ", with " + money(brought, currency) +
                                       " brought forward from the opening balances,"
                                 : "") +
                   " account for all of it.";
        }
        case Verdict::unexplained:
            return "Not reconciled: " + money(r.unexplained, currency) +
                   " of the difference between the closing balances is not explained by the " +
                   "differences listed; the statement's balances do not add up to its lines " +
                   "(lines missing from the file, or money that is not this fund's).";
        case Verdict::no_balances:
            break;
    }
    return "The statement prints no balances: " + lists() + ".";
}

}  // namespace

bool completed(const StoredLine& line) {
    std::string status = line.status;
    std::ranges::transform(status, status.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return status == "COMPLETED";
}

std::optional<StatementBalances> statement_balances(const std::vector<StoredLine>& lines) {
    const StoredLine* oldest = nullptr;
    const StoredLine* newest = nullptr;
    for (const auto& line : lines) {
        if (!completed(line) || !line.balance)
            continue;
        if (oldest == nullptr || older(line, *oldest))
            oldest = &line;
        if (newest == nullptr || older(*newest, line))
            newest = &line;
    }
    if (oldest == nullptr)
        return std::nullopt;
    return StatementBalances{*oldest->balance - net(*oldest), *newest->balance};
}

std::string_view to_string(Verdict verdict) {
    static constexpr std::array<std::string_view, 4> kNames{"reconciled", "explained",
                                                            "unexplained", "no_balances"};
    return kNames[static_cast<std::size_t>(verdict)];
}

Reconciliation reconcile(const StoredStatement& statement, const LedgerCash& ledger) {
    if (!statement.first_at || !statement.last_at)
        throw std::invalid_argument("a statement without lines has nothing to reconcile");
    const auto currency = ledger::find_currency(statement.currency);
    if (!currency)
        throw std::invalid_argument("the statement's currency is not in the currency table");
    Reconciliation r;
    r.from = statement.first_at->day;
    r.to = statement.last_at->day;
    r.statement_opening = statement.opening;
    r.statement_closing = statement.closing;
    r.ledger_opening = ledger.opening;
    r.ledger_closing = ledger.closing;

    std::map<std::int64_t, const CashEntry*> in_days;
    for (const auto& entry : ledger.entries) {
        in_days.emplace(entry.seq, &entry);
        r.ledger_movement += entry.amount;
    }
    // What the lines tied to each entry add up to, and the first of them.
    std::map<std::int64_t, std::pair<Amount, const StoredLine*>> named;
    for (const auto& line : statement.lines) {
        if (!completed(line))
            continue;
        r.statement_movement += net(line);
        if (accounted(line) && in_days.contains(*line.entry)) {
            auto& [sum, first] = named[*line.entry];
            sum += net(line);
            if (first == nullptr)
                first = &line;
            continue;
        }
        r.on_statement.push_back(
            {line.line, line.receipt, line.entry, line.completed.day, net(line),
             accounted(line) ? "entry_outside_statement" : line.reason, line.award});
    }
    for (const auto& entry : ledger.entries) {
        const auto it = named.find(entry.seq);
        if (it == named.end()) {
            const bool reversal = entry.event == ledger::Event::reversal;
            r.in_ledger.push_back(
                {0, entry.reference, entry.seq, entry.effective_on, entry.amount,
                 reversal ? "reversal" : (entry.reversed ? "reversed" : "not_on_statement"),
                 entry.award});
        } else if (it->second.first != entry.amount) {
            const auto& line = *it->second.second;
            r.on_statement.push_back({line.line, line.receipt, entry.seq, line.completed.day,
                                      it->second.first - entry.amount, "differs_from_entry",
                                      entry.award});
        }
    }
    std::ranges::stable_sort(r.on_statement, {}, &Difference::line);
    for (const auto& d : r.on_statement)
        r.on_statement_total += d.amount;
    for (const auto& d : r.in_ledger)
        r.in_ledger_total += d.amount;

    const bool none = r.on_statement.empty() && r.in_ledger.empty();
    if (!statement.opening || !statement.closing) {
        r.verdict = Verdict::no_balances;
    } else {
        const Amount closing_difference = *statement.closing - ledger.closing;
        const Amount opening_difference = *statement.opening - ledger.opening;
        r.unexplained =
            closing_difference - opening_difference - (r.on_statement_total - r.in_ledger_total);
        if (r.unexplained != 0)
            r.verdict = Verdict::unexplained;
        else if (none && closing_difference == 0)
            r.verdict = Verdict::reconciled;
        else
            r.verdict = Verdict::explained;
    }
    r.summary = summary_of(r, *currency);
    return r;
}

std::string reconciliation_csv(const StoredStatement& statement, const Reconciliation& r) {
    const auto currency = *ledger::find_currency(statement.currency);
    const auto amount = [&](const Amount& a) { return ledger::format_amount(a, currency); };
    const auto optional = [&](const std::optional<Amount>& a) { return a ? amount(*a) : ""; };
    std::string out;
    const auto row = [&](std::initializer_list<std::string> fields) {
        bool first = true;
        for (const auto& field : fields) {
            if (!first)
                out += ',';
            out += csv_field(field);
            first = false;
        }
        out += "\r\n";
    };
    row({"M-Pesa reconciliation", "statement " + std::to_string(statement.id)});
    row({"fund", statement.fund});
    row({"account", statement.account});
    row({"currency", statement.currency});
    row({"from", ledger::format_date(r.from)});
    row({"to", ledger::format_date(r.to)});
    row({"file sha256", statement.file_sha256});
    row({"", "statement", "ledger"});
    row({"opening balance", optional(r.statement_opening), amount(r.ledger_opening)});
    row({"movement", amount(r.statement_movement), amount(r.ledger_movement)});
    row({"closing balance", optional(r.statement_closing), amount(r.ledger_closing)});
    row({"verdict", std::string(to_string(r.verdict))});
    row({"unexplained", amount(r.unexplained)});
    row({"summary", r.summary});
    row({});
    row({"side", "line", "receipt", "entry", "day", "amount", "reason", "award"});
    const auto differences = [&](const std::vector<Difference>& list, const char* side) {
        for (const auto& d : list) {
            row({side, d.line > 0 ? std::to_string(d.line) : "", d.receipt,
                 d.entry ? std::to_string(*d.entry) : "", ledger::format_date(d.day),
                 amount(d.amount), d.reason, d.award});
        }
    };
    differences(r.on_statement, "on_statement");
    differences(r.in_ledger, "in_ledger");
    return out;
}

}  // namespace riziki::reports
