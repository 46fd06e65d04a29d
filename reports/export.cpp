#include "reports/export.hpp"
#include "reports/csv.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace riziki::reports {

namespace {

std::string_view hledger_top(ledger::AccountType type) {
    switch (type) {
        case ledger::AccountType::asset:
            return "assets";
        case ledger::AccountType::liability:
            return "liabilities";
        case ledger::AccountType::net_assets:
            return "equity";
        case ledger::AccountType::revenue:
            return "revenues";
        case ledger::AccountType::expense:
            return "expenses";
    }
    return "assets";
}

std::string_view beancount_top(ledger::AccountType type) {
    switch (type) {
        case ledger::AccountType::asset:
            return "Assets";
        case ledger::AccountType::liability:
            return "Liabilities";
        case ledger::AccountType::net_assets:
            return "Equity";
        case ledger::AccountType::revenue:
            return "Income";
        case ledger::AccountType::expense:
            return "Expenses";
    }
    return "Assets";
}

/// Free text on one journal line: control characters become spaces, and ';' (a comment
/// in hledger and ledger) becomes ','.
std::string one_line(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += byte < 0x20 || byte == 0x7f ? ' ' : c == ';' ? ',' : c;
    }
    return out;
}

/// A beancount account component: [A-Z0-9][A-Za-z0-9-]*.
std::string beancount_component(std::string_view text) {
    std::string out;
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        out += ok ? c : '-';
    }
    if (out.empty() || !((out[0] >= 'A' && out[0] <= 'Z') || (out[0] >= '0' && out[0] <= '9'))) {
        out.insert(0, "X");
    }
    return out;
}

