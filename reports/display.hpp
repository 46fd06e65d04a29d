#pragma once
/// How the donor report's renderers (HTML, PDF) show amounts to a reader and size chart
/// marks from them, so every rendering prints the same figures.

#include <string>

#include "ledger/money.hpp"

namespace riziki::reports::display {

/// An amount with thousands separators for reading: "1,234,567.00" (the currency's digits).
std::string money(const ledger::Amount& amount, const std::string& currency);

/// Text made safe inside XML or HTML text and attribute values (& < > " ').
std::string markup_escape(const std::string& text);

/// An outflow: shown with a minus sign unless it is zero.
std::string outflow(const ledger::Amount& amount, const std::string& currency);

/// A value scaled to 0..extent (pixels or points), from minor units, HALF_EVEN; no floating
/// point near money. 0 when the value or the maximum is not positive.
long scaled(const ledger::Amount& value, const ledger::Amount& max, long extent);

}  // namespace riziki::reports::display
