// The M-Pesa statement as XLSX (mpesa_statement.hpp): the zip is read in place with libzip,
// each part's XML streamed through expat as it is decompressed, and the first sheet's rows
// handed one at a time to the reader the CSV shares (mpesa_statement_rows.hpp).
//
// A hostile file is expected: every decompressed byte is counted as it comes (a zip's
// claimed sizes are never trusted), a DOCTYPE stops the parse before any DTD is read (no
// entity is ever declared, so none expands or is fetched), encrypted entries are refused,
// and every limit stops the parse at once. Only the shared strings are kept whole, within
// their limits; the sheet is never held, only the row being read.
#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "reports/mpesa_statement.hpp"
#include "reports/mpesa_statement_rows.hpp"

namespace riziki::reports {

namespace {

using statement_rows::Cell;
using statement_rows::Row;
using statement_rows::StatementBuilder;
using statement_rows::trim;

constexpr std::string_view kWorkbook = "xl/workbook.xml";
constexpr std::string_view kWorkbookRels = "xl/_rels/workbook.xml.rels";
constexpr std::string_view kFirstSheet = "xl/worksheets/sheet1.xml";  // without rels
constexpr std::string_view kSharedStrings = "xl/sharedStrings.xml";
constexpr int kLastRow = 1'048'576;
constexpr int kLastColumn = 16'384;  // XFD
constexpr char kNamespaceSeparator = '|';

StatementError file_error(std::string_view part, const char* reason = "invalid_xlsx") {
    return StatementError{0, 0, std::string(part), reason};
}

/// An element's or attribute's name without its namespace ("…/main|row" is "row").
std::string_view local_name(std::string_view name) {
    const auto separator = name.rfind(kNamespaceSeparator);
    return separator == std::string_view::npos ? name : name.substr(separator + 1);
}

/// The value of the attribute named `name`; with `qualified`, only of one in a namespace
/// (the relationship id `r:id`, not a plain `id`).
std::optional<std::string_view> attribute(const XML_Char** attributes, std::string_view name,
                                          bool qualified = false) {
    for (; attributes[0] != nullptr; attributes += 2) {
        const std::string_view full(attributes[0]);
        if (local_name(full) == name &&
            (!qualified || full.find(kNamespaceSeparator) != std::string_view::npos))
            return std::string_view(attributes[1]);
    }
    return std::nullopt;
}

/// Digits only, at most `last`: a row number, or a shared string's index.
std::optional<int> whole_number(std::string_view text, int last) {
    int value = 0;
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != text.npos)
        return std::nullopt;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value <= last ? std::optional<int>(value) : std::nullopt;
}

/// A relationship's target as a part name: relative to xl/, or from the root when it starts
/// with '/'; nullopt when it climbs out of the package.
std::optional<std::string> part_name(std::string_view target) {
    std::vector<std::string_view> segments;
    if (target.starts_with('/'))
        target.remove_prefix(1);
    else
        segments.emplace_back("xl");
    for (bool more = true; more;) {
        const auto slash = target.find('/');
        const auto segment = target.substr(0, slash);
        more = slash != std::string_view::npos;
        target.remove_prefix(more ? slash + 1 : target.size());
        if (segment == "..") {
            if (segments.empty())
                return std::nullopt;
            segments.pop_back();
        } else if (!segment.empty() && segment != ".") {
            segments.push_back(segment);
        }
    }
    std::string name;
    for (const auto segment : segments)
        name += (name.empty() ? "" : "/") + std::string(segment);
    return name.empty() ? std::nullopt : std::optional<std::string>(name);
}

/// What reads one part: expat's events, and the error that stops the parse.
class PartReader {
  public:
    virtual ~PartReader() = default;
    virtual void start(std::string_view name, const XML_Char** attributes) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(std::string_view /*text*/) {}
    /// The error for XML that is not well-formed: in the part, or at the cell being read.
    virtual StatementError malformed() const { return file_error(part_); }

    void begin(XML_Parser parser, std::string_view part) {
        parser_ = parser;
        part_ = std::string(part);
    }
    const std::string& part() const { return part_; }
    const std::optional<StatementError>& error() const { return error_; }
    /// Refuses the file: the parse stops at once, and any event still to come is ignored.
    void stop(StatementError error) {
        if (!error_)
            error_ = std::move(error);
        XML_StopParser(parser_, XML_FALSE);
    }

  private:
    XML_Parser parser_ = nullptr;
    std::string part_;
    std::optional<StatementError> error_;
};

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
    auto* reader = static_cast<PartReader*>(data);
    if (!reader->error())
        reader->start(local_name(name), attributes);
}

void XMLCALL on_end(void* data, const XML_Char* name) {
    auto* reader = static_cast<PartReader*>(data);
    if (!reader->error())
        reader->end(local_name(name));
}

