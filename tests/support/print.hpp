#pragma once
/// Lets BOOST_TEST print the core's types when a comparison fails (found by ADL).

#include <ostream>

#include "ledger/journal.hpp"

namespace riziki::ledger {

inline std::ostream& boost_test_print_type(std::ostream& out, const Rejection& reason) {
    return out << to_string(reason) << " (" << static_cast<int>(reason) << ")";
}

inline std::ostream& boost_test_print_type(std::ostream& out, const Event& event) {
    return out << to_string(event);
}

inline std::ostream& boost_test_print_type(std::ostream& out, const AccountType& type) {
    return out << to_string(type);
}

inline std::ostream& boost_test_print_type(std::ostream& out, const Period& period) {
    return out << format_period(period);
}

inline std::ostream& boost_test_print_type(std::ostream& out, const AmountError& error) {
    switch (error) {
        case AmountError::none:
            return out << "none";
        case AmountError::malformed:
            return out << "malformed";
        case AmountError::too_many_decimals:
            return out << "too_many_decimals";
        case AmountError::out_of_range:
            return out << "out_of_range";
    }
    return out << "AmountError(" << static_cast<int>(error) << ")";
}

inline std::ostream& boost_test_print_type(std::ostream& out, const Hash& hash) {
    return out << to_hex(hash);
}

/// An entry draft prints as the bytes the hash chain would cover.
inline std::ostream& boost_test_print_type(std::ostream& out, const EntryDraft& draft) {
    Entry entry;
    entry.draft = draft;
    return out << canonical_bytes(entry);
}

}  // namespace riziki::ledger
