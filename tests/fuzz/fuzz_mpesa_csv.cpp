// libFuzzer target: the M-Pesa statement reader (reports/mpesa_statement.cpp) on any bytes.
// It must never crash, and what it accepts must hold its promises: every line has a
// receipt and a valid time, amounts within the limit, Withdrawn a magnitude.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "reports/mpesa_statement.hpp"
#include "tests/fuzz/statement_properties.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto kes = *riziki::ledger::find_currency("KES");
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    riziki::reports::StatementLimits limits;
    limits.lines_max = 64;
    require_statement_promises(riziki::reports::read_statement_csv(text, kes, limits), limits);
    return 0;
}