void XMLCALL on_text(void* data, const XML_Char* text, int length) {
    auto* reader = static_cast<PartReader*>(data);
    if (!reader->error())
        reader->text(std::string_view(text, static_cast<std::size_t>(length)));
}

/// No part of a workbook has a DOCTYPE: refusing it refuses every DTD, and with it every
/// entity declaration (billion laughs, external entities) before one is read.
void XMLCALL on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* reader = static_cast<PartReader*>(data);
    reader->stop(file_error(reader->part()));
}

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct ParserFreer {
    void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

/// The zip, read in place from the caller's bytes (read-only, never written).
class Package {
  public:
    static std::variant<Package, StatementError> open(std::string_view bytes,
                                                      const StatementLimits& limits) {
        if (!bytes.starts_with("PK\x03\x04"))
            return file_error("");  // an XLSX starts with its first entry (libzip would take
                                    // an empty file for an empty zip)
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        zip_t* archive =
            source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
        zip_error_fini(&error);
        if (!archive) {
            zip_source_free(source);  // still the caller's when the open failed
            return file_error("");
        }
        Package package(archive, limits);
        const zip_int64_t entries = zip_get_num_entries(archive, 0);
        if (entries < 0 || static_cast<zip_uint64_t>(entries) > limits.zip_entries_max)
            return file_error("", "xlsx_limit");
        return package;
    }

    bool has(std::string_view part) const { return locate(part) >= 0; }

    /// Streams `part` through expat into `reader`, a chunk at a time as it is decompressed;
    /// the error that stopped it, if any.
    std::optional<StatementError> read(std::string_view part, PartReader& reader) {
        const zip_int64_t index = locate(part);
        if (index < 0)
            return file_error(part);
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
            ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 &&
             stat.encryption_method != ZIP_EM_NONE))
            return file_error(part);  // the portal's export has no password: refused, not tried
        const std::unique_ptr<zip_file_t, FileCloser> file(
            zip_fopen_index(archive_.get(), static_cast<zip_uint64_t>(index), 0));
        if (!file)
            return file_error(part);  // an unknown compression method, a bad local header
        const std::unique_ptr<XML_ParserStruct, ParserFreer> parser(
            XML_ParserCreateNS(nullptr, kNamespaceSeparator));
        if (!parser)
            throw std::bad_alloc();
        XML_SetUserData(parser.get(), &reader);
        XML_SetElementHandler(parser.get(), on_start, on_end);
        XML_SetCharacterDataHandler(parser.get(), on_text);
        XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
        XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
        reader.begin(parser.get(), part);
        constexpr int kChunk = 64 << 10;
        std::size_t entry_bytes = 0;
        for (;;) {
            void* buffer = XML_GetBuffer(parser.get(), kChunk);
            if (!buffer)
                throw std::bad_alloc();
            const zip_int64_t got = zip_fread(file.get(), buffer, kChunk);
            if (got < 0)
                return file_error(part);  // corrupt compressed data, or a wrong CRC
            entry_bytes += static_cast<std::size_t>(got);
            total_bytes_ += static_cast<std::size_t>(got);
            if (entry_bytes > limits_->entry_bytes_max || total_bytes_ > limits_->total_bytes_max)
                return file_error(part, "xlsx_limit");
            if (XML_ParseBuffer(parser.get(), static_cast<int>(got), got == 0) != XML_STATUS_OK)
                return reader.error() ? *reader.error() : reader.malformed();
            if (got == 0)
                return std::nullopt;
        }
    }

  private:
    Package(zip_t* archive, const StatementLimits& limits) : archive_(archive), limits_(&limits) {}

    zip_int64_t locate(std::string_view part) const {
        return zip_name_locate(archive_.get(), std::string(part).c_str(), ZIP_FL_NOCASE);
    }

    std::unique_ptr<zip_t, ArchiveCloser> archive_;
    const StatementLimits* limits_;
    std::size_t total_bytes_ = 0;
};

/// xl/workbook.xml: the first sheet's relationship id, and the date system.
class WorkbookReader final : public PartReader {
  public:
    void start(std::string_view name, const XML_Char** attributes) override {
        if (name == "workbookPr") {
            const auto value = attribute(attributes, "date1904");
            date1904 = value && (*value == "1" || *value == "true");
        } else if (name == "sheet" && !sheet_seen_) {
            sheet_seen_ = true;
            sheet_id = std::string(attribute(attributes, "id", true).value_or(""));
        }
    }
    void end(std::string_view /*name*/) override {}

    bool date1904 = false;
    std::string sheet_id;

  private:
    bool sheet_seen_ = false;
};

/// xl/_rels/workbook.xml.rels: where the first sheet and the shared strings are.
class RelationshipsReader final : public PartReader {
  public:
    explicit RelationshipsReader(std::string sheet_id) : sheet_id_(std::move(sheet_id)) {}

