// The reconciliation of an M-Pesa statement as an Excel workbook: a summary sheet with the
// statement's and the ledger's balances side by side, then a sheet for each list of
// differences. Amounts are numeric cells in the currency's format and days are date cells,
// so an auditor can sum and sort them; the workbook is written by reports/xlsx_book.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/mpesa_reconcile.hpp"
#include "reports/xlsx_book.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;
using xlsx::Cell;

/// A whole number (a line, an entry, a statement id) as a numeric cell.
Cell whole(std::int64_t value) {
    return xlsx::Number{std::to_string(value), "0"};
}

std::string title_of(const StoredStatement& statement, const Reconciliation& r) {
    return "M-Pesa reconciliation · statement " + std::to_string(statement.id) + " · " +
           statement.fund + " · " + ledger::format_date(r.from) + " to " +
           ledger::format_date(r.to);
}

void summary_sheet(xlsx::Workbook& book, const StoredStatement& statement,
                   const Reconciliation& r) {
    const auto& c = statement.currency;
    const auto money = [&](const Amount& amount) { return xlsx::Money{amount, c}; };
    // A statement that prints no balances has none to show, which is not a hidden figure.
    const auto balance = [&](const std::optional<Amount>& amount) -> Cell {
        return amount ? Cell(money(*amount)) : Cell(std::string("not printed"));
    };
    xlsx::Sheet sheet(book, title_of(statement, r), "Summary",
                      {{"Item", 34}, {"Statement", 24}, {"Ledger", 24}});
    sheet.add_row({"Statement", whole(statement.id)});
    sheet.add_row({"Fund", statement.fund});
    sheet.add_row({"Account", statement.account});
    sheet.add_row({"Currency", c});
    sheet.add_row({"From", r.from});
    sheet.add_row({"To", r.to});
    sheet.add_row({"File SHA-256", statement.file_sha256});
    sheet.add_row({});
    sheet.add_row({"Opening balance", balance(r.statement_opening), money(r.ledger_opening)});
    sheet.add_row({"Movement", money(r.statement_movement), money(r.ledger_movement)});
    sheet.add_row({"Closing balance", balance(r.statement_closing), money(r.ledger_closing)});
    sheet.add_row({});
    sheet.add_row({"On the statement, not in the ledger", money(r.on_statement_total)});
    sheet.add_row({"In the ledger, not on the statement", money(r.in_ledger_total)});
    sheet.add_row({"Verdict", std::string(to_string(r.verdict))});
    sheet.add_row({"Unexplained", money(r.unexplained)});
    sheet.add_row({"Summary", r.summary});
}

/// One list of differences, a row each, and their total under the amounts.
void differences_sheet(xlsx::Workbook& book, const StoredStatement& statement,
                       const Reconciliation& r, const char* name,
                       const std::vector<Difference>& list, const Amount& total) {
    const auto& c = statement.currency;
    xlsx::Sheet sheet(book, title_of(statement, r), name,
                      {{"Line", 8},
                       {"Receipt", 16},
                       {"Entry", 10},
                       {"Day", 12},
                       {"Amount", 20},
                       {"Reason", 26},
                       {"Award", 14}});
    for (const auto& d : list) {
        // A ledger entry has no line, and a line the ledger does not know has no entry.
        sheet.add_row({d.line > 0 ? whole(d.line) : Cell(std::string()), d.receipt,
                       d.entry ? whole(*d.entry) : Cell(std::string()), d.day,
                       xlsx::Money{d.amount, c}, d.reason, d.award});
    }
    sheet.add_row({"Total", "", "", "", xlsx::Money{total, c}});
}

}  // namespace

std::string reconciliation_xlsx(const StoredStatement& statement, const Reconciliation& r) {
    return xlsx::write_workbook([&](xlsx::Workbook& book) {
        book.properties("M-Pesa reconciliation statement " + std::to_string(statement.id) + " " +
                            statement.fund + " " + ledger::format_date(r.from) + " to " +
                            ledger::format_date(r.to),
                        "M-Pesa account " + statement.account + " of fund " + statement.fund);
        summary_sheet(book, statement, r);
        differences_sheet(book, statement, r, "On statement, not in ledger", r.on_statement,
                          r.on_statement_total);
        differences_sheet(book, statement, r, "In ledger, not on statement", r.in_ledger,
                          r.in_ledger_total);
    });
}

}  // namespace riziki::reports
