#pragma once
/// What the M-Pesa statement readers promise, whatever the bytes (fuzz_mpesa_csv,
/// fuzz_mpesa_xlsx): a refusal names a line, a column and a reason; what is accepted has a
/// receipt and a valid time on every line, lines in file order, amounts within the limit and
/// Withdrawn a magnitude.

#include <variant>
#include <vector>

#include "reports/mpesa_statement.hpp"
#include "tests/fuzz/require.hpp"

inline void require_statement_promises(
    const std::variant<std::vector<riziki::reports::StatementLine>,
                       riziki::reports::StatementError>& read,
    const riziki::reports::StatementLimits& limits) {
    if (const auto* error = std::get_if<riziki::reports::StatementError>(&read)) {
        REQUIRE(error->line >= 0 && error->column >= 0 && !error->reason.empty());
        return;
    }
    const auto& lines = std::get<std::vector<riziki::reports::StatementLine>>(read);
    REQUIRE(lines.size() <= limits.lines_max);
    int previous = 0;
    for (const auto& line : lines) {
        REQUIRE(!line.receipt.empty() && line.receipt.size() <= 64);
        REQUIRE(line.line > previous);
        previous = line.line;
        REQUIRE(line.completed.day.ok());
        REQUIRE(line.completed.seconds >= 0 && line.completed.seconds < 86400);
        REQUIRE(line.paid_in >= 0 && line.withdrawn >= 0);
        REQUIRE(line.paid_in <= riziki::ledger::amount_limit());
        REQUIRE(line.withdrawn <= riziki::ledger::amount_limit());
    }
}
