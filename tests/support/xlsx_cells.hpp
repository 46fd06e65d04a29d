#pragma once
/// Just enough of an XLSX reader for the tests of the workbooks Riziki writes (the donor
/// report, the M-Pesa reconciliation): the sheets in order by name, their cells by reference
/// (a shared string's text, or a number's literal, with the cell's style index) and the
/// styles part, read from the workbook's bytes with regular expressions. It reads what
/// libxlsxwriter writes, not XLSX in general.

#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/memory_zip.hpp"

namespace riziki::testing {

/// `text` with the five XML entities libxlsxwriter writes replaced by their characters.
inline std::string xml_text(std::string text) {
    for (const auto& [entity, plain] : {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"},
                                        std::pair{"&quot;", "\""}, std::pair{"&amp;", "&"}}) {
        for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at))
            text.replace(at, std::string(entity).size(), plain);
    }
    return text;
}

/// A cell as stored: the text of a string cell, or the literal of a numeric one.
struct XlsxCell {
    bool numeric = false;
    std::string value;
    int style = 0;
};

struct XlsxBook {
    std::vector<std::string> sheet_names;
    std::map<std::string, std::map<std::string, XlsxCell>> sheets;
    std::string styles;

    explicit XlsxBook(const std::string& bytes) {
        const auto workbook = zip_entry(bytes, "xl/workbook.xml");
        const std::regex sheet_tag(R"re(<sheet name="([^"]+)")re");
        for (std::sregex_iterator i(workbook.begin(), workbook.end(), sheet_tag), end; i != end;
             ++i) {
            sheet_names.push_back(xml_text((*i)[1]));
        }
        std::vector<std::string> strings;
        const auto shared = zip_entry(bytes, "xl/sharedStrings.xml");
        const std::regex string_tag(R"(<si><t[^>]*>([^<]*)</t></si>)");
        for (std::sregex_iterator i(shared.begin(), shared.end(), string_tag), end; i != end; ++i)
            strings.push_back(xml_text((*i)[1]));
        const std::regex cell_tag(
            R"re(<c r="([A-Z]+[0-9]+)"(?: s="([0-9]+)")?( t="s")?><v>([^<]*)</v></c>)re");
        for (std::size_t n = 0; n < sheet_names.size(); ++n) {
            const auto xml =
                zip_entry(bytes, "xl/worksheets/sheet" + std::to_string(n + 1) + ".xml");
            auto& cells = sheets[sheet_names[n]];
            for (std::sregex_iterator i(xml.begin(), xml.end(), cell_tag), end; i != end; ++i) {
                const auto& m = *i;
                const bool shared_string = m[3].matched;
                cells[m[1]] = {!shared_string,
                               shared_string ? strings.at(std::stoul(m[4])) : m[4].str(),
                               m[2].matched ? std::stoi(m[2]) : 0};
            }
        }
        styles = zip_entry(bytes, "xl/styles.xml");
    }
};

}  // namespace riziki::testing
