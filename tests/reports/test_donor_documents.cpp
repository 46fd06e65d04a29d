// The donor report as PDF and XLSX, read back the way a reader's tools would: poppler's
// pdftotext and pdfinfo for the PDF, the zip's XML for the workbook. On the seeded demo, on
// constructed reports (a currency without minor units, hidden cells, a report long enough
// for several pages), and through `riziki report donor`.

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "api/demo.hpp"
#include "api/pii_vault.hpp"
#include "reports/display.hpp"
#include "reports/donor_report.hpp"
#include "tests/db/fixture.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/xlsx_cells.hpp"

using namespace riziki;
using namespace riziki::testing;
using reports::Count;

namespace {

/// Runs `command` under sh; its stdout and exit status.
ShellResult run(const std::string& command) {
    return shell(command, false);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

/// pdftotext -layout of one page (or all when page is 0).
std::string pdf_text(const std::filesystem::path& pdf, int page = 0) {
    const std::string pages =
        page > 0 ? " -f " + std::to_string(page) + " -l " + std::to_string(page) : "";
    const auto result = run("pdftotext -layout" + pages + " " + shell_quoted(pdf.string()) + " -");
    BOOST_TEST_REQUIRE(result.status == 0);
    return result.output;
}

/// The page count pdfinfo reads (0 when it cannot read the file).
int pdf_pages(const std::filesystem::path& pdf) {
    const auto info = run("pdfinfo " + shell_quoted(pdf.string()) + " 2>&1");
    std::smatch match;
    if (info.status != 0 || !std::regex_search(info.output, match, std::regex(R"(Pages:\s+(\d+))")))
        return 0;
    return std::stoi(match[1]);
}

using riziki::testing::XlsxCell;

/// A workbook the test wrote to `path`, read back.
struct Xlsx : riziki::testing::XlsxBook {
    explicit Xlsx(const std::filesystem::path& path) : XlsxBook(read_file(path)) {}

    const XlsxCell& cell(const std::string& sheet, const std::string& reference) const {
        return sheets.at(sheet).at(reference);
    }

    /// The row of the sheet whose column A says `label`, as the reference of column B.
    std::string value_of(const std::string& sheet, const std::string& label) const {
        for (const auto& [reference, c] : sheets.at(sheet)) {
            if (reference[0] == 'A' && !c.numeric && c.value == label)
                return "B" + reference.substr(1);
        }
        BOOST_FAIL("no row " << label << " in sheet " << sheet);
        return "";
    }
};

/// The amount a numeric cell holds, in minor units of `currency`. A spreadsheet cell is a
/// binary double: the writer may print it with 17 significant digits ("86868.49000000001");
/// it must be exactly the double nearest to an amount with the currency's digits.
ledger::Amount cell_amount(const XlsxCell& cell, const char* currency) {
    BOOST_TEST_REQUIRE(cell.numeric, "'" << cell.value << "' is not a number");
    const auto found = *ledger::find_currency(currency);
    double stored = 0;
    std::from_chars(cell.value.data(), cell.value.data() + cell.value.size(), stored);
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", found.digits(), stored);
    double nearest = 0;
    std::from_chars(text, text + std::strlen(text), nearest);
    BOOST_TEST_REQUIRE(nearest == stored, "'" << cell.value << "' is not an exact amount");
    const auto parsed = ledger::parse_amount(text, found);
    BOOST_TEST_REQUIRE(parsed.ok(), "'" << cell.value << "' is not an exact amount");
    return parsed.minor;
}

/// A report in a currency without minor units, with hidden counts and no loans.
reports::DonorReport ugx_report() {
    reports::DonorReport r;
    r.fund = "GULU-UGX-2026";
    r.fund_name = "Gulu survivor enterprise grants";
    r.donor = "NORTH-TRUST";
    r.currency = "UGX";
    r.from = day("2026-01-01");
    r.to = day("2026-06-30");
    r.statement.opening_cash = 4'000'000;
    r.statement.receipts = 120'000'000;
    r.statement.grants_paid = 37'500'000;
    r.statement.fees = 112'500;
    r.statement.closing_cash = 86'387'500;
    r.months = {{"2026-01", 120'000'000, 20'000'000}, {"2026-03", 0, 17'612'500}};
    r.loan_trend = {{"2026-01", 0, 0}, {"2026-02", 0, 0}};
    r.survivors_reached = {15, false};
    r.reach = {{"gender", {{"female", {13, false}}, {"male", {2, true}}}},
               {"county", {{"Gulu", {9, true}}, {"Amuru", {3, true}}, {"Kitgum", {0, false}}}}};
    r.awards_approved = {15, false};
    r.amount_approved = 37'500'000;
    r.amount_disbursed = 37'500'000;
    r.median_grant = {ledger::Amount(2'500'000), 15};
    r.operating_6_months = {std::nullopt, 4};  // over 4 survivors: not shown
    r.observed_6_months = {4, true};
    r.jobs_latest = {2, true};
    r.notes = {"Counts of 1 to 4 show as <5."};
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(donor_documents)

BOOST_AUTO_TEST_CASE(xlsx_amounts_are_numbers_in_the_currency_digits_and_hidden_cells_text) {
    Scratch scratch("xlsx-ugx");
    const auto r = ugx_report();
    const Xlsx book(scratch.write("r.xlsx", reports::donor_report_xlsx(r)));
    BOOST_TEST(book.sheet_names == (std::vector<std::string>{
                                       "Statement", "Commitment", "Money by month", "Reach",
                                       "Awards", "Loans", "Loans by month", "Outcomes", "Notes"}),
               boost::test_tools::per_element());
    const auto closing = book.cell("Statement", book.value_of("Statement", "Closing cash"));
    BOOST_TEST(closing.value == "86387500");
    BOOST_TEST(cell_amount(closing, "UGX") == r.statement.closing_cash);
    // Outflows are negative so that the statement sums to the closing cash.
    BOOST_TEST(book.cell("Statement", book.value_of("Statement", "Grants paid")).value ==
               "-37500000");
    BOOST_TEST(book.styles.find(R"(formatCode="#,##0 &quot;UGX&quot;")") != std::string::npos);
    BOOST_TEST(book.styles.find("#,##0.00") == std::string::npos);  // UGX has no cents
    BOOST_TEST(book.cell("Money by month", "C5").value == "17612500");
    // Reach: the total and shown cells are numbers; hidden ones say how they are hidden.
    BOOST_TEST(book.cell("Reach", "C4").numeric);
    BOOST_TEST(book.cell("Reach", "C4").value == "15");
    BOOST_TEST(book.cell("Reach", "C5").value == "13");
    BOOST_TEST(!book.cell("Reach", "C6").numeric);
    BOOST_TEST(book.cell("Reach", "C6").value == "<5");
    BOOST_TEST(book.cell("Reach", "C7").value == "suppressed");
    BOOST_TEST(book.cell("Reach", "C9").value == "0");
    BOOST_TEST(book.cell("Outcomes", "B4").value == "not shown (fewer than 5)");  // 6 months
    BOOST_TEST(book.cell("Outcomes", "B5").value == "<5");  // businesses observed
    BOOST_TEST(book.cell("Outcomes", "B6").value == "not yet observed");
    BOOST_TEST(book.cell("Outcomes", "B10").value == "<5");  // jobs
    BOOST_TEST(book.cell("Loans", "B7").value == "-");       // no PAR30 without a portfolio
    BOOST_TEST(book.cell("Statement", "B8").numeric);        // From: a date serial
    BOOST_TEST(book.cell("Statement", "B8").value == "46023");
    BOOST_TEST(book.cell("Notes", "A4").value == "Counts of 1 to 4 show as <5.");
}

BOOST_AUTO_TEST_CASE(xlsx_percentages_keep_their_decimals_and_long_amounts_stay_exact) {
    Scratch scratch("xlsx-kes");
    reports::DonorReport r = ugx_report();
    r.currency = "KES";
    r.par30 = {std::string("12.34"), 8};
    r.on_time_repayment_rate = {std::string("87.5"), 8};
    r.loans_outstanding = 123'456'789'012'345;  // 15 digits: a double holds it
    // 19 significant digits: a double would round it, so the cell is the exact text.
    r.statement.receipts = ledger::Amount(1'234'567'890'123'456'789LL);
    const Xlsx book(scratch.write("r.xlsx", reports::donor_report_xlsx(r)));
    const auto par30 =
        book.cell("Loans", book.value_of("Loans", "Portfolio at risk > 30 days (PAR30)"));
    BOOST_TEST(par30.numeric);
    BOOST_TEST(par30.value == "12.34");
    BOOST_TEST(book.styles.find(R"(formatCode="0.00&quot; %&quot;")") != std::string::npos);
    BOOST_TEST(book.styles.find(R"(formatCode="0.0&quot; %&quot;")") != std::string::npos);
    BOOST_TEST(book.styles.find(R"(formatCode="#,##0.00 &quot;KES&quot;")") != std::string::npos);
    const auto outstanding = book.cell("Loans", book.value_of("Loans", "Outstanding principal"));
    BOOST_TEST(cell_amount(outstanding, "KES") == r.loans_outstanding);
    const auto receipts = book.cell("Statement", book.value_of("Statement", "Donor receipts"));
    BOOST_TEST(!receipts.numeric);
    BOOST_TEST(receipts.value == "12345678901234567.89");
}

/// ugx_report's fund with a commitment of 160,000,000 UGX.
reports::DonorReport committed_ugx_report() {
    auto r = ugx_report();
    auto& c = r.commitment;
    c.committed = 160'000'000;
    c.received = 124'000'000;  // 0.7750
    c.disbursed = 37'500'000;  // 0.234375 -> 0.2344
    c.spent = 37'612'500;      // 0.235078125 -> 0.2351
    c.received_share = reports::ratio_text(c.received, *c.committed, 4);
    c.disbursed_share = reports::ratio_text(c.disbursed, *c.committed, 4);
    c.spent_share = reports::ratio_text(c.spent, *c.committed, 4);
    return r;
}

BOOST_AUTO_TEST_CASE(the_commitment_shows_as_amounts_and_percentages_in_every_document) {
    Scratch scratch("commitment");
    auto r = committed_ugx_report();
    BOOST_TEST(r.commitment.spent_share == "0.2351");
    const Xlsx book(scratch.write("r.xlsx", reports::donor_report_xlsx(r)));
    const auto& sheet = book.sheets.at("Commitment");
    BOOST_TEST(book.cell("Commitment", "A4").value == "Committed by the donor");
    BOOST_TEST(cell_amount(book.cell("Commitment", "B4"), "UGX") == ledger::Amount(160'000'000));
    BOOST_TEST(sheet.count("C4") == 0u);  // the commitment is no share of itself
    BOOST_TEST(cell_amount(book.cell("Commitment", "B5"), "UGX") == ledger::Amount(124'000'000));
    BOOST_TEST(book.cell("Commitment", "C5").numeric);
    BOOST_TEST(book.cell("Commitment", "C5").value == "77.5");
    BOOST_TEST(book.cell("Commitment", "C6").value == "23.44");
    BOOST_TEST(book.cell("Commitment", "A7").value == "Spent (disbursed and transfer fees)");
    BOOST_TEST(book.cell("Commitment", "C7").value == "23.51");
    BOOST_TEST(book.styles.find(R"(formatCode="0.00&quot; %&quot;")") != std::string::npos);

    const auto html = reports::donor_report_html(r);
    BOOST_TEST(html.find("<h2>Commitment</h2>") < html.find("<h2>Fund statement</h2>"));
    BOOST_TEST(html.find("<td>124,000,000 (77.50 %)</td>") != std::string::npos);
    // The received bar: 77.50 % of the 320-pixel track.
    BOOST_TEST(html.find(R"(<rect class="in" x="130" y="6" width="248" height="16">)") !=
               std::string::npos);
    BOOST_TEST(html.find(R"(<rect class="out" x="130" y="34" width="75" height="16">)") !=
               std::string::npos);

    const auto pdf = scratch.write("r.pdf", reports::donor_report_pdf(r));
    const auto text = pdf_text(pdf, 1);
    BOOST_TEST(text.find("Commitment") < text.find("Fund statement"));
    BOOST_TEST(text.find("124,000,000 (77.50 %)") != std::string::npos, text);
    BOOST_TEST(text.find("23.51 %") != std::string::npos);

    // More received than committed: the bar fills its track, the figure says by how much.
    r.commitment.received_share = "1.1000";
    const auto over = reports::donor_report_html(r);
    BOOST_TEST(over.find(R"(<rect class="in" x="130" y="6" width="320" height="16">)") !=
               std::string::npos);
    BOOST_TEST(over.find("110.00 %") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_a_commitment_the_documents_say_so_and_draw_no_bar) {
    Scratch scratch("no-commitment");
    auto r = committed_ugx_report();
    r.commitment.committed = std::nullopt;
    r.commitment.received_share = r.commitment.disbursed_share = r.commitment.spent_share = "";
    const auto html = reports::donor_report_html(r);
    BOOST_TEST(html.find("<th>Committed by the donor</th><td>not recorded</td>") !=
               std::string::npos);
    BOOST_TEST(html.find("<td>124,000,000</td>") != std::string::npos);
    BOOST_TEST(html.find("No commitment is recorded for this fund") != std::string::npos);
    BOOST_TEST(html.find("class=\"in\" x=\"130\"") == std::string::npos);
    const Xlsx book(scratch.write("r.xlsx", reports::donor_report_xlsx(r)));
    BOOST_TEST(book.cell("Commitment", "B4").value == "not recorded");
    BOOST_TEST(book.cell("Commitment", "C5").value == "-");
    const auto text = pdf_text(scratch.write("r.pdf", reports::donor_report_pdf(r)), 1);
    BOOST_TEST(text.find("No commitment is recorded for this fund") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shares_and_percentages_read_as_decimals_leading_zeros_and_all) {
    using reports::display::percent_extent;
    using reports::display::share_percent;
    BOOST_TEST(share_percent("0.6252") == "62.52");
    BOOST_TEST(share_percent("0.0009") == "0.09");
    BOOST_TEST(share_percent("1.1000") == "110.00");
    BOOST_TEST(share_percent("") == "");
    // "0.9" is 09 tenths, not an octal literal (which threw); "0.10" is 10 hundredths.
    BOOST_TEST(percent_extent("0.9", 1000) == 9);
    BOOST_TEST(percent_extent("0.10", 1000) == 1);
    BOOST_TEST(percent_extent("08.5", 200) == 17);
}

BOOST_AUTO_TEST_CASE(every_page_of_a_long_pdf_names_the_fund_the_period_and_its_number) {
    Scratch scratch("pdf-long");
    reports::DonorReport r = ugx_report();
    reports::Breakdown counties{"county", {}};
    for (int i = 0; i < 90; ++i)
        counties.cells.push_back({"County " + std::to_string(i), {10 + i, false}});
    r.reach = {counties};
    const auto pdf = scratch.write("r.pdf", reports::donor_report_pdf(r));
    const int pages = pdf_pages(pdf);
    BOOST_TEST(pages >= 4);
    for (int page = 1; page <= pages; ++page) {
        BOOST_TEST_CONTEXT("page " << page) {
            const auto text = pdf_text(pdf, page);
            BOOST_TEST(text.find("page " + std::to_string(page) + " of " + std::to_string(pages)) !=
                       std::string::npos);
            BOOST_TEST(text.find("GULU-UGX-2026") != std::string::npos);
            BOOST_TEST(text.find("2026-01-01 to 2026-06-30") != std::string::npos);
        }
    }
    const auto text = pdf_text(pdf);
    BOOST_TEST(text.find("County 0") != std::string::npos);
    BOOST_TEST(text.find("County 89") != std::string::npos);
    // UGX has no minor units: whole shillings, grouped.
    BOOST_TEST(text.find("86,387,500") != std::string::npos);
    BOOST_TEST(text.find("86,387,500.") == std::string::npos);
    BOOST_TEST(text.find("-37,500,000") != std::string::npos);  // grants paid, an outflow
    BOOST_TEST(text.find("not shown (fewer than 5)") != std::string::npos);  // 6 months
    BOOST_TEST(text.find("This fund had no loans outstanding in the period.") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// The seeded demo programme, once for the suite (seeding takes a while).
struct SeededDemo {
    LedgerFixture ledger;
    Scratch scratch{"documents-demo"};

    SeededDemo() {
        const auto vault = api::PiiVault::open(scratch.dir / "pii.key");
        const auto seeded = api::seed_demo(ledger.pool, *ledger.writer, vault, 2026);
        BOOST_TEST_REQUIRE(seeded.refused == 0);
    }

    static SeededDemo& get() {
        static SeededDemo demo;
        return demo;
    }

    reports::DonorReport report(const std::string& fund) {
        return reports::build_donor_report(
            *ledger.report_reads.donor_report_input(fund, day("2025-01-01"), day("2026-10-31")));
    }
};

constexpr const char* kPeriod = "2025-01-01 to 2026-10-31";

}  // namespace

BOOST_AUTO_TEST_SUITE(donor_documents_on_the_demo)

BOOST_AUTO_TEST_CASE(the_pdf_reads_back_with_the_statement_and_a_footer_on_every_page) {
    auto& demo = SeededDemo::get();
    for (const char* fund : {"HAART-KES-2026", "TRUST-KES-LOANS"}) {
        BOOST_TEST_CONTEXT(fund) {
            const auto report = demo.report(fund);
            const auto started = std::chrono::steady_clock::now();
            const auto bytes = reports::donor_report_pdf(report);
            const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started);
            BOOST_TEST_MESSAGE(fund << ": PDF of " << bytes.size() << " bytes in " << took.count()
                                    << " ms");
            BOOST_TEST(bytes.starts_with("%PDF-"));
            const auto pdf = demo.scratch.write(std::string(fund) + ".pdf", bytes);
            const int pages = pdf_pages(pdf);
            BOOST_TEST(pages >= 2);
            for (int page = 1; page <= pages; ++page) {
                const auto text = pdf_text(pdf, page);
                BOOST_TEST(text.find("page " + std::to_string(page) + " of " +
                                     std::to_string(pages)) != std::string::npos);
                BOOST_TEST(text.find(fund) != std::string::npos);
                BOOST_TEST(text.find(kPeriod) != std::string::npos);
            }
            const auto text = pdf_text(pdf);
            const auto& s = report.statement;
            const std::regex closing("Closing cash +" +
                                     reports::display::money(s.closing_cash, "KES") + "\n");
            BOOST_TEST(std::regex_search(text, closing), "no closing cash line in\n" << text);
            BOOST_TEST(text.find(reports::display::money(s.receipts, "KES")) != std::string::npos);
            // The money chart's table: every month, the quiet ones at zero.
            for (const auto& m : report.months) {
                const std::regex month(m.month + " +" + reports::display::money(m.money_in, "KES") +
                                       " +-?" + reports::display::money(m.money_out, "KES") + "\n");
                BOOST_TEST(std::regex_search(text, month), m.month);
            }
            for (const char* heading :
                 {"Commitment", "Fund statement", "Money in and out by month", "Reach", "By gender",
                  "By age band", "By county", "Awards", "Loans outstanding and PAR30 by month",
                  "Outcomes", "Businesses operating", "How to read this report"}) {
                BOOST_TEST(text.find(heading) != std::string::npos, heading);
            }
            // The money chart's scale: the largest monthly flow.
            ledger::Amount max = 1;
            for (const auto& m : report.months)
                max = std::max({max, m.money_in, m.money_out});
            BOOST_TEST(text.find("max " + reports::display::money(max, "KES") + " KES") !=
                       std::string::npos);
            if (report.par30.value)
                BOOST_TEST(text.find(*report.par30.value + " %") != std::string::npos);
            const auto fonts = run("pdffonts " + shell_quoted(pdf.string()));
            BOOST_TEST(fonts.output.find("DejaVuSans") != std::string::npos, fonts.output);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_xlsx_has_a_sheet_per_section_and_the_closing_cash_as_a_number) {
    auto& demo = SeededDemo::get();
    const auto report = demo.report("TRUST-KES-LOANS");
    const auto bytes = reports::donor_report_xlsx(report);
    BOOST_TEST(bytes.starts_with("PK\x03\x04"));
    const auto file = demo.scratch.write("TRUST-KES-LOANS.xlsx", bytes);
    BOOST_TEST(run("unzip -tq " + shell_quoted(file.string())).status == 0);
    const Xlsx book(file);
    BOOST_TEST(book.sheet_names.size() == 9u);
    const auto& s = report.statement;
    const auto closing = book.cell("Statement", book.value_of("Statement", "Closing cash"));
    BOOST_TEST(cell_amount(closing, "KES") == s.closing_cash);
    BOOST_TEST(s.closing_cash > 0);
    BOOST_TEST(cell_amount(book.cell("Statement", book.value_of("Statement", "Opening cash")),
                           "KES") == s.opening_cash);
    BOOST_TEST(cell_amount(book.cell("Loans", book.value_of("Loans", "Outstanding principal")),
                           "KES") == report.loans_outstanding);
    // One row per month, amounts exact.
    BOOST_TEST_REQUIRE(!report.months.empty());
    for (std::size_t i = 0; i < report.months.size(); ++i) {
        const auto row = std::to_string(i + 4);
        BOOST_TEST(book.cell("Money by month", "A" + row).value == report.months[i].month);
        BOOST_TEST(cell_amount(book.cell("Money by month", "B" + row), "KES") ==
                   report.months[i].money_in);
        BOOST_TEST(cell_amount(book.cell("Money by month", "C" + row), "KES") ==
                   report.months[i].money_out);
    }
    BOOST_TEST(
        book.sheets.at("Money by month").count("A" + std::to_string(report.months.size() + 4)) ==
        0u);
    BOOST_TEST(book.sheets.at("Loans by month").size() ==
               4 * report.loan_trend.size() + 5);  // title + 4 headers + 4 cells a month
}

BOOST_AUTO_TEST_CASE(the_cli_writes_each_format_prints_nothing_and_audits_the_download) {
    auto& demo = SeededDemo::get();
    const std::string fund = "HAART-KES-2026";
    const auto report = demo.report(fund);
    const auto& dir = demo.scratch.dir;
    const auto riziki = [&](const std::string& arguments) {
        return run(std::string(RIZIKI_BINARY) + " report donor " + arguments + " --database-url " +
                   shell_quoted(demo.ledger.database.owner_conninfo) + " --home " +
                   shell_quoted(dir.string()) + " 2>" + shell_quoted((dir / "stderr").string()));
    };
    for (const char* format : {"csv", "json", "pdf", "xlsx"}) {
        BOOST_TEST_CONTEXT(format) {
            const auto out = dir / (std::string("cli.") + format);
            const auto result =
                riziki("--fund " + fund + " --from 2025-01-01 --to 2026-10-31 --format " + format +
                       " -o " + shell_quoted(out.string()));
            BOOST_TEST(result.status == 0, read_file(dir / "stderr"));
            BOOST_TEST(result.output == "");
            BOOST_TEST(std::filesystem::exists(out));
        }
    }
    BOOST_TEST(read_file(dir / "cli.csv") == reports::donor_report_csv(report));
    BOOST_TEST(read_file(dir / "cli.json") == reports::donor_report_json(report));
    BOOST_TEST(pdf_text(dir / "cli.pdf")
                   .find(reports::display::money(report.statement.closing_cash, "KES")) !=
               std::string::npos);
    const Xlsx book(dir / "cli.xlsx");
    BOOST_TEST(cell_amount(book.cell("Statement", book.value_of("Statement", "Closing cash")),
                           "KES") == report.statement.closing_cash);
    const auto audited = demo.ledger.programme.audit_log(
        {std::nullopt, std::nullopt, "cli", "report.donor"}, 0, 100);
    BOOST_TEST_REQUIRE(audited.size() == 4u);
    BOOST_TEST(audited[0].event.subject == fund);
    BOOST_TEST(audited[0].event.detail == "format=csv from=2025-01-01 to=2026-10-31");
    BOOST_TEST(audited[3].event.detail == "format=xlsx from=2025-01-01 to=2026-10-31");

    const auto unknown =
        riziki("--fund NO-SUCH-FUND --format pdf -o " + shell_quoted((dir / "none.pdf").string()));
    BOOST_TEST(unknown.status == 2);
    BOOST_TEST(unknown.output == "");
    BOOST_TEST(read_file(dir / "stderr").find("fund NO-SUCH-FUND does not exist") !=
               std::string::npos);
    BOOST_TEST(!std::filesystem::exists(dir / "none.pdf"));
    const auto no_file = riziki("--fund " + fund + " --format pdf");
    BOOST_TEST(no_file.status == 2);
    BOOST_TEST(read_file(dir / "stderr").find("needs -o FILE") != std::string::npos);
    const auto bad_format = riziki("--fund " + fund + " --format docx -o x.docx");
    BOOST_TEST(bad_format.status == 2);
}

BOOST_AUTO_TEST_CASE(the_cli_refuses_the_periods_the_api_refuses) {
    auto& demo = SeededDemo::get();
    const auto& dir = demo.scratch.dir;
    const auto out = dir / "refused.out";
    // The demo's funds live from 2025-01-01 to 2026-12-31 (730 days); today is fixed.
    const auto riziki = [&](const std::string& arguments) {
        return run("RIZIKI_TODAY=2026-11-20 " + std::string(RIZIKI_BINARY) + " " + arguments +
                   " --database-url " + shell_quoted(demo.ledger.database.owner_conninfo) +
                   " --home " + shell_quoted(dir.string()) + " --output " +
                   shell_quoted(out.string()) + " 2>" + shell_quoted((dir / "stderr").string()));
    };
    const std::string report = "report donor --fund HAART-KES-2026 --format csv ";
    const std::vector<std::pair<std::string, std::string>> cases{
        {report + "--from 1900-01-01 --to 9999-12-31", "--from: "},
        {report + "--from 1900-01-01 --to 9999-12-31", "(date_too_early)"},
        {report + "--from 2026-01-01 --to 2026-11-21", "--to: Must not be after today."},
        {report + "--from 2026-03-01 --to 2026-02-28", "(period_reversed)"},
        {report + "--from 2016-01-01 --to 2026-11-20", "(period_too_long)"},
        {report + "--from 2023-01-01 --to 2026-11-20", "(longer_than_fund)"},
        {"export --format csv --to 9999-12-31", "(date_in_future)"},
        {"export --format hledger --from 1999-12-31", "(date_too_early)"},
        {"export --format csv --from 2026-02-01 --to 2026-01-31", "(period_reversed)"},
        // Whole months that are over, as GET /v1/reports/donor's 422 period_not_whole_months.
        {report + "--from 2026-01-02 --to 2026-10-31",
         "--from: Must be the first day of a month: reports are for whole months. "
         "(period_not_whole_months: not_first_of_month)"},
        {report + "--from 2026-01-01 --to 2026-10-30",
         "(period_not_whole_months: not_end_of_month)"},
        {report + "--from 2026-01-01 --to 2026-11-20",
         "(period_not_whole_months: not_end_of_month)"},
    };
    for (const auto& [arguments, says] : cases) {
        BOOST_TEST_CONTEXT(arguments) {
            const auto result = riziki(arguments);
            BOOST_TEST(result.status == 2);
            const auto stderr_text = read_file(dir / "stderr");
            BOOST_TEST(stderr_text.find(says) != std::string::npos, stderr_text);
            BOOST_TEST(!std::filesystem::exists(out));
        }
    }
    // On the bounds: from the fund's start to the end of the last whole month, and the whole
    // journal to today.
    BOOST_TEST(riziki(report + "--from 2025-01-01 --to 2026-10-31").status == 0);
    BOOST_TEST(riziki("export --format csv --to 2026-11-20").status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
