#include "ledger/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace riziki::ledger {

void assertion_failed(const char* expression, const char* file, int line) noexcept {
    std::fprintf(stderr, "riziki: assertion failed: %s (%s:%d)\n", expression, file, line);
    std::fflush(stderr);
    std::abort();
}

}  // namespace riziki::ledger