    void start(std::string_view name, const XML_Char** attributes) override {
        if (name != "Relationship")
            return;
        const auto id = attribute(attributes, "Id");
        const auto type = attribute(attributes, "Type").value_or("");
        const auto target = attribute(attributes, "Target");
        if (!id || !target ||
            attribute(attributes, "TargetMode").value_or("Internal") != "Internal")
            return;
        if (*id == sheet_id_ && !sheet)
            sheet = std::string(*target);
        else if (type.ends_with("/sharedStrings") && !shared_strings)
            shared_strings = std::string(*target);
    }
    void end(std::string_view /*name*/) override {}

    std::optional<std::string> sheet;
    std::optional<std::string> shared_strings;

  private:
    std::string sheet_id_;
};

/// Which text of a string item is its value: every `<t>`, whether the item's own or its rich
/// text runs' (`<r><t>`, joined), except the phonetic runs (`<rPh>`).
class RichText {
  public:
    void start(std::string_view name) {
        if (name == "rPh")
            ++phonetic_;
        else if (name == "t")
            in_t_ = true;
    }
    void end(std::string_view name) {
        if (name == "rPh" && phonetic_ > 0)
            --phonetic_;
        else if (name == "t")
            in_t_ = false;
    }
    bool reading() const { return in_t_ && phonetic_ == 0; }

  private:
    int phonetic_ = 0;
    bool in_t_ = false;
};

/// xl/sharedStrings.xml: each `<si>`'s text, in order, within the limits.
class SharedStringsReader final : public PartReader {
  public:
    explicit SharedStringsReader(const StatementLimits& limits) : limits_(limits) {}

    void start(std::string_view name, const XML_Char** /*attributes*/) override {
        if (name != "si") {
            item_.start(name);
        } else if (in_item_) {
            stop(malformed());
        } else if (strings.size() >= limits_.shared_strings_max) {
            stop(file_error(part(), "xlsx_limit"));
        } else {
            in_item_ = true;
            item_ = RichText{};
            strings.emplace_back();
        }
    }
    void end(std::string_view name) override {
        if (name == "si")
            in_item_ = false;
        else
            item_.end(name);
    }
    void text(std::string_view text) override {
        if (!in_item_ || !item_.reading())
            return;
        bytes_ += text.size();
        if (bytes_ > limits_.shared_string_bytes_max)
            stop(file_error(part(), "xlsx_limit"));
        else
            strings.back() += text;
    }

    std::vector<std::string> strings;

  private:
    const StatementLimits& limits_;
    bool in_item_ = false;
    RichText item_;
    std::size_t bytes_ = 0;
};

/// The first sheet: each `<row>`'s cells with the columns of their references, the row
/// handed to the statement when it ends. Only the cells present are held.
class SheetReader final : public PartReader {
  public:
    SheetReader(const std::vector<std::string>& shared, StatementBuilder& statement,
                const StatementLimits& limits)
        : shared_(shared), statement_(statement), limits_(limits) {}

    void start(std::string_view name, const XML_Char** attributes) override {
        if (name == "row")
            start_row(attributes);
        else if (name == "c")
            start_cell(attributes);
        else if (in_cell_ && name == "v")
            in_value_ = true;
        else if (in_cell_ && name == "is")
            in_inline_ = true;
        else if (in_inline_)
            inline_.start(name);
    }

    void end(std::string_view name) override {
        if (name == "row" && row_ > 0) {
            if (auto bad = statement_.add(cells_, row_))
                stop(std::move(*bad));
            row_ = 0;
        } else if (name == "c" && in_cell_) {
            end_cell();
        } else if (name == "v") {
            in_value_ = false;
        } else if (name == "is") {
            in_inline_ = false;
        } else if (in_inline_) {
            inline_.end(name);
        }
    }

    void text(std::string_view text) override {
        const bool reading =
            type_ == Type::inline_string ? in_inline_ && inline_.reading() : in_value_;
        if (!in_cell_ || !reading)
            return;
        if (value_.size() + text.size() > limits_.cell_bytes_max)
            stop(at_cell("xlsx_limit"));
        else
            value_ += text;
    }

    StatementError malformed() const override {
        return in_cell_   ? at_cell("invalid_xlsx")
               : row_ > 0 ? StatementError{row_, 0, "", "invalid_xlsx"}
                          : file_error(part());
    }

  private:
    enum class Type { number, shared_string, text, inline_string };

    StatementError at_cell(const char* reason) const {
        return StatementError{row_, column_, statement_.column_name(column_), reason};
    }

