#pragma once
/// RIZIKI_ASSERT: the program is wrong, so stop before it writes anything more. Stays on in
/// release builds (it guards money invariants); never use it on user input, which gets a
/// Rejection. Split compound conditions so the message names the one that failed.

namespace riziki::ledger {

/// Prints `expression` with its place to stderr and aborts. Never returns.
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line) noexcept;

}  // namespace riziki::ledger

#define RIZIKI_ASSERT(condition)                                                \
    do {                                                                        \
        if (!(condition)) [[unlikely]]                                          \
            ::riziki::ledger::assertion_failed(#condition, __FILE__, __LINE__); \
    } while (false)
