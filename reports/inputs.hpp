#pragma once
/// What the reports are built from: plain data that db/ reads (db::ReportReads:
/// donor_report_input, portfolio_input, fund_day_sums) and api/ hands to reports/. Header-only, and
/// it depends on ledger/ alone (CMake: riziki::report_inputs), so db/ can fill these without
/// linking the renderers (cairo, pango, libxlsxwriter). The report models built from them
/// stay in donor_report.hpp, portfolio.hpp and iati.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/awards.hpp"
#include "ledger/journal.hpp"

namespace riziki::reports {

// ---- The donor report: what db/ reads for one fund and period. ----

struct SurvivorFacts {
    std::string code;
    std::string gender;
    int birth_year = 0;
    std::string county;
    std::string cohort;
    bool consent_donor_reporting = false;
    /// Random, 0..ledger::kRecordKeyRange-1 (the cell key method); never published.
    int record_key = 0;
};

/// One posting of an award, under the event it counts as (a reversal: the reversed one).
struct AwardPosting {
    ledger::Date day;
    std::string account;
    ledger::Event event = ledger::Event::manual;
    ledger::Amount amount = 0;
};

struct AwardFacts {
    ledger::Award award;
    SurvivorFacts survivor;
    std::vector<AwardPosting> postings;  ///< effective on or before the period's end
};

/// The fund's postings summed per day, account and event (up to the period's end).
struct FundDaySum {
    ledger::Date day;
    std::string account;
    ledger::Event event = ledger::Event::manual;
    ledger::Amount amount = 0;
};

struct OutcomeFacts {
    std::string survivor;
    ledger::Date observed_on;
    std::string business_status;
    ledger::Amount monthly_profit = 0;
    std::string currency;
    int jobs = 0;
};

struct DonorReportInput {
    std::string fund;
    std::string fund_name;
    std::string donor;
    std::string currency;
    std::optional<ledger::Amount> committed;  ///< the fund's committed amount, if recorded
    ledger::Date from;
    ledger::Date to;
    std::vector<FundDaySum> fund_sums;
    std::vector<AwardFacts> awards;      ///< in no particular order
    std::vector<OutcomeFacts> outcomes;  ///< of survivors funded by this fund
};

// ---- The portfolio quality report. ----

struct PortfolioInput {
    ledger::Date as_of;
    /// Every loan award, in no particular order, with its postings up to as_of.
    std::vector<AwardFacts> loans;
};

// ---- The IATI activity file. ----

struct IatiInput {
    std::string reporting_org_ref;  ///< the NGO's IATI organisation identifier
    std::string reporting_org_name;
    std::string fund;
    std::string fund_name;
    std::string donor;  ///< donor code (its IATI ref when it has one), may be empty
    std::string donor_name;
    std::string currency;
    std::optional<ledger::Date> starts_on;
    std::optional<ledger::Date> ends_on;
    ledger::Date from;
    ledger::Date to;
    std::string generated_at;  ///< RFC 3339 timestamp
    std::vector<FundDaySum> fund_sums;
};

// ---- The consortium statistics: what the hub's database (db::HubStore) reads. ----

/// One row of a member's monthly activity (a survivor it supported that month), with the
/// hub record it names: its keyed tokens and record key, never PII.
struct ConsortiumActivity {
    std::string month;  ///< YYYY-MM
    std::int64_t member = 0;
    std::int64_t record = 0;  ///< the hub record's id
    std::string support;      ///< none, grant or loan
    /// Random, 0..ledger::kRecordKeyRange-1, drawn by the hub; never published.
    int record_key = 0;
    std::optional<ledger::Hash> id_token;
    std::optional<ledger::Hash> phone_token;
    std::optional<ledger::Hash> name_token;
};

}  // namespace riziki::reports
