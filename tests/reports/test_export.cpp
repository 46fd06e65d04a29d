// Exports checked by the auditors' own tools: hledger, ledger and bean-check must accept
// our journal and its balance assertions, and must refuse it when a stored balance is off
// by a single minor unit.

#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "api/export_journal.hpp"
#include "reports/csv.hpp"
#include "tests/db/fixture.hpp"
#include "tests/db/random_entries.hpp"
#include "tests/support/shell.hpp"

using namespace riziki;
using namespace riziki::testing;

namespace {

/// Runs a shell command, capturing stdout and stderr.
ShellResult run(const std::string& command) {
    return shell(command);
}

std::string export_text(db::JournalReads& journal, reports::ExportFormat format,
                        std::optional<ledger::Date> from = {},
                        std::optional<ledger::Date> to = {}) {
    std::string text;
    api::export_journal(journal, format, from, to,
                        [&](const std::string& chunk) { text += chunk; });
    return text;
}

std::string write_temp(const std::string& text, const std::string& suffix) {
    std::string path = "/tmp/riziki-export-XXXXXX" + suffix;
    const int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
    BOOST_TEST_REQUIRE(fd >= 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

/// A ledger with awkward memos, tags, and currencies of 0, 2 and 3 digits.
struct ExportFixture : LedgerFixture {
    ExportFixture() {
        BOOST_TEST_REQUIRE(create_fund("F-UGX", "UGX", "Shillings without cents") ==
                           ledger::Rejection::none);
        BOOST_TEST_REQUIRE(create_fund("F-BHD", "BHD", "Three digits") == ledger::Rejection::none);
        std::mt19937_64 random(7);
        for (int i = 0; i < 300; ++i) {
            const auto outcome = write(random_entry(random, "load " + std::to_string(i), i));
            BOOST_TEST_REQUIRE(outcome.entry.seq == i + 1);
        }
        auto odd = receipt("F-UGX", "UGX", 1500000, "2026-03-02");
        odd.memo = "semi;colon \"quoted\" back\\slash, new\nline, ünïcødé 🌱";
        odd.postings[0].survivor = "SV-0007";
        odd.postings[0].award = "AW-0003";
        BOOST_TEST_REQUIRE(write(odd).kind == db::WriteOutcome::Kind::committed);
        BOOST_TEST_REQUIRE(write(receipt("F-BHD", "BHD", 1, "2026-03-03")).entry.seq == 302);
    }
};

void break_one_stored_balance(LedgerFixture& f) {
    auto owner = f.owner();
    *owner << "ALTER TABLE daily_balances DISABLE TRIGGER USER";
    *owner << "UPDATE daily_balances SET closing_minor = closing_minor + 1 "
              "WHERE (account, fund, day) = (SELECT account, fund, max(day) FROM daily_balances "
              "WHERE account = '1010' AND fund = 'F-BHD' GROUP BY account, fund)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exports)

BOOST_FIXTURE_TEST_CASE(hledger_and_ledger_confirm_every_stored_balance, ExportFixture) {
    const auto path = write_temp(export_text(journal, reports::ExportFormat::hledger), ".journal");
    const auto check = run("hledger -f " + path + " check");
    BOOST_TEST(check.status == 0, check.output);
    const auto ledger_run = run("ledger -f " + path + " bal");
    BOOST_TEST(ledger_run.status == 0, ledger_run.output);

    // hledger's own totals, account by account, equal our trial balance.
    const auto bal = run("hledger -f " + path + " bal --flat -N -O csv");
    BOOST_TEST_REQUIRE(bal.status == 0, bal.output);
    const auto rows = journal.balances(std::nullopt);
    BOOST_TEST_REQUIRE(rows.size() > 10u);
    for (const auto& row : rows) {
        const auto digits = ledger::find_currency(row.currency);
        const std::string expected = "\"," + std::string("\"") +
                                     ledger::format_amount(row.balance, *digits) + " " +
                                     row.currency + "\"";
        const std::string key = row.account + " ";
        bool found = false;
        std::istringstream lines(bal.output);
        for (std::string line; std::getline(lines, line);) {
            found = found || (line.find(":" + key) != std::string::npos &&
                              line.find(":" + row.fund + expected) != std::string::npos);
        }
        BOOST_TEST(found, "hledger balance of " << row.account << "/" << row.fund);
    }
    std::remove(path.c_str());
}

BOOST_FIXTURE_TEST_CASE(bean_check_confirms_the_beancount_export, ExportFixture) {
    const auto path = write_temp(export_text(journal, reports::ExportFormat::beancount), ".bean");
    const auto check = run("bean-check " + path);
    BOOST_TEST(check.status == 0, check.output);
    std::remove(path.c_str());
}

BOOST_FIXTURE_TEST_CASE(a_stored_balance_off_by_one_minor_unit_fails_every_tool, ExportFixture) {
    break_one_stored_balance(*this);
    const auto ledger_file =
        write_temp(export_text(journal, reports::ExportFormat::hledger), ".journal");
    const auto bean = write_temp(export_text(journal, reports::ExportFormat::beancount), ".bean");
    BOOST_TEST(run("hledger -f " + ledger_file + " check").status != 0);
    BOOST_TEST(run("ledger -f " + ledger_file + " bal").status != 0);
    BOOST_TEST(run("bean-check " + bean).status != 0);
    std::remove(ledger_file.c_str());
    std::remove(bean.c_str());
}

BOOST_FIXTURE_TEST_CASE(a_date_range_starts_from_stored_opening_balances, ExportFixture) {
    const auto from = day("2026-02-10");
    const auto to = day("2026-02-20");
    const auto text = export_text(journal, reports::ExportFormat::hledger, from, to);
    BOOST_TEST(text.find("2026-02-09 * opening balances") != std::string::npos);
    BOOST_TEST(text.find("2026-02-20 * balance assertions") != std::string::npos);
    BOOST_TEST(text.find("\n2026-02-21 ") == std::string::npos);
    const auto path = write_temp(text, ".journal");
    const auto check = run("hledger -f " + path + " check");
    BOOST_TEST(check.status == 0, check.output);
    BOOST_TEST(run("ledger -f " + path + " bal").status == 0);
    std::remove(path.c_str());
}

BOOST_FIXTURE_TEST_CASE(csv_has_one_row_per_posting, ExportFixture) {
    const auto text = export_text(journal, reports::ExportFormat::csv);
    std::size_t postings = 0;
    for (const auto& entry : journal.entries_after(0, 1000))
        postings += entry.draft.postings.size();
    // Rows end in CRLF; the memo's own line break is quoted inside its field.
    std::size_t rows = 0;
    for (auto at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at + 2)) {
        ++rows;
    }
    BOOST_TEST(rows == postings + 1);
    BOOST_TEST(text.find("\"semi;colon \"\"quoted\"\" back\\slash, new\nline") !=
               std::string::npos);
    BOOST_TEST(text.starts_with(
        "seq,effective_on,event,memo,account,fund,currency,amount,survivor,award,hash\r\n"));
    BOOST_TEST(text.find(",1010,F-UGX,UGX,1500000,SV-0007,AW-0003,") != std::string::npos);
    BOOST_TEST(text.find(",1010,F-BHD,BHD,0.001,,,") != std::string::npos);
}

// CSV formula injection: a cell a spreadsheet would run as a formula gets a leading
// apostrophe (and quotes); plain numbers, negative ones included, stay numbers.
BOOST_AUTO_TEST_CASE(csv_cells_that_would_run_as_formulas_are_neutralised) {
    const std::pair<const char*, const char*> cases[] = {
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
        {"+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""},
        {"-2+3", "\"'-2+3\""},
        {"@SUM(A1:A9)", "\"'@SUM(A1:A9)\""},
        {"\tleading tab", "\"'\tleading tab\""},
        {"\r=1", "\"'\r=1\""},
        {"-", "\"'-\""},
        {"-7000.00", "-7000.00"},
        {"+254700000001", "+254700000001"},
        {"12", "12"},
        {"a=b", "a=b"},
        {"", ""},
        {"plain, with comma", "\"plain, with comma\""},
    };
    for (const auto& [in, out] : cases)
        BOOST_TEST_CONTEXT("field " << in) {
            BOOST_TEST(reports::csv_field(in) == out);
        }
}

BOOST_AUTO_TEST_SUITE_END()
