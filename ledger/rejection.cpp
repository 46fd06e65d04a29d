#include "ledger/rejection.hpp"

#include "ledger/assert.hpp"

namespace riziki::ledger {

namespace {

const RejectionInfo* find_info(Rejection reason) {
    for (const auto& row : kRejections) {
        if (row.reason == reason)
            return &row;
    }
    return nullptr;
}

}  // namespace

const RejectionInfo& info(Rejection reason) {
    const auto* row = find_info(reason);
    RIZIKI_ASSERT(row != nullptr);
    return *row;
}

std::string_view to_string(Rejection reason) {
    // A number outside the enum (read from a newer peer, say) still has a name.
    const auto* row = find_info(reason);
    return row != nullptr ? row->code : "unknown_rejection";
}

std::optional<Rejection> parse_rejection(std::string_view code) {
    for (const auto& row : kRejections) {
        if (row.code == code && row.reason != Rejection::none)
            return row.reason;
    }
    return std::nullopt;
}

}  // namespace riziki::ledger
