// libFuzzer target: the M-Pesa statement reader (reports/mpesa_statement.cpp) on any bytes.
// It must never crash, and what it accepts must hold its promises: every line has a
// receipt and a valid time, amounts within the limit, Withdrawn a magnitude.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reports/mpesa_statement.hpp"
#include "tests/fuzz/require.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto kes = *riziki::ledger::find_currency("KES");
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    riziki::reports::StatementLimits limits;
    limits.lines_max = 64;
    const auto read = riziki::reports::read_statement_csv(text, kes, limits);
    if (const auto* error = std::get_if<riziki::reports::StatementError>(&read)) {
        REQUIRE(error->line >= 0 && error->column >= 0 && !error->reason.empty());
        return 0;
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
    return 0;
}
