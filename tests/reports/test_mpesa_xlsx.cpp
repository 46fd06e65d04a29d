// The M-Pesa statement as XLSX (issue 20 item 1): a workbook written by libxlsxwriter, as
// Excel shapes one (shared strings, number formats, a date number), reads line for line as
// the same statement in CSV; zips made by hand show each quirk of the format once; and each
// broken or hostile file is refused with its reason, at its row and column where it has one.
#include <unistd.h>
#include <xlsxwriter.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "reports/mpesa_statement.hpp"
#include "tests/support/memory_zip.hpp"

using namespace riziki::reports;  // the readers and their types
using namespace riziki::testing;  // zip_bytes
using riziki::ledger::Amount;

namespace {

const auto kKes = *riziki::ledger::find_currency("KES");
using Read = std::variant<std::vector<StatementLine>, StatementError>;

const std::vector<StatementLine>& lines_of(const Read& read) {
    if (const auto* error = std::get_if<StatementError>(&read))
        BOOST_FAIL("refused: " << error->reason << " at " << error->line << ":" << error->column
                               << " " << error->field);
    return std::get<std::vector<StatementLine>>(read);
}

// The same statement twice, synthetic (made-up people, receipts and accounts): title and
// summary rows, a blank row, the header, then a repayment, a charge linked to its payment,
// the payment, and a Failed line. In the workbook its columns come in another order, Paid In,
// Withdrawn (negative) and Balance are numbers formatted #,##0.00 except two amounts kept as
// text with a thousands separator, and the completion times are a date number with a date
// format, then text in each of the three formats the CSV has.
const std::string kCsv =
    "Organisation Statement\r\n"
    "Organisation Name:,Example Livelihoods Trust\r\n"
    "Time Period:,01-10-2026 to 31-10-2026\r\n"
    "\r\n"
    "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance,"
    "Reason Type,Other Party Info,Linked Transaction ID,A/C No.\r\n"
    "SJ31QWE7RT,2026-10-31 16:05:12,Pay Bill from 2547******12 - Amani X,Completed,"
    "\"1,500.00\",,\"98,450.50\",Pay Bill,2547******12 - Amani X,,AW-7K2M9Q\r\n"
    "SJ30ABC123,30/10/2026 09:14,B2C Payment Charge,Completed,,-15.00,96950.50,"
    "Business Payment Charge,,SJ30ABC122,\r\n"
    "SJ30ABC122,2026-10-30 09:14:00,Business Payment to 2547******34,Completed,,"
    "\"-12,000.00\",\"96,965.50\",Business Payment,2547******34 - Neema Y,,\r\n"
    "SJ29FAIL01,29-10-2026 02:22 PM,Pay Bill from 2547******56,Failed,250.00,,,Pay Bill,"
    "2547******56 - Baraka Z,,SV-3HT8Q2ZA\r\n";

/// A cell for libxlsxwriter: none, a string, a number (formatted #,##0.00) or a date.
using Value = std::variant<std::monostate, const char*, double, lxw_datetime>;

std::string workbook_from_libxlsxwriter() {
    const Value none;
    // A row a line, from row 1: title and summary, a blank row, the header, the four lines.
    const std::vector<std::vector<Value>> rows{
        {"Organisation Statement"},
        {"Organisation Name:", "Example Livelihoods Trust"},
        {"Time Period:", "01-10-2026 to 31-10-2026"},
        {},
        {"Receipt No.", "A/C No.", "Withdrawn", "Paid In", "Transaction Status", "Completion Time",
         "Balance", "Other Party Info", "Details", "Linked Transaction ID", "Reason Type"},
        {"SJ31QWE7RT", "AW-7K2M9Q", none, 1500.0, "Completed",
         lxw_datetime{2026, 10, 31, 16, 5, 12}, 98450.5, "2547******12 - Amani X",
         "Pay Bill from 2547******12 - Amani X", none, "Pay Bill"},
        {"SJ30ABC123", none, -15.0, none, "Completed", "30/10/2026 09:14", 96950.5, none,
         "B2C Payment Charge", "SJ30ABC122", "Business Payment Charge"},
        {"SJ30ABC122", none, "-12,000.00", none, "Completed", "2026-10-30 09:14:00", "96,965.50",
         "2547******34 - Neema Y", "Business Payment to 2547******34", none, "Business Payment"},
        {"SJ29FAIL01", "SV-3HT8Q2ZA", none, 250.0, "Failed", "29-10-2026 02:22 PM", none,
         "2547******56 - Baraka Z", "Pay Bill from 2547******56", none, "Pay Bill"},
    };
    const auto path = std::filesystem::temp_directory_path() /
                      ("riziki-mpesa-" + std::to_string(::getpid()) + ".xlsx");
    lxw_workbook* book = workbook_new(path.c_str());
    BOOST_TEST_REQUIRE(book != nullptr);
    lxw_worksheet* sheet = workbook_add_worksheet(book, "Statement");
    lxw_format* money = workbook_add_format(book);
    format_set_num_format(money, "#,##0.00");
    lxw_format* when = workbook_add_format(book);
    format_set_num_format(when, "dd/mm/yyyy hh:mm:ss");
    for (lxw_row_t r = 0; r < rows.size(); ++r) {
        for (lxw_col_t c = 0; c < rows[r].size(); ++c) {
            auto value = rows[r][c];  // a copy: libxlsxwriter takes a date by mutable pointer
            if (const auto* text = std::get_if<const char*>(&value))
                worksheet_write_string(sheet, r, c, *text, nullptr);
            else if (const auto* number = std::get_if<double>(&value))
                worksheet_write_number(sheet, r, c, *number, money);
            else if (auto* date = std::get_if<lxw_datetime>(&value))
                worksheet_write_datetime(sheet, r, c, date, when);
        }
    }
    BOOST_TEST_REQUIRE(workbook_close(book) == LXW_NO_ERROR);
    std::ifstream in(path, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::filesystem::remove(path);
    return bytes;
}

// Zips made by hand: the parts Excel writes, with the sheet's rows and shared strings given.
constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRelationships =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string workbook_xml(bool date1904) {
    return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") +
           "<workbook xmlns=\"" + kMain + "\" xmlns:r=\"" + kRelationships + "\"><workbookPr" +
           (date1904 ? " date1904=\"1\"" : "") +
           R"(/><sheets><sheet name="Statement" sheetId="1" r:id="rId7"/>)" +
           R"(<sheet name="Other" sheetId="2" r:id="rId1"/></sheets></workbook>)";
}

std::string relationships_xml(const std::string& sheet_target) {
    const std::string type = std::string(kRelationships) + "/";
    return R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
           R"(<Relationship Id="rId1" Type=")" +
           type + R"(worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type=")" +
           type + "worksheet\" Target=\"" + sheet_target + R"("/><Relationship Id="rId9" Type=")" +
           type + R"(sharedStrings" Target="/xl/strings.xml"/></Relationships>)";
}

