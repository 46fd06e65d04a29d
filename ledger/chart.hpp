#pragma once
/// Events and accounts, each defined once (SPEC §5). The events that cause entries, the
/// default chart of accounts, and the one table that says which figure a posting feeds:
/// award figures, the donor report's fund statement, the portfolio report and IATI all
/// read `classify`, so no reader spells the mapping again.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/enum_names.hpp"

namespace riziki::ledger {

/// What caused an entry. The set is closed so reports can rely on it; the numbers are the
/// enum's own (never stored), the wire and database spelling is `to_string`.
enum class Event : std::uint8_t {
    manual,
    receipt,
    disbursement,
    repayment,
    write_off,
    forgiveness,
    recovery,
    reversal,
    transfer,
    opening_balance,
};
inline constexpr EnumNames<Event, 10> kEventNames{{"manual", "receipt", "disbursement", "repayment",
                                                   "write_off", "forgiveness", "recovery",
                                                   "reversal", "transfer", "opening_balance"}};
std::string_view to_string(Event event);
std::optional<Event> parse_event(std::string_view text);

enum class AccountType : std::uint8_t { asset, liability, net_assets, revenue, expense };
inline constexpr EnumNames<AccountType, 5> kAccountTypeNames{
    {"asset", "liability", "net_assets", "revenue", "expense"}};
std::string_view to_string(AccountType type);
std::optional<AccountType> parse_account_type(std::string_view text);

/// Accounts of the default chart the posting rules use.
namespace chart {
inline constexpr std::string_view bank = "1010";
inline constexpr std::string_view mpesa = "1020";
inline constexpr std::string_view cash = "1030";
inline constexpr std::string_view loans_receivable = "1100";
inline constexpr std::string_view due_from_funds = "1900";
inline constexpr std::string_view overpayments = "2100";
inline constexpr std::string_view payable = "2200";
inline constexpr std::string_view due_to_funds = "2900";
inline constexpr std::string_view restricted_net_assets = "3100";
inline constexpr std::string_view unrestricted_net_assets = "3200";
inline constexpr std::string_view grant_revenue = "4100";
inline constexpr std::string_view interest_income = "4200";
inline constexpr std::string_view recoveries = "4300";
inline constexpr std::string_view grants = "5100";
inline constexpr std::string_view in_kind_grants = "5110";
inline constexpr std::string_view loan_losses = "5200";
inline constexpr std::string_view charges = "5300";
}  // namespace chart

struct ChartAccount {
    std::string_view code;
    std::string_view name;
    AccountType type;
};

/// The default chart of accounts, in code order. Migration 0001 seeds the same rows; a
/// database test reads them back and compares them with this table.
inline constexpr std::array<ChartAccount, 17> kDefaultChart{{
    {chart::bank, "Bank", AccountType::asset},
    {chart::mpesa, "M-Pesa float", AccountType::asset},
    {chart::cash, "Cash on hand", AccountType::asset},
    {chart::loans_receivable, "Loans receivable", AccountType::asset},
    {chart::due_from_funds, "Due from other funds", AccountType::asset},
    {chart::overpayments, "Survivor overpayments", AccountType::liability},
    {chart::payable, "Accounts payable", AccountType::liability},
    {chart::due_to_funds, "Due to other funds", AccountType::liability},
    {chart::restricted_net_assets, "Net assets with donor restrictions", AccountType::net_assets},
    {chart::unrestricted_net_assets, "Net assets without donor restrictions",
     AccountType::net_assets},
    {chart::grant_revenue, "Grant revenue", AccountType::revenue},
    {chart::interest_income, "Loan interest income", AccountType::revenue},
    {chart::recoveries, "Recoveries on written-off loans", AccountType::revenue},
    {chart::grants, "Livelihood grants to survivors", AccountType::expense},
    {chart::in_kind_grants, "In-kind business assets to survivors", AccountType::expense},
    {chart::loan_losses, "Loan losses written off", AccountType::expense},
    {chart::charges, "Transfer and M-Pesa charges", AccountType::expense},
}};

/// The cash accounts whose sum is a fund's available cash.
inline constexpr std::array<std::string_view, 3> kCashAccounts{chart::bank, chart::mpesa,
                                                               chart::cash};
bool is_cash_account(std::string_view account);

/// A figure the books report: what donors paid in, what went out to survivors and how,
/// what came back. Each is fed by exactly one (event, account) pair of `kClassification`.
enum class Figure : std::uint8_t {
    received,          ///< donor receipts: credits to 4100
    grants_paid,       ///< grants disbursed in money: 5100
    grants_in_kind,    ///< grants disbursed in kind: 5110
    loans_disbursed,   ///< loan principal paid out: 1100
    fees,              ///< transfer and M-Pesa charges on disbursements: 5300
    principal_repaid,  ///< credits to 1100 from repayments
    interest_paid,     ///< credits to 4200 from repayments
    overpaid,          ///< credits to 2100 from repayments
    written_off,       ///< 5200 from write-offs
    forgiven,          ///< 5100 from forgiveness
    recovered,         ///< credits to 4300 from recoveries
};

/// One row of the classification: postings to `account` under `event` (the event they
/// count as: a reversal counts under the event it reverses) feed `figure`, as
/// `sign * amount` (credits are negative, so money received has sign -1).
struct Classification {
    Event event;
    std::string_view account;
    Figure figure;
    int sign;
};

inline constexpr std::array<Classification, 11> kClassification{{
    {Event::receipt, chart::grant_revenue, Figure::received, -1},
    {Event::disbursement, chart::grants, Figure::grants_paid, 1},
    {Event::disbursement, chart::in_kind_grants, Figure::grants_in_kind, 1},
    {Event::disbursement, chart::loans_receivable, Figure::loans_disbursed, 1},
    {Event::disbursement, chart::charges, Figure::fees, 1},
    {Event::repayment, chart::loans_receivable, Figure::principal_repaid, -1},
    {Event::repayment, chart::interest_income, Figure::interest_paid, -1},
    {Event::repayment, chart::overpayments, Figure::overpaid, -1},
    {Event::write_off, chart::loan_losses, Figure::written_off, 1},
    {Event::forgiveness, chart::grants, Figure::forgiven, 1},
    {Event::recovery, chart::recoveries, Figure::recovered, -1},
}};

/// The row a posting to `account` counting under `event` falls in, if any.
const Classification* classify(Event event, std::string_view account);

/// Whether `figure` is money paid out to a survivor under an award (in money or in kind,
/// grant or loan): what "disbursed" means for awards, funds and reports.
constexpr bool is_disbursed(Figure figure) {
    return figure == Figure::grants_paid || figure == Figure::grants_in_kind ||
           figure == Figure::loans_disbursed;
}

}  // namespace riziki::ledger
