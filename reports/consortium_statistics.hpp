#pragma once
/// The consortium statistics the hub publishes (SPEC §16, §17; docs/registry.md,
/// GET /hub/v1/statistics): for each whole month and kind of support, the consortium's reach
/// (each person counted once, however many members supported them) and the members' own
/// counts added up ("as reported separately"), both published as the donor report publishes
/// counts of people (publish_count: the cell key method, "<5").
///
/// A person is a connected component of the hub records in the rows: records of different
/// members are joined when they share an equal id, phone or name token. Namesakes born the
/// same year have equal name tokens, so two such people at two members count as one: an
/// undercount the perturbation dwarfs. A person's record key is the smallest of their
/// records'; a count's cell key is the sum of its people's keys (for reported_separately,
/// of its records' keys) modulo ledger::kRecordKeyRange.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "reports/donor_report.hpp"
#include "reports/inputs.hpp"

namespace riziki::reports {

/// The most months one request may cover.
inline constexpr std::size_t kConsortiumMonthsMax = 36;

/// The kinds of support, in the order each month lists them: "all" is every row.
inline constexpr std::array<const char*, 3> kConsortiumSupports{"all", "grant", "loan"};

struct ConsortiumCell {
    std::string month;          ///< YYYY-MM
    std::string support;        ///< all, grant or loan
    Count reach;                ///< distinct people
    Count reported_separately;  ///< the sum over members of their own counts
};

struct ConsortiumStatistics {
    std::string from;  ///< YYYY-MM
    std::string to;
    std::vector<ConsortiumCell> cells;  ///< by month, then kConsortiumSupports
};

/// The months from `from` to `to` (YYYY-MM each, valid), in order; empty when from > to.
std::vector<std::string> whole_months(std::string_view from, std::string_view to);

/// The statistics with true counts and their cell keys (counts of 1-4 hidden, nothing
/// perturbed): what publication starts from. For tests; never published.
ConsortiumStatistics count_consortium_statistics(const std::string& from, const std::string& to,
                                                 const std::vector<ConsortiumActivity>& rows);

/// The statistics as published: every count perturbed under its cell key plus its month's
/// key (counts_key of the month's six true counts, so a month publishes the same numbers
/// whatever range it is asked in, and a month whose people differ anywhere draws all six
/// afresh); a count under 5, true or perturbed, 0 included, shows as "<5".
ConsortiumStatistics build_consortium_statistics(const std::string& from, const std::string& to,
                                                 const std::vector<ConsortiumActivity>& rows);

/// The note every format carries: kPerturbationNote and what the two counts are.
std::string consortium_statistics_note();

/// {"from", "to", "note", "months": [{"month", "support", "reach", "reported_separately"}]},
/// a hidden count as the text "<5" (as the donor report's JSON).
std::string consortium_statistics_json(const ConsortiumStatistics& statistics);
/// month,support,reach,reported_separately; then a last row "note,<the note>,,".
std::string consortium_statistics_csv(const ConsortiumStatistics& statistics);
/// A self-contained HTML page (inline CSS, nothing fetched), every text escaped.
std::string consortium_statistics_html(const ConsortiumStatistics& statistics);

}  // namespace riziki::reports