struct Workbook {
    std::string rows;         // the <row> elements of the first sheet
    std::string shared = "";  // the <si> elements, if any
    bool date1904 = false;
    std::string sheet_target = "worksheets/statement.xml";
    std::vector<ZipEntry> more = {};  // further entries
};

std::string sheet_xml(const std::string& rows) {
    return std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData>" + rows +
           "</sheetData></worksheet>";
}

std::vector<ZipEntry> entries(const Workbook& book) {
    std::vector<ZipEntry> out{
        {"xl/workbook.xml", workbook_xml(book.date1904)},
        {"xl/_rels/workbook.xml.rels", relationships_xml(book.sheet_target)},
        {"xl/worksheets/statement.xml", sheet_xml(book.rows)},
        {"xl/worksheets/sheet1.xml", sheet_xml("")},  // the second sheet: never read
    };
    if (!book.shared.empty())
        out.push_back({"xl/strings.xml",
                       "<sst xmlns=\"" + std::string(kMain) + "\">" + book.shared + "</sst>"});
    out.insert(out.end(), book.more.begin(), book.more.end());
    return out;
}

std::string xlsx(const Workbook& book) {
    return zip_bytes(entries(book));
}

// Cells and rows as Excel writes them.
std::string text(const std::string& ref, const std::string& value) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + value + "</t></is></c>";
}
std::string number(const std::string& ref, const std::string& value) {
    return "<c r=\"" + ref + "\"><v>" + value + "</v></c>";
}
std::string row(int r, const std::string& cells) {
    return "<row r=\"" + std::to_string(r) + "\">" + cells + "</row>";
}