    /// `<row r="7">`; without `r`, the row after the last.
    void start_row(const XML_Char** attributes) {
        const auto r = attribute(attributes, "r");
        const auto number = r ? whole_number(*r, kLastRow) : std::optional<int>(last_row_ + 1);
        if (row_ > 0 || in_cell_ || !number || *number <= last_row_ || *number > kLastRow) {
            stop(row_ > 0 || !number ? malformed()
                                     : StatementError{*number, 0, "", "invalid_xlsx"});
            return;
        }
        row_ = last_row_ = *number;
        column_ = 0;
        cells_.clear();
        row_bytes_ = 0;
    }

    /// `<c r="B7" t="s">`: the column from the reference (its row must be this row), or
    /// the column after the last without `r`; the type says where the text is.
    void start_cell(const XML_Char** attributes) {
        if (row_ == 0 || in_cell_) {
            stop(malformed());
            return;
        }
        int column = column_ + 1;
        if (const auto r = attribute(attributes, "r")) {
            const auto letters =
                std::min(r->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), r->size());
            column = 0;
            for (std::size_t i = 0; i < letters && letters <= 3; ++i)
                column = column * 26 + ((*r)[i] - 'A' + 1);
            if (whole_number(r->substr(letters), kLastRow) != row_)
                column = 0;  // its row is not this row's
        }
        const auto type = attribute(attributes, "t").value_or("n");
        in_cell_ = true;
        if (column <= column_ || column > kLastColumn) {
            column_ = column;
            stop(at_cell("invalid_xlsx"));  // a bad reference, or cells out of order
            return;
        }
        column_ = column;
        value_.clear();
        in_value_ = in_inline_ = false;
        inline_ = RichText{};
        if (type == "n")
            type_ = Type::number;
        else if (type == "s")
            type_ = Type::shared_string;
        else if (type == "inlineStr")
            type_ = Type::inline_string;
        else if (type == "str" || type == "b" || type == "e" || type == "d")
            type_ = Type::text;
        else
            stop(at_cell("invalid_xlsx"));
    }

    void end_cell() {
        in_cell_ = false;
        Cell cell{column_, std::move(value_), type_ == Type::number};
        value_.clear();
        if (type_ == Type::shared_string) {
            const auto index = whole_number(trim(cell.text), 999'999'999);
            if (!index || static_cast<std::size_t>(*index) >= shared_.size()) {
                stop(at_cell("invalid_xlsx"));
                return;
            }
            cell.text = shared_[static_cast<std::size_t>(*index)];
        }
        row_bytes_ += cell.text.size();
        if (cell.text.size() > limits_.cell_bytes_max) {
            stop(at_cell("xlsx_limit"));
            return;
        }
        if (row_bytes_ > limits_.line_bytes_max) {
            stop(at_cell("line_too_long"));
            return;
        }
        cells_.push_back(std::move(cell));  // in column order: start_cell saw to it
    }

    const std::vector<std::string>& shared_;
    StatementBuilder& statement_;
    const StatementLimits& limits_;
    int last_row_ = 0;
    int row_ = 0;  ///< the row being read, 0 between rows
    int column_ = 0;
    Row cells_;
    std::size_t row_bytes_ = 0;
    bool in_cell_ = false;
    Type type_ = Type::number;
    std::string value_;
    bool in_value_ = false;
    bool in_inline_ = false;
    RichText inline_;
};

}  // namespace

std::variant<std::vector<StatementLine>, StatementError> read_statement_xlsx(
    std::string_view bytes, const ledger::Currency& currency, const StatementLimits& limits) {
    if (bytes.size() > limits.bytes_max)
        return StatementError{0, 0, "", "file_too_large"};
    auto opened = Package::open(bytes, limits);
    if (auto* bad = std::get_if<StatementError>(&opened))
        return *bad;
    auto& package = std::get<Package>(opened);
    WorkbookReader workbook;
    if (auto bad = package.read(kWorkbook, workbook))
        return *bad;
    std::string sheet(kFirstSheet);
    std::string shared_strings(kSharedStrings);
    if (package.has(kWorkbookRels)) {
        RelationshipsReader relationships(workbook.sheet_id);
        if (auto bad = package.read(kWorkbookRels, relationships))
            return *bad;
        const auto sheet_part = part_name(relationships.sheet.value_or(""));
        const auto strings_part = relationships.shared_strings
                                      ? part_name(*relationships.shared_strings)
                                      : std::optional<std::string>(shared_strings);
        if (!relationships.sheet || !sheet_part || !strings_part)
            return file_error(kWorkbookRels);  // no first sheet, or a target out of the package
        sheet = *sheet_part;
        shared_strings = *strings_part;
    }
    SharedStringsReader strings(limits);
    if (package.has(shared_strings)) {
        if (auto bad = package.read(shared_strings, strings))
            return *bad;
    }
    StatementBuilder statement(currency, limits, workbook.date1904);
    SheetReader rows(strings.strings, statement, limits);
    if (auto bad = package.read(sheet, rows))
        return *bad;
    return statement.finish();
}

}  // namespace riziki::reports
