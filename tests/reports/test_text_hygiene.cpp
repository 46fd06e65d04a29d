// Text that reaches a document from a record — a fund's or donor's name, a county, a note —
// may hold control characters, bytes that are not UTF-8, and markup. None of it may break the
// IATI file (checked with xmllint against the IATI schema), the HTML page, the workbook (each
// of its XML parts checked with xmllint) or the PDF (read back with pdftotext).

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "reports/display.hpp"
#include "reports/donor_report.hpp"
#include "reports/iati.hpp"
#include "tests/db/fixture.hpp"
#include "tests/support/shell.hpp"

using namespace riziki;
using namespace riziki::testing;
using reports::display::markup_escape;
using reports::display::plain_text;

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// 300 repetitions of a phrase in Kiswahili with letters, symbols and an emoji flag beyond
/// the Basic Multilingual Plane: about 11,000 bytes.
std::string long_unicode() {
    std::string text;
    for (int i = 0; i < 300; ++i)
        text += "Ushirika wa wanawake — ñ ✓ 🇰🇪 ";
    return text;
}

/// Every kind of trouble a name can bring, one per string.
std::vector<std::string> troubles() {
    return {"control \x01 here",
            "escape \x1b[31m red",
            "<script>alert('x')</script>",
            "Fish & chips",
            "say \"hi\"",
            "it's",
            "]]> ends CDATA",
            "bad UTF-8 \xC3\x28 and \xFF",
            "delete \x7F and C1 \xC2\x85",
            long_unicode()};
}

/// All of troubles() in one name.
std::string all_troubles() {
    std::string joined;
    for (const auto& t : troubles())
        joined += t + " | ";
    return joined;
}

/// A byte no document should carry raw: a C0 control other than tab, LF, CR, or DEL.
bool has_control_byte(const std::string& bytes) {
    for (unsigned char c : bytes) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return true;
    }
    return false;
}

/// A small report whose every free text is troubled.
reports::DonorReport troubled_report() {
    reports::DonorReport r;
    r.fund = "F-TROUBLE";
    r.fund_name = all_troubles();
    r.donor = "donor <b>" + troubles()[0];
    r.currency = "KES";
    r.from = day("2026-01-01");
    r.to = day("2026-03-31");
    r.statement.receipts = 100'000;
    r.statement.closing_cash = 100'000;
    r.months = {{"2026-01", 100'000, 0}};
    r.loan_trend = {{"2026-01", 0, 0}};
    reports::Breakdown counties{"county", {}};
    for (const auto& t : troubles())
        counties.cells.push_back({t, {7, false}});
    r.reach = {counties};
    r.notes = troubles();
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_hygiene)

BOOST_AUTO_TEST_CASE(plain_text_keeps_text_and_marks_what_no_document_may_hold) {
    const std::string r = kReplacement;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"Mfuko wa Wanawake", "Mfuko wa Wanawake"},
        {"tab\tline\ncarriage\r", "tab\tline\ncarriage\r"},
        {"a\x01z", "a" + r + "z"},
        {"\x1b[31m", r + "[31m"},
        {std::string("nul\0!", 5), "nul" + r + "!"},
        {"del\x7F", "del" + r},
        {"c1 \xC2\x85", "c1 " + r},                      // U+0085, NEXT LINE
        {"\xEF\xBF\xBE\xEF\xBF\xBF", r + r},             // U+FFFE, U+FFFF
        {"cut \xC3", "cut " + r},                        // a sequence cut short
        {"\xC3\x28", r + "("},                           // a bad continuation byte
        {"\xC0\xAF", r + r},                             // overlong '/'
        {"\xED\xA0\x80", r + r + r},                     // a UTF-16 surrogate
        {"\xF4\x90\x80\x80", r + r + r + r},             // beyond U+10FFFF
        {"ñ ✓ 🇰🇪 \xEF\xBF\xBD", "ñ ✓ 🇰🇪 \xEF\xBF\xBD"},  // valid, kept
    };
    for (const auto& [input, expected] : cases) {
        BOOST_TEST_CONTEXT("input of " << input.size() << " bytes: " << expected) {
            BOOST_TEST(plain_text(input) == expected);
        }
    }
    BOOST_TEST(plain_text(long_unicode()) == long_unicode());
}

BOOST_AUTO_TEST_CASE(markup_escape_leaves_neither_markup_nor_control_characters) {
    for (const auto& t : troubles()) {
        const auto escaped = markup_escape(t);
        BOOST_TEST_CONTEXT(escaped.substr(0, 60)) {
            BOOST_TEST(!has_control_byte(escaped));
            BOOST_TEST(escaped.find_first_of("<>\"'") == std::string::npos);
            BOOST_TEST(plain_text(escaped) == escaped);  // valid UTF-8
        }
    }
    BOOST_TEST(markup_escape("]]> & \"'") == "]]&gt; &amp; &quot;&#39;");
}