const std::string kHeader = row(1, text("A1", "Receipt No.") + text("B1", "Completion Time") +
                                       text("C1", "Transaction Status") + text("D1", "Paid In") +
                                       text("E1", "Withdrawn") + text("F1", "Balance"));

/// A line at row `r`: its completion time (column B) and Paid In (column D) as given.
std::string line(int r, const std::string& time_cell, const std::string& paid_in_cell) {
    const auto n = std::to_string(r);
    return row(r, text("A" + n, "R" + n) + time_cell + text("C" + n, "Completed") + paid_in_cell);
}
std::string paid_in(int r, const std::string& value) {
    return line(r, text("B" + std::to_string(r), "2026-10-03 14:22:05"),
                number("D" + std::to_string(r), value));
}
std::string completed(int r, const std::string& serial) {
    return line(r, number("B" + std::to_string(r), serial), number("D" + std::to_string(r), "1"));
}

/// The zip with the entry `name` claiming `size` bytes uncompressed, in its local header and
/// in the central directory alike: a lie about how much it inflates to.
std::string with_claimed_size(std::string zip, const std::string& name, std::uint32_t size) {
    for (const auto& [signature, name_at, size_at] :
         {std::tuple{std::string("PK\x03\x04"), 30, 22}, {std::string("PK\x01\x02"), 46, 24}}) {
        std::size_t at = zip.find(signature);
        while (at != std::string::npos && zip.compare(at + name_at, name.size(), name) != 0)
            at = zip.find(signature, at + 1);
        BOOST_TEST_REQUIRE(at != std::string::npos);
        for (int i = 0; i < 4; ++i)
            zip[at + size_at + i] = static_cast<char>(size >> (8 * i));
    }
    return zip;
}

/// The lines of a sheet with the header and one line a case from row 2, made by `line_of`
/// from the case's text; one line a case is required.
template <typename Case>
std::vector<StatementLine> read_cases(const std::vector<Case>& cases,
                                      std::string (*line_of)(int, const std::string&)) {
    std::string rows = kHeader;
    for (std::size_t i = 0; i < cases.size(); ++i)
        rows += line_of(static_cast<int>(i) + 2, cases[i].first);
    std::vector<StatementLine> lines = lines_of(read_statement_xlsx(xlsx({rows}), kKes));
    BOOST_TEST_REQUIRE(lines.size() == cases.size());
    return lines;
}

void require_refused(const Read& read, int line, int column, const std::string& field,
                     const std::string& reason) {
    const auto* error = std::get_if<StatementError>(&read);
    BOOST_TEST_REQUIRE(error != nullptr);
    BOOST_TEST(error->line == line);
    BOOST_TEST(error->column == column);
    BOOST_TEST(error->field == field);
    BOOST_TEST(error->reason == reason);
}

std::string seconds_text(const StatementLine& line) {
    return riziki::ledger::format_date(line.completed.day) + " " +
           std::to_string(line.completed.seconds);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_xlsx)

