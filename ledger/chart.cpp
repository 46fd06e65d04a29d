#include "ledger/chart.hpp"

#include <algorithm>

namespace riziki::ledger {

std::string_view to_string(Event event) {
    return kEventNames.name(event);
}

std::optional<Event> parse_event(std::string_view text) {
    return kEventNames.parse(text);
}

std::string_view to_string(AccountType type) {
    return kAccountTypeNames.name(type);
}

std::optional<AccountType> parse_account_type(std::string_view text) {
    return kAccountTypeNames.parse(text);
}

bool is_cash_account(std::string_view account) {
    return std::find(kCashAccounts.begin(), kCashAccounts.end(), account) != kCashAccounts.end();
}

const Classification* classify(Event event, std::string_view account) {
    for (const auto& row : kClassification) {
        if (row.event == event && row.account == account)
            return &row;
    }
    return nullptr;
}

}  // namespace riziki::ledger
