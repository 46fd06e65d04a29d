#pragma once
/// A count of people in a JSON document, as every report writes one: the number when it is
/// shown, else the text that hides it ("<5" or "suppressed"). For the renderers in reports/.

#include <nlohmann/json.hpp>

#include "reports/donor_report.hpp"

namespace riziki::reports {

inline nlohmann::json count_json(const Count& c) {
    return c.suppressed ? nlohmann::json(c.text()) : nlohmann::json(c.value);
}

}  // namespace riziki::reports