BOOST_AUTO_TEST_CASE(the_iati_file_validates_whatever_the_names_hold) {
    Scratch scratch("iati-troubles");
    reports::IatiInput in{"XM-DAC-41114",
                          all_troubles(),
                          "F-TROUBLE",
                          all_troubles(),
                          "D-TROUBLE",
                          all_troubles(),
                          "KES",
                          day("2026-01-01"),
                          day("2026-12-31"),
                          day("2026-01-01"),
                          day("2026-03-31"),
                          "2026-04-01T00:00:00Z",
                          {{day("2026-01-05"), "1010", ledger::Event::receipt, 100'000},
                           {day("2026-01-05"), "4100", ledger::Event::receipt, -100'000}}};
    const auto xml = reports::iati_activities_xml(in);
    const auto path = scratch.write("iati.xml", xml).string();
    const auto lint = shell("xmllint --noout --schema " + std::string(RIZIKI_IATI_DIR) +
                            "/iati-activities-schema.xsd " + shell_quoted(path));
    BOOST_TEST(lint.status == 0, lint.output.substr(0, 2000));
    BOOST_TEST(!has_control_byte(xml));
    BOOST_TEST(xml.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    BOOST_TEST(xml.find("]]&gt; ends CDATA") != std::string::npos);
    BOOST_TEST(xml.find("control " + std::string(kReplacement) + " here") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_html_page_holds_no_control_character_and_no_markup_from_a_name) {
    const auto html = reports::donor_report_html(troubled_report());
    BOOST_TEST(!has_control_byte(html));
    BOOST_TEST(plain_text(html) == html);  // valid UTF-8 and no C1 control
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("donor <b>") == std::string::npos);
    BOOST_TEST(html.find("donor donor &lt;b&gt;control " + std::string(kReplacement)) !=
               std::string::npos);
    BOOST_TEST(html.find("<li>bad UTF-8 " + std::string(kReplacement) + "( and " + kReplacement +
                         "</li>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_workbook_opens_whatever_the_names_hold) {
    Scratch scratch("xlsx-troubles");
    const auto path =
        scratch.write("r.xlsx", reports::donor_report_xlsx(troubled_report())).string();
    BOOST_TEST_REQUIRE(shell("unzip -tq " + shell_quoted(path)).status == 0);
    // Each XML part a spreadsheet reads must be well-formed XML 1.0 in UTF-8.
    const auto parts = shell("unzip -Z1 " + shell_quoted(path) + " | grep '\\.xml$'", false);
    BOOST_TEST_REQUIRE(parts.status == 0);
    int checked = 0;
    std::istringstream names(parts.output);
    for (std::string name; std::getline(names, name); ++checked) {
        BOOST_TEST_CONTEXT(name) {
            // unzip reads a name as a pattern: [Content_Types].xml needs its brackets escaped.
            std::string pattern;
            for (char c : name)
                pattern += c == '[' || c == ']' ? std::string("\\") + c : std::string(1, c);
            const auto extract = "unzip -p " + shell_quoted(path) + " " + shell_quoted(pattern);
            const auto part = shell(extract, false);
            BOOST_TEST(!part.output.empty());
            BOOST_TEST(!has_control_byte(part.output));
            const auto lint = shell(extract + " | xmllint --noout -");
            BOOST_TEST(lint.status == 0, lint.output.substr(0, 2000));
        }
    }
    BOOST_TEST(checked >= 12);  // 8 sheets, the workbook, styles, shared strings, properties
}

BOOST_AUTO_TEST_CASE(the_pdf_is_made_whatever_the_names_hold) {
    Scratch scratch("pdf-troubles");
    const auto bytes = reports::donor_report_pdf(troubled_report());
    BOOST_TEST_REQUIRE(bytes.starts_with("%PDF-"));
    const auto path = scratch.write("r.pdf", bytes).string();
    const auto text = shell("pdftotext -layout " + shell_quoted(path) + " -", false);
    BOOST_TEST_REQUIRE(text.status == 0);
    std::string shown = text.output;
    std::erase(shown, '\f');  // pdftotext's page break
    BOOST_TEST(!has_control_byte(shown));
    BOOST_TEST(text.output.find("<script>alert('x')</script>") != std::string::npos);
    BOOST_TEST(text.output.find("Fish & chips") != std::string::npos);
    const auto info = shell("pdfinfo " + shell_quoted(path));
    BOOST_TEST(info.status == 0, info.output);
    BOOST_TEST(!has_control_byte(info.output));  // the title in the document's metadata
}

BOOST_AUTO_TEST_SUITE_END()