BOOST_AUTO_TEST_CASE(a_workbook_from_libxlsxwriter_reads_as_the_same_statement_in_csv) {
    const auto xlsx_read = read_statement_xlsx(workbook_from_libxlsxwriter(), kKes);
    const auto csv_read = read_statement_csv(kCsv, kKes);
    const auto& lines = lines_of(xlsx_read);
    BOOST_TEST_REQUIRE(lines.size() == 4u);
    BOOST_TEST((lines == lines_of(csv_read)));
    BOOST_TEST(lines[0].line == 6);  // the spreadsheet's row, as the CSV's line
    BOOST_TEST(lines[0].receipt == "SJ31QWE7RT");
    BOOST_TEST(seconds_text(lines[0]) == "2026-10-31 57912");  // a date number: 16:05:12
    BOOST_TEST(lines[0].paid_in == Amount(150000));
    BOOST_TEST(lines[0].balance.value() == Amount(9845050));
    BOOST_TEST(lines[0].account_number == "AW-7K2M9Q");
    BOOST_TEST(lines[1].withdrawn == Amount(1500));  // the number -15: a magnitude
    BOOST_TEST(lines[1].linked_transaction == "SJ30ABC122");
    BOOST_TEST(lines[1].reason_type == "Business Payment Charge");
    BOOST_TEST(lines[2].withdrawn == Amount(1200000));  // the text "-12,000.00"
    BOOST_TEST(lines[3].status == "Failed");
    BOOST_TEST(seconds_text(lines[3]) == "2026-10-29 51720");  // 02:22 PM
    BOOST_TEST(!lines[3].balance.has_value());
    for (const auto& line : lines) {
        for (const std::string* kept : {&line.receipt, &line.details, &line.account_number})
            BOOST_TEST(kept->find("Neema") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(numbers_are_read_exactly_at_excel_precision) {
    // Excel writes a double with up to 17 digits and keeps 15: rounded HALF_EVEN to 15
    // significant digits, each must then be exact in cents.
    const std::vector<std::pair<std::string, Amount>> cases{
        {"1499.9999999999998", 150000},
        {"1.5E3", 150000},
        {"1.5e+3", 150000},
        {"12000", 1200000},
        {"0.30000000000000004", 30},
        {"1E-2", 1},
        {".5", 50},
        {"98450.5", 9845050},
        {"1.00000000000000050", 100},
        {"0", 0},
        {"999999999999999.99", Amount(100'000'000'000'000'000LL)},
    };
    const auto lines = read_cases(cases, paid_in);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        BOOST_TEST_CONTEXT(cases[i].first) {
            BOOST_TEST(lines[i].paid_in == cases[i].second);
        }
    }
    // Withdrawn as a negative number is its magnitude; a Balance keeps its sign.
    const auto signs = read_statement_xlsx(
        xlsx({kHeader +
              row(2, text("A2", "R2") + text("B2", "2026-10-03 14:22:05") +
                         text("C2", "Completed") + number("E2", "-15") + number("F2", "-2.5E0"))}),
        kKes);
    BOOST_TEST(lines_of(signs).at(0).withdrawn == Amount(1500));
    BOOST_TEST(lines_of(signs).at(0).balance.value() == Amount(-250));
    for (const char* bad : {"1.005", "1E-3", "1E+40", "-5", "INF", "NaN", "1e", "1.2.3", "", "x"}) {
        BOOST_TEST_CONTEXT(bad) {
            const auto read_bad = read_statement_xlsx(xlsx({kHeader + paid_in(7, bad)}), kKes);
            if (std::string(bad).empty()) {  // an empty number cell is zero, as in the CSV
                BOOST_TEST(lines_of(read_bad).at(0).paid_in == Amount(0));
                continue;
            }
            require_refused(read_bad, 7, 4, "Paid In", "invalid_amount");  // D7
        }
    }
}

BOOST_AUTO_TEST_CASE(completion_times_as_date_numbers_in_either_date_system) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"46326.670277777775", "2026-10-31 57912"},  // what Excel writes for 16:05:12
        {"46298.59866898148", "2026-10-03 51725"},
        {"46298", "2026-10-03 0"},
        {"46298.999999999", "2026-10-04 0"},  // the nearest second is the next midnight
        {"4.6298E4", "2026-10-03 0"},
        {"61", "1900-03-01 0"},
        {"59.5", "1900-02-28 43200"},  // before Lotus's 29 February 1900
        {"1", "1900-01-01 0"},
        {"2958465.99999", "9999-12-31 86399"},
    };
    const auto lines = read_cases(cases, completed);
    for (std::size_t i = 0; i < cases.size(); ++i)
        BOOST_TEST(seconds_text(lines[i]) == cases[i].second);
    // The 1904 date system (workbookPr date1904): day 0 is 1904-01-01.
    const auto read_1904 = read_statement_xlsx(
        xlsx({kHeader + completed(2, "44836.59866898148") + completed(3, "0.25"), "", true}), kKes);
    BOOST_TEST(seconds_text(lines_of(read_1904).at(0)) == "2026-10-03 51725");
    BOOST_TEST(seconds_text(lines_of(read_1904).at(1)) == "1904-01-01 21600");
    for (const char* bad : {"60", "0", "0.5", "-1", "2958466", "1E7", "today"}) {
        BOOST_TEST_CONTEXT(bad) {
            const auto read_bad = read_statement_xlsx(xlsx({kHeader + completed(4, bad)}), kKes);
            require_refused(read_bad, 4, 2, "Completion Time", "invalid_time");
        }
    }
}

BOOST_AUTO_TEST_CASE(shared_and_inline_strings_missing_cells_and_rows_without_numbers) {
    // Shared strings, one rich (runs joined, the phonetic run left out); an inline rich
    // string; cells left out (empty); a row and cells without `r`; a prefixed namespace.
    const std::string shared =
        "<si><t>Receipt No.</t></si>"
        "<si><r><rPr><b/></rPr><t>SJ</t></r><r><t xml:space=\"preserve\">31QWE7RT</t></r>"
        "<rPh sb=\"0\" eb=\"2\"><t>PHONETIC</t></rPh></si>"
        "<si><t>Completed</t></si>";
    const std::string rows =
        row(3, "<c r=\"A3\" t=\"s\"><v>0</v></c>" + text("B3", "Completion Time") +
                   text("C3", "Transaction Status") + text("D3", "Paid In") +
                   text("F3", "Withdrawn") + text("H3", "A/C No.")) +
        row(5, "<c r=\"A5\" t=\"s\"><v>1</v></c>" + text("B5", "2026-10-03 14:22:05") +
                   "<c r=\"C5\" t=\"s\"><v>2</v></c><c r=\"D5\" s=\"3\"><v>250</v></c>" +
                   "<c r=\"H5\" t=\"inlineStr\"><is><r><t>AW-</t></r><r><t>7K2M9Q</t></r>"
                   "<rPh><t>X</t></rPh></is></c>") +
        "<row><c t=\"inlineStr\"><is><t>R6</t></is></c><c t=\"str\"><f>A1</f>"
        "<v>03/10/2026 14:22</v></c><c t=\"s\"><v>2</v></c><c><v>5</v></c>"
        "<c r=\"XFD6\"><v>1</v></c></row>";  // the last column: one cell, not 16,384
    const auto read = read_statement_xlsx(xlsx({rows, shared}), kKes);
    const auto& lines = lines_of(read);
    BOOST_TEST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[0].line == 5);
    BOOST_TEST(lines[0].receipt == "SJ31QWE7RT");
    BOOST_TEST(lines[0].status == "Completed");
    BOOST_TEST(lines[0].paid_in == Amount(25000));
    BOOST_TEST(lines[0].withdrawn == Amount(0));  // column F: no cell
    BOOST_TEST(lines[0].account_number == "AW-7K2M9Q");
    BOOST_TEST(lines[1].line == 6);  // the row after 5
    BOOST_TEST(lines[1].receipt == "R6");
    BOOST_TEST(lines[1].paid_in == Amount(500));  // the fourth cell: column D
    BOOST_TEST(seconds_text(lines[1]) == "2026-10-03 51720");

    // Another writer's prefix for the same namespace, and no rels: the first sheet is
    // xl/worksheets/sheet1.xml.
    const std::string prefixed = std::string("<x:worksheet xmlns:x=\"") + kMain +
                                 "\"><x:sheetData><x:row r=\"1\">"
                                 "<x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>Receipt No.</x:t>"
                                 "</x:is></x:c></x:row></x:sheetData></x:worksheet>";
    const auto bare = read_statement_xlsx(
        zip_bytes({{"xl/workbook.xml", "<workbook/>"}, {"xl/worksheets/sheet1.xml", prefixed}}),
        kKes);
    // The header was found, in the prefix; it names no completion time.
    require_refused(bare, 1, 0, "Completion Time", "missing_column");
}

