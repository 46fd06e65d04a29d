// libFuzzer target: the M-Pesa B2C result reader (reports/mpesa_b2c.cpp) on any bytes. It
// must never crash, and what it accepts must hold its promises: ids of the safe charset, a
// description cut short with no control character and no phone-length digit run, and a
// success with its receipt and an amount above zero and within the limit.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "reports/mpesa_b2c.hpp"
#include "tests/fuzz/require.hpp"

namespace {

void require_safe_description(std::string_view text) {
    REQUIRE(text.size() <= riziki::reports::kB2cDescBytesMax);
    std::size_t digits = 0;
    for (const char c : text) {
        REQUIRE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
        digits = c >= '0' && c <= '9' ? digits + 1 : 0;
        REQUIRE(digits < 7);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace riziki::reports;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto read = read_b2c_result(body);
    if (const auto* error = std::get_if<B2cError>(&read)) {
        REQUIRE(!error->reason.empty());
        return 0;
    }
    const auto& r = std::get<B2cResult>(read);
    REQUIRE(is_b2c_id(r.conversation_id));
    REQUIRE(is_b2c_id(r.originator_conversation_id));
    REQUIRE(!r.transaction_id || is_b2c_id(*r.transaction_id));
    REQUIRE(!r.receipt || is_b2c_id(*r.receipt));
    REQUIRE(r.result_code >= 0);
    require_safe_description(r.result_desc);
    if (r.amount) {
        REQUIRE(*r.amount > 0);
        REQUIRE(*r.amount <= riziki::ledger::amount_limit());
    }
    if (r.succeeded()) {
        REQUIRE(r.receipt.has_value());
        REQUIRE(r.amount.has_value());
    }
    return 0;
}
