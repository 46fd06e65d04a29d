// libFuzzer target: the M-Pesa statement reader for XLSX (reports/mpesa_statement_xlsx.cpp)
// on any bytes, in two ways. Bytes that start as a zip does ("PK") are the whole file: the
// zip layer (libzip, the limits, encrypted and corrupt entries). Any other bytes are the
// parts, split at NUL bytes (which XML cannot hold): the first sheet, the shared strings,
// the workbook and its relationships, each left out taking a plain default; they are zipped
// (stored) and read, so the mutations reach the XML and the cells rather than a CRC.
// Either way nothing may crash, and what is read must keep the readers' promises.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reports/mpesa_statement.hpp"
#include "tests/fuzz/statement_properties.hpp"
#include "tests/support/memory_zip.hpp"

namespace {

std::string xlsx_of_parts(std::string_view input) {
    std::vector<std::string> parts{
        "",
        "<sst/>",
        R"(<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
        R"(<sheets><sheet r:id="rId1"/></sheets></workbook>)",
        R"(<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>)"
        R"(<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/>)"
        R"(</Relationships>)",
    };
    for (std::size_t i = 0; i < parts.size() && !input.empty(); ++i) {
        const auto nul = input.find('\0');
        parts[i] = std::string(input.substr(0, nul));
        input.remove_prefix(nul == std::string_view::npos ? input.size() : nul + 1);
    }
    const char* names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
                           "xl/_rels/workbook.xml.rels"};
    std::vector<riziki::testing::ZipEntry> entries;
    for (std::size_t i = 0; i < parts.size(); ++i)
        entries.push_back({names[i], parts[i], ZIP_CM_STORE});
    return riziki::testing::zip_bytes(entries);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto kes = *riziki::ledger::find_currency("KES");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    riziki::reports::StatementLimits limits;
    limits.lines_max = 64;
    limits.entry_bytes_max = 1U << 20;
    limits.total_bytes_max = 2U << 20;
    limits.shared_strings_max = 1000;
    const std::string bytes = input.starts_with("PK") ? std::string(input) : xlsx_of_parts(input);
    require_statement_promises(riziki::reports::read_statement_xlsx(bytes, kes, limits), limits);
    return 0;
}