std::string bean_string(std::string_view text) {
    std::string out = "\"";
    for (char c : one_line(text)) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

/// "1500.00": the amount with its currency's digits, without the currency.
std::string plain_amount(const ledger::Amount& minor, const std::string& currency) {
    const auto found = ledger::find_currency(currency);
    if (!found)
        throw std::runtime_error("unknown currency in export");
    return ledger::format_amount(minor, *found);
}

ledger::Date next_day(const ledger::Date& date) {
    return ledger::date_from_days(ledger::days_since_epoch(date) + 1);
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view text) {
    if (text == "hledger" || text == "ledger")
        return ExportFormat::hledger;
    if (text == "beancount")
        return ExportFormat::beancount;
    if (text == "csv")
        return ExportFormat::csv;
    return std::nullopt;
}

std::string_view content_type(ExportFormat format) {
    return format == ExportFormat::csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
}

JournalExport::JournalExport(ExportFormat format, std::vector<ledger::Account> chart)
    : format_(format), chart_(std::move(chart)) {}

std::string JournalExport::account_name(const std::string& account, const std::string& fund) const {
    const auto it = std::find_if(chart_.begin(), chart_.end(),
                                 [&](const ledger::Account& a) { return a.code == account; });
    if (it == chart_.end())
        throw std::runtime_error("posting to an account not in the chart");
    if (format_ == ExportFormat::beancount) {
        return std::string(beancount_top(it->type)) + ":" + beancount_component(account) + ":" +
               beancount_component(fund);
    }
    // Sub-account per fund, so each account x fund balance can be asserted on its own.
    return std::string(hledger_top(it->type)) + ":" + account + " " + one_line(it->name) + ":" +
           one_line(fund);
}

std::string JournalExport::amount(const ledger::Amount& minor, const std::string& currency) const {
    return plain_amount(minor, currency) + " " + currency;
}

void JournalExport::remember(const std::string& account, const std::string& fund,
                             const std::string& currency) {
    const auto same = [&](const StoredBalance& b) {
        return b.account == account && b.fund == fund;
    };
    if (std::none_of(seen_.begin(), seen_.end(), same))
        seen_.push_back({account, fund, currency, 0});
}

std::string JournalExport::header(const std::vector<StoredBalance>& opening,
                                  const std::optional<ledger::Date>& opening_on) {
    std::string out;
    if (format_ == ExportFormat::csv) {
        out = "seq,effective_on,event,memo,account,fund,currency,amount,survivor,award,hash\r\n";
    } else if (format_ == ExportFormat::hledger) {
        out = "; Riziki journal export (hledger / ledger). One sub-account per account x fund.\n";
        // Each commodity's exact digits, so neither tool rounds a sub-unit amount away.
        // Currencies without minor units need no declaration (and hledger and ledger
        // disagree on how to write one).
        for (const auto& c : ledger::kCurrencies) {
            if (c.digits == 0)
                continue;
            out += "commodity " + std::string(c.code) + "\n    format 1000." +
                   std::string(static_cast<std::size_t>(c.digits), '0') + " " +
                   std::string(c.code) + "\n";
        }
        out += "\n";
    } else {
        out = "; Riziki journal export (beancount). One account per account x fund.\n";
        for (const auto& c : ledger::kCurrencies) {
            out += "1900-01-01 commodity " + std::string(c.code) + "\n";
        }
        out += "\n";
    }
    if (opening.empty() || !opening_on || format_ == ExportFormat::csv)
        return out;
    // Mid-history export: the stored balances the day before become an opening entry.
    ledger::Entry entry;
    entry.draft.effective_on = *opening_on;
    entry.draft.memo = "opening balances";
    entry.draft.event = ledger::Event::opening_balance;
    for (const auto& b : opening) {
        entry.draft.postings.push_back({b.account, b.fund, b.currency, b.balance, "", ""});
    }
    return out + JournalExport::entry(entry);
}

std::string JournalExport::entry(const ledger::Entry& entry) {
    const auto& d = entry.draft;
    const std::string date = ledger::format_date(d.effective_on);
    std::string out;
    if (format_ == ExportFormat::csv) {
        for (const auto& p : d.postings) {
            out += std::to_string(entry.seq) + "," + date + "," +
                   std::string(ledger::to_string(d.event)) + "," + csv_field(d.memo) + "," +
                   p.account + "," + csv_field(p.fund) + "," + p.currency + "," +
                   plain_amount(p.amount, p.currency) + "," + csv_field(p.survivor) + "," +
                   csv_field(p.award) + "," + ledger::to_hex(entry.hash) + "\r\n";
        }
        return out;
    }
    const bool bean = format_ == ExportFormat::beancount;
    out = date + " * " + (bean ? bean_string(d.memo) : one_line(d.memo));
    out += bean ? "\n  seq: \"" + std::to_string(entry.seq) + "\"\n  event: \"" +
                      std::string(ledger::to_string(d.event)) + "\"\n"
                : "  ; seq:" + std::to_string(entry.seq) +
                      ", event:" + std::string(ledger::to_string(d.event)) + "\n";
    for (const auto& p : d.postings) {
        remember(p.account, p.fund, p.currency);
        out += "    " + account_name(p.account, p.fund) + "  " + amount(p.amount, p.currency);
        if (bean) {
            out += "\n      fund: " + bean_string(p.fund);
            if (!p.survivor.empty())
                out += "\n      survivor: " + bean_string(p.survivor);
            if (!p.award.empty())
                out += "\n      award: " + bean_string(p.award);
            out += "\n";
        } else {
            out += "  ; fund:" + one_line(p.fund);
            if (!p.survivor.empty())
                out += ", survivor:" + one_line(p.survivor);
            if (!p.award.empty())
                out += ", award:" + one_line(p.award);
            out += "\n";
        }
    }
    return out + "\n";
}

std::string JournalExport::finish(const std::vector<StoredBalance>& stored,
                                  const ledger::Date& as_of) {
    if (format_ == ExportFormat::csv)
        return "";
    for (const auto& b : stored)
        remember(b.account, b.fund, b.currency);
    std::map<std::pair<std::string, std::string>, ledger::Amount> balances;
    for (const auto& b : stored)
        balances[{b.account, b.fund}] = b.balance;
    std::string out;
    if (format_ == ExportFormat::beancount) {
        // Checked at the start of the day after; "~ 0" so no tolerance hides a difference.
        const std::string day = ledger::format_date(next_day(as_of));
        for (const auto& s : seen_) {
            out += "1900-01-01 open " + account_name(s.account, s.fund) + "\n";
            out += day + " balance " + account_name(s.account, s.fund) + "  " +
                   plain_amount(balances[{s.account, s.fund}], s.currency) + " ~ 0 " + s.currency +
                   "\n";
        }
        return out;
    }
    out = ledger::format_date(as_of) + " * balance assertions: balances stored by Riziki\n";
    for (const auto& s : seen_) {
        out += "    " + account_name(s.account, s.fund) + "  0 " + s.currency + " = " +
               amount(balances[{s.account, s.fund}], s.currency) + "\n";
    }
    return out;
}

}  // namespace riziki::reports
