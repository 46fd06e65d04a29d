// The journal export a page at a time (issue 16 item 7): GET /v1/audit/export streams it,
// so the pieces must add up to the same bytes however the journal is paged, and no piece
// may hold more than one page of entries (what keeps the server's memory bounded).

#include <boost/test/unit_test.hpp>

#include <random>

#include "api/export_journal.hpp"
#include "tests/db/fixture.hpp"
#include "tests/db/random_entries.hpp"

using namespace riziki;
using namespace riziki::testing;

namespace {

struct Pieces {
    std::string text;
    std::size_t count = 0;
    std::size_t largest_entries = 0;  ///< the most entries one piece held
};

/// Every piece of a stream with this page size, joined; and how they were cut.
Pieces stream(db::JournalReads& journal, reports::ExportFormat format,
              std::optional<ledger::Date> from, std::optional<ledger::Date> to,
              std::size_t page_entries) {
    api::JournalExportStream export_stream(journal, format, from, to, page_entries);
    Pieces out;
    while (auto piece = export_stream.next()) {
        out.text += *piece;
        ++out.count;
        std::size_t entries = 0;  // an entry's first line has " * " (csv is not counted)
        for (auto at = piece->find(" * "); at != std::string::npos;
             at = piece->find(" * ", at + 1)) {
            if (piece->compare(at, 21, " * balance assertions") != 0)
                ++entries;
        }
        out.largest_entries = std::max(out.largest_entries, entries);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(export_stream)

BOOST_FIXTURE_TEST_CASE(pages_of_any_size_add_up_to_the_same_export, LedgerFixture) {
    std::mt19937_64 random(11);
    for (int i = 0; i < 90; ++i) {
        BOOST_TEST_REQUIRE(write(random_entry(random, "paged " + std::to_string(i), i)).entry.seq ==
                           i + 1);
    }
    const std::vector<std::pair<std::optional<ledger::Date>, std::optional<ledger::Date>>> periods{
        {std::nullopt, std::nullopt},
        {day("2026-02-01"), std::nullopt},
        {std::nullopt, day("2026-01-25")},
        {day("2026-01-15"), day("2026-02-01")}};
    for (const auto& [from, to] : periods) {
        // How many entries the period holds: each has one "; seq:N" tag in hledger's format
        // (the opening balances of a mid-history export, "; seq:0", are not one).
        const auto hledger = stream(journal, reports::ExportFormat::hledger, from, to, 1000).text;
        std::size_t entries = 0;
        for (auto at = hledger.find("; seq:"); at != std::string::npos;
             at = hledger.find("; seq:", at + 1)) {
            if (hledger.compare(at, 8, "; seq:0,") != 0)
                ++entries;
        }
        BOOST_TEST(entries > 0u);
        for (const auto format : {reports::ExportFormat::hledger, reports::ExportFormat::beancount,
                                  reports::ExportFormat::csv}) {
            BOOST_TEST_CONTEXT("format " << static_cast<int>(format) << " from "
                                         << (from ? ledger::format_date(*from) : "-") << " to "
                                         << (to ? ledger::format_date(*to) : "-") << ", " << entries
                                         << " entries") {
                std::string whole;
                api::export_journal(journal, format, from, to,
                                    [&](const std::string& piece) { whole += piece; });
                for (const std::size_t page : {std::size_t{1}, std::size_t{7}, entries, entries + 1,
                                               api::kExportPageEntries}) {
                    const auto paged = stream(journal, format, from, to, page);
                    BOOST_TEST(paged.text == whole, "page size " << page);
                    // The header, the full pages, one short (maybe empty) with the assertions.
                    BOOST_TEST(paged.count == 2 + entries / page, "page size " << page);
                    if (format != reports::ExportFormat::csv)
                        BOOST_TEST(paged.largest_entries <= page, "page size " << page);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