BOOST_AUTO_TEST_CASE(every_broken_or_hostile_file_is_refused_with_its_reason) {
    const std::string good = xlsx({kHeader + paid_in(2, "5")});
    BOOST_TEST(lines_of(read_statement_xlsx(good, kKes)).size() == 1u);
    auto small = [](auto set) {
        StatementLimits limits;
        set(limits);
        return limits;
    };
    // A stored sheet whose bytes are changed after its CRC was taken: still well-formed XML.
    auto corrupt = zip_bytes({{"xl/workbook.xml", "<workbook/>"},
                              {"xl/worksheets/sheet1.xml", sheet_xml(kHeader), ZIP_CM_STORE}});
    corrupt[corrupt.find("Receipt No.")] = 'r';
    const std::string spaces(100U << 20, ' ');  // deflates about 1000 to 1
    const auto bomb = xlsx({kHeader,
                            "",
                            false,
                            "worksheets/bomb.xml",
                            {{"xl/worksheets/bomb.xml", "<worksheet>" + spaces + "</worksheet>"}}});
    const std::string laughs =
        R"(<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">)"
        R"(<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>)"
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol2;</t></is>"
        "</c></row></sheetData></worksheet>";
    const std::string external = R"(<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM )"
                                 R"("file:///etc/passwd">]><sst><si><t>&x;</t></si></sst>)";
    std::vector<ZipEntry> many;
    for (int i = 0; i < 5; ++i)
        many.push_back({"docProps/extra" + std::to_string(i) + ".xml", "<x/>"});

    struct Case {
        std::string name;
        std::string bytes;
        StatementLimits limits;
        int line, column;
        std::string field, reason;
    };
    const std::string sheet = "xl/worksheets/statement.xml";
    // All the parts read before the sheet: the workbook and its relationships.
    const auto before_sheet =
        workbook_xml(false).size() + relationships_xml("worksheets/statement.xml").size();
    const std::vector<Case> cases{
        {"not a zip", kCsv, {}, 0, 0, "", "invalid_xlsx"},
        {"empty", "", {}, 0, 0, "", "invalid_xlsx"},
        {"a zip cut short", good.substr(0, good.size() - 10), {}, 0, 0, "", "invalid_xlsx"},
        {"a wrong CRC", corrupt, {}, 0, 0, "xl/worksheets/sheet1.xml", "invalid_xlsx"},
        {"no workbook",
         zip_bytes({{"xl/worksheets/sheet1.xml", sheet_xml(kHeader)}}),
         {},
         0,
         0,
         "xl/workbook.xml",
         "invalid_xlsx"},
        {"the first sheet missing",
         xlsx({kHeader, "", false, "worksheets/sheet9.xml"}),
         {},
         0,
         0,
         "xl/worksheets/sheet9.xml",
         "invalid_xlsx"},
        {"a target out of the package",
         xlsx({kHeader, "", false, "../../../etc/passwd"}),
         {},
         0,
         0,
         "xl/_rels/workbook.xml.rels",
         "invalid_xlsx"},
        {"billion laughs",
         xlsx({"", "", false, "worksheets/laughs.xml", {{"xl/worksheets/laughs.xml", laughs}}}),
         {},
         0,
         0,
         "xl/worksheets/laughs.xml",
         "invalid_xlsx"},
        {"an external entity",
         xlsx({kHeader, "", false, "worksheets/statement.xml", {{"xl/strings.xml", external}}}),
         {},
         0,
         0,
         "xl/strings.xml",
         "invalid_xlsx"},
        {"an undeclared entity",
         xlsx({kHeader + row(2, text("A2", "&lol;"))}),
         {},
         2,
         1,
         "Receipt No.",
         "invalid_xlsx"},
        {"malformed XML in a cell",
         xlsx({kHeader + row(2, "<c r=\"B2\"><v>1</c>")}),
         {},
         2,
         2,
         "Completion Time",
         "invalid_xlsx"},
        {"a shared string out of range",
         xlsx({kHeader + row(2, "<c r=\"C2\" t=\"s\"><v>1</v></c>"), "<si><t>x</t></si>"}),
         {},
         2,
         3,
         "Transaction Status",
         "invalid_xlsx"},
        {"a bad amount",
         xlsx({kHeader + paid_in(2, "5") + paid_in(9, "12.345")}),
         {},
         9,
         4,
         "Paid In",
         "invalid_amount"},
        {"rows out of order",
         xlsx({kHeader + paid_in(3, "5") + paid_in(2, "5")}),
         {},
         2,
         0,
         "",
         "invalid_xlsx"},
        {"a cell of another row",
         xlsx({kHeader + row(2, text("A3", "R2"))}),
         {},
         2,
         0,
         "",
         "invalid_xlsx"},
        {"cells out of order",
         xlsx({kHeader + row(2, text("B2", "x") + text("A2", "R2"))}),
         {},
         2,
         1,
         "Receipt No.",
         "invalid_xlsx"},
        {"a column past XFD",
         xlsx({kHeader + row(2, text("XFE2", "x"))}),
         {},
         2,
         16385,
         "",
         "invalid_xlsx"},
        {"an unknown cell type",
         xlsx({kHeader + row(2, "<c r=\"A2\" t=\"q\"><v>1</v></c>")}),
         {},
         2,
         1,
         "Receipt No.",
         "invalid_xlsx"},
        {"no header", xlsx({paid_in(2, "5")}), {}, 0, 0, "Receipt No.", "missing_header"},
        {"a file too large", good, small([](auto& l) { l.bytes_max = 100; }), 0, 0, "",
         "file_too_large"},
        {"too many entries", xlsx({kHeader, "", false, "worksheets/statement.xml", many}),
         small([](auto& l) { l.zip_entries_max = 8; }), 0, 0, "", "xlsx_limit"},
        {"a zip bomb", bomb, small([](auto& l) { l.entry_bytes_max = 1U << 20; }), 0, 0,
         "xl/worksheets/bomb.xml", "xlsx_limit"},
        {"a zip bomb that says it is small", with_claimed_size(bomb, "xl/worksheets/bomb.xml", 100),
         small([](auto& l) { l.entry_bytes_max = 1U << 20; }), 0, 0, "xl/worksheets/bomb.xml",
         "xlsx_limit"},
        {"too many bytes in all", good, small([&](auto& l) { l.total_bytes_max = before_sheet; }),
         0, 0, sheet, "xlsx_limit"},
        {"too many shared strings", xlsx({kHeader, "<si><t>a</t></si><si><t>b</t></si>"}),
         small([](auto& l) { l.shared_strings_max = 1; }), 0, 0, "xl/strings.xml", "xlsx_limit"},
        {"shared strings too long", xlsx({kHeader, "<si><t>a</t></si><si><t>bcdef</t></si>"}),
         small([](auto& l) { l.shared_string_bytes_max = 5; }), 0, 0, "xl/strings.xml",
         "xlsx_limit"},
        {"a cell too long",
         xlsx({kHeader + row(2, text("A2", "R2") + text("E2", std::string(41, 'x')))}),
         small([](auto& l) { l.cell_bytes_max = 40; }), 2, 5, "Withdrawn", "xlsx_limit"},
        {"a shared string too long for a cell",
         xlsx({kHeader + row(2, "<c r=\"A2\" t=\"s\"><v>0</v></c>"),
               "<si><t>" + std::string(41, 'x') + "</t></si>"}),
         small([](auto& l) { l.cell_bytes_max = 40; }), 2, 1, "Receipt No.", "xlsx_limit"},
        {"a row too long",  // the header's text is 67 bytes
         xlsx({kHeader + row(2, text("A2", "R2") + text("G2", std::string(70, 'x')))}),
         small([](auto& l) { l.line_bytes_max = 70; }), 2, 7, "", "line_too_long"},
        {"too many lines", xlsx({kHeader + paid_in(2, "5") + paid_in(4, "5")}),
         small([](auto& l) { l.lines_max = 1; }), 4, 0, "", "too_many_lines"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.name) {
            require_refused(read_statement_xlsx(c.bytes, kKes, c.limits), c.line, c.column, c.field,
                            c.reason);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_encrypted_entry_is_refused) {
    if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) {
        BOOST_TEST_MESSAGE("this libzip cannot write AES: nothing to check");
        return;
    }
    auto parts = entries({kHeader + paid_in(2, "5")});
    parts[2].password = "secret";  // the first sheet
    require_refused(read_statement_xlsx(zip_bytes(parts), kKes), 0, 0,
                    "xl/worksheets/statement.xml", "invalid_xlsx");
}

BOOST_AUTO_TEST_SUITE_END()
