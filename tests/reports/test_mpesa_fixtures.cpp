// M-Pesa statements as files (issue 20): tests/data/mpesa holds an organisation statement
// for October 2026 written by hand (october.csv, every quirk and every matching outcome at
// least once), the same statement as XLSX from a second, independent writer (make_xlsx.py,
// october.xlsx), and a generator of long statements (generate_statement.py). Each comes
// with the outcome of every line (`<line> <state> <reason or ->`); a snapshot built here by
// hand, through the core, is what those outcomes assume the ledger holds.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "ledger/awards.hpp"
#include "reports/mpesa_match.hpp"
#include "reports/mpesa_statement.hpp"
#include "tests/support/memory_zip.hpp"
#include "tests/support/shell.hpp"

namespace L = riziki::ledger;
using L::Amount;
using riziki::reports::LedgerReference;
using riziki::reports::match_statement;
using riziki::reports::MatchResult;
using riziki::reports::MatchSnapshot;
using riziki::reports::MatchState;
using riziki::reports::read_statement_csv;
using riziki::reports::read_statement_xlsx;
using riziki::reports::ReferenceKind;
using riziki::reports::StatementError;
using riziki::reports::StatementLine;
using riziki::testing::Scratch;
using riziki::testing::shell;
using riziki::testing::shell_quoted;

namespace {

const auto kKes = *L::find_currency("KES");
const std::filesystem::path kDir = RIZIKI_MPESA_DIR;

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(in.good(), "cannot open " << path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

L::Date date(const std::string& text) {
    const auto parsed = L::parse_date(text);
    BOOST_TEST_REQUIRE(parsed.has_value(), "not a date: " << text);
    return *parsed;
}

Amount kes(const std::string& text) {
    const auto parsed = L::parse_amount(text, kKes);
    BOOST_TEST_REQUIRE(parsed.ok(), "not an amount: " << text);
    return parsed.minor;
}

std::vector<StatementLine> lines_of(
    const std::variant<std::vector<StatementLine>, StatementError>& read) {
    if (const auto* error = std::get_if<StatementError>(&read))
        BOOST_FAIL("refused: " << error->reason << " at " << error->line << ":" << error->column
                               << " " << error->field);
    return std::get<std::vector<StatementLine>>(read);
}

/// One line of an .expected file.
struct Expected {
    int line = 0;
    std::string state;
    std::string reason;  ///< "-" for none
};

std::vector<Expected> read_expected(const std::filesystem::path& path) {
    std::istringstream in(slurp(path));
    std::vector<Expected> out;
    for (std::string text; std::getline(in, text);) {
        std::istringstream fields(text);
        Expected e;
        std::string rest;
        BOOST_TEST_REQUIRE(static_cast<bool>(fields >> e.line >> e.state >> e.reason),
                           "malformed line in " << path << ": " << text);
        BOOST_TEST_REQUIRE(!static_cast<bool>(fields >> rest), "extra field: " << text);
        BOOST_TEST_REQUIRE(riziki::reports::parse_match_state(e.state).has_value(), text);
        out.push_back(e);
    }
    return out;
}

/// Every line's outcome is the one expected, line by line.
void check_outcomes(const std::vector<StatementLine>& lines, const MatchResult& result,
                    const std::vector<Expected>& expected) {
    BOOST_TEST_REQUIRE(result.lines.size() == lines.size());
    BOOST_TEST_REQUIRE(expected.size() == lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& outcome = result.lines[i];
        BOOST_TEST_CONTEXT("line " << lines[i].line << " " << lines[i].receipt) {
            BOOST_TEST(outcome.line == expected[i].line);
            BOOST_TEST(outcome.receipt == lines[i].receipt);
            BOOST_TEST(std::string(riziki::reports::to_string(outcome.state)) == expected[i].state);
            BOOST_TEST((outcome.reason.empty() ? std::string("-") : outcome.reason) ==
                       expected[i].reason);
            BOOST_TEST(outcome.proposal.has_value() == (outcome.state == MatchState::proposed));
        }
    }
}

/// Balances as the portal prints them: each Completed line's is the older line's (the next
/// in the file) plus what it paid in less what it withdrew; any other line carries it.
void check_balances(const std::vector<StatementLine>& lines) {
    BOOST_TEST_REQUIRE(!lines.empty());
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        const auto& line = lines[i];
        const auto& older = lines[i + 1];
        BOOST_TEST_CONTEXT("line " << line.line) {
            BOOST_TEST_REQUIRE(line.balance.has_value());
            BOOST_TEST_REQUIRE(older.balance.has_value());
            const Amount moved = line.status == "Completed" ? line.paid_in - line.withdrawn : 0;
            BOOST_TEST(*line.balance == *older.balance + moved);
        }
    }
}

L::LedgerContext context() {
    L::LedgerContext c;
    for (const auto& a : L::default_chart())
        c.accounts.insert(a.code);
    c.fund_currency = {{"F-KES", "KES"}};
    return c;
}

/// A snapshot built as the import handler's queries would find the ledger: awards and
/// money events planned and booked through the core, and the fund's M-Pesa references as
/// the entries they were posted with.
class Ledger {
  public:
    Ledger() {
        snapshot_.fund = "F-KES";
        snapshot_.context = context();
        snapshot_.recorded_by = "importer";
        snapshot_.books.fund_cash["F-KES"] = kes("10000000.00");
    }

    /// An award approved on 1 September; loans at 0% over four monthly installments.
    void award(const std::string& id, const std::string& survivor, L::AwardKind kind,
               const std::string& approved) {
        L::Award a;
        a.id = id;
        a.survivor = survivor;
        a.fund = "F-KES";
        a.currency = "KES";
        a.kind = kind;
        a.approved = kes(approved);
        a.approved_on = date("2026-09-01");
        if (kind == L::AwardKind::loan) {
            L::LoanTerms terms;
            terms.interest_rate = *L::parse_rate("0");
            terms.interest_period = L::InterestPeriod::month;
            terms.installments = 4;
            a.terms = terms;
        }
        snapshot_.books.awards[a.id] = {a, {}};
    }

    void disburse(const std::string& award, const std::string& amount, const std::string& on,
                  const std::string& receipt, const std::string& fee = "0.00") {
        post(L::Disbursement{award, kes(amount), date(on), L::Channel::mpesa, receipt, kes(fee)},
             ReferenceKind::disbursement, kes(amount), kes(fee), award);
    }

    void repay(const std::string& award, const std::string& amount, const std::string& on,
               const std::string& receipt) {
        post(L::Repayment{award, kes(amount), date(on), L::Channel::mpesa, receipt},
             ReferenceKind::repayment, kes(amount), 0, award);
    }

    void receive(const std::string& amount, const std::string& on, const std::string& receipt) {
        post(L::Receipt{"F-KES", kes(amount), date(on), L::Channel::mpesa, receipt},
             ReferenceKind::other, kes(amount), 0, "");
    }

    /// A reference the generator assumes, as the ledger would list it.
    void reference(LedgerReference ref) {
        ref.entry = ++seq_;
        snapshot_.books.references.emplace(L::Channel::mpesa, ref.receipt);
        snapshot_.references.push_back(std::move(ref));
    }

    const L::Award& award_of(const std::string& award) const {
        return snapshot_.books.awards.at(award).award;
    }

    const MatchSnapshot& snapshot() const { return snapshot_; }

  private:
    void post(const L::Command& command, ReferenceKind kind, Amount amount, Amount fee,
              const std::string& award) {
        const auto planned = L::plan(command, snapshot_.books, snapshot_.context, "tester");
        BOOST_TEST_REQUIRE(L::to_string(planned.check.reason) == "none");
        snapshot_.books.apply(planned.draft, planned.draft.event);
        const auto used = L::command_reference(command);
        BOOST_TEST_REQUIRE(used.has_value());
        reference(
            LedgerReference{used->second, 0, kind, amount, fee, award, planned.draft.effective_on});
    }

    MatchSnapshot snapshot_;
    std::int64_t seq_ = 100;
};

/// What the ledger holds for october.csv (ids and receipts as the statement names them):
///  AW-K7Q2M4X1 (SV-NJ4R8T2A): loan, disbursed 2 Oct with a 33.00 fee, 2,000.00 repaid
///    6 Oct (SK06RPY001);
///  AW-P3L8V6N2 (SV-BW2K9D5C): loan, disbursed 3 Oct with a 33.00 fee, 1,000.00 repaid
///    with SK09RPY002 but recorded as of 4 Oct;
///  AW-Z5R1H9T3 (SV-ZW7M3Q8E): loan, disbursed 1 Oct without a fee, 500.00 repaid 7 Oct
///    (SK07RPY003; the statement says 550.00);
///  AW-D2F6K8P4 and AW-D2F6K8P5: two active loans of SV-PN6J2W4F, disbursed 15 Sep;
///  AW-G9H3J7K6 (SV-IM5T9R3B): a grant, disbursed 5 Oct;
///  AW-R8S4E2W7 (SV-JB3X6N9C): a loan disbursed 1 Sep and repaid in full 25 Sep;
///  AW-W4N7C1Y8 (SV-WK8P2L6D): a loan disbursed 20 Oct with a 33.00 fee;
///  500,000.00 received into the fund 1 Oct (SK01RCV001).
Ledger october_ledger() {
    Ledger l;
    using K = L::AwardKind;
    l.award("AW-K7Q2M4X1", "SV-NJ4R8T2A", K::loan, "10000.00");
    l.award("AW-P3L8V6N2", "SV-BW2K9D5C", K::loan, "10000.00");
    l.award("AW-Z5R1H9T3", "SV-ZW7M3Q8E", K::loan, "10000.00");
    l.award("AW-D2F6K8P4", "SV-PN6J2W4F", K::loan, "10000.00");
    l.award("AW-D2F6K8P5", "SV-PN6J2W4F", K::loan, "10000.00");
    l.award("AW-G9H3J7K6", "SV-IM5T9R3B", K::grant, "10000.00");
    l.award("AW-R8S4E2W7", "SV-JB3X6N9C", K::loan, "10000.00");
    l.award("AW-W4N7C1Y8", "SV-WK8P2L6D", K::loan, "10000.00");
    l.disburse("AW-R8S4E2W7", "10000.00", "2026-09-01", "SI01DSB007");
    l.disburse("AW-D2F6K8P4", "10000.00", "2026-09-15", "SI15DSB004");
    l.disburse("AW-D2F6K8P5", "10000.00", "2026-09-15", "SI15DSB005");
    l.repay("AW-R8S4E2W7", "10000.00", "2026-09-25", "SI25RPY004");
    l.receive("500000.00", "2026-10-01", "SK01RCV001");
    l.disburse("AW-Z5R1H9T3", "10000.00", "2026-10-01", "SK01DSB003");
    l.disburse("AW-K7Q2M4X1", "10000.00", "2026-10-02", "SK02DSB001", "33.00");
    l.disburse("AW-P3L8V6N2", "10000.00", "2026-10-03", "SK03DSB002", "33.00");
    l.repay("AW-P3L8V6N2", "1000.00", "2026-10-04", "SK09RPY002");
    l.disburse("AW-G9H3J7K6", "10000.00", "2026-10-05", "SK05DSB006");
    l.repay("AW-K7Q2M4X1", "2000.00", "2026-10-06", "SK06RPY001");
    l.repay("AW-Z5R1H9T3", "500.00", "2026-10-07", "SK07RPY003");
    l.disburse("AW-W4N7C1Y8", "10000.00", "2026-10-20", "SK20DSB008", "33.00");
    BOOST_TEST_REQUIRE((l.award_of("AW-R8S4E2W7").status == L::AwardStatus::repaid));
    BOOST_TEST_REQUIRE((l.award_of("AW-K7Q2M4X1").status == L::AwardStatus::active));
    BOOST_TEST_REQUIRE((l.award_of("AW-G9H3J7K6").status == L::AwardStatus::closed));
    return l;
}

/// The first sheet's XML of a workbook, to see what kind of cells a writer made.
std::string sheet_xml(const std::string& bytes) {
    return riziki::testing::zip_entry(bytes, "xl/worksheets/sheet1.xml");
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

/// The active loans generate_statement.py is told of (`--loan`), each its survivor's only
/// award: two paid off early (small), two disbursed in the statement's month (so earlier
/// lines are dated before them).
struct GeneratedLoan {
    const char* award;
    const char* survivor;
    const char* principal;
    const char* disbursed_on;
};
constexpr GeneratedLoan kGeneratedLoans[] = {
    {"AW-GEN00001", "SV-GEN00001", "1000000.00", "2026-10-01"},
    {"AW-GEN00002", "SV-GEN00002", "1000000.00", "2026-10-01"},
    {"AW-GEN00003", "SV-GEN00003", "1000000.00", "2026-10-08"},
    {"AW-GEN00004", "SV-GEN00004", "1000000.00", "2026-10-15"},
    {"AW-GEN00005", "SV-GEN00005", "60000.00", "2026-09-20"},
    {"AW-GEN00006", "SV-GEN00006", "25000.00", "2026-09-20"},
};

/// generate_statement.py's arguments naming what generated_snapshot() holds.
std::string generated_ids() {
    std::string out;
    for (const auto& loan : kGeneratedLoans)
        out += std::string(" --loan ") + loan.award + ":" + loan.survivor + ":" + loan.principal +
               ":" + loan.disbursed_on;
    return out + " --several SV-GENMANY1 --inactive AW-GENGRNT1 --inactive AW-GENRPAID";
}

/// The ledger generate_statement.py is told of (generated_ids), and the references it wrote
/// to `ledger_file`.
MatchSnapshot generated_snapshot(const std::filesystem::path& ledger_file) {
    Ledger l;
    using K = L::AwardKind;
    int n = 0;
    for (const auto& loan : kGeneratedLoans) {
        l.award(loan.award, loan.survivor, K::loan, loan.principal);
        l.disburse(loan.award, loan.principal, loan.disbursed_on,
                   "GD" + std::to_string(++n) + "DISB");
    }
    l.award("AW-GENMANY1", "SV-GENMANY1", K::loan, "10000.00");
    l.award("AW-GENMANY2", "SV-GENMANY1", K::loan, "10000.00");
    l.award("AW-GENGRNT1", "SV-GENGRNT1", K::grant, "10000.00");
    l.award("AW-GENRPAID", "SV-GENRPAID", K::loan, "10000.00");
    l.disburse("AW-GENMANY1", "10000.00", "2026-09-10", "GD7DISB");
    l.disburse("AW-GENMANY2", "10000.00", "2026-09-10", "GD8DISB");
    l.disburse("AW-GENGRNT1", "10000.00", "2026-09-10", "GD9DISB");
    l.disburse("AW-GENRPAID", "10000.00", "2026-09-10", "GD10DISB");
    l.repay("AW-GENRPAID", "10000.00", "2026-09-20", "GD10REPA");
    const std::map<std::string, ReferenceKind, std::less<>> kinds{
        {"disbursement", ReferenceKind::disbursement},
        {"repayment", ReferenceKind::repayment},
        {"fee", ReferenceKind::fee},
        {"other", ReferenceKind::other}};
    std::istringstream in(slurp(ledger_file));
    for (std::string text; std::getline(in, text);) {
        std::istringstream fields(text);
        std::string receipt, kind, amount, fee, award, on;
        BOOST_TEST_REQUIRE(
            static_cast<bool>(fields >> receipt >> kind >> amount >> fee >> award >> on),
            "malformed: " << text);
        BOOST_TEST_REQUIRE(kinds.contains(kind), text);
        l.reference(LedgerReference{receipt, 0, kinds.at(kind), kes(amount), kes(fee),
                                    award == "-" ? "" : award, date(on)});
    }
    return l.snapshot();
}

/// Runs generate_statement.py with `arguments` into `scratch`: the statement's lines read
/// back, and the snapshot and outcomes it assumes.
struct Generated {
    std::vector<StatementLine> lines;
    MatchSnapshot snapshot;
    std::vector<Expected> expected;
};

Generated generate(const Scratch& scratch, const std::string& arguments) {
    const auto csv = scratch.dir / "statement.csv";
    const auto expected = scratch.dir / "statement.expected";
    const auto ledger = scratch.dir / "statement.ledger";
    const auto run =
        shell("python3 " + shell_quoted((kDir / "generate_statement.py").string()) + " --csv " +
              shell_quoted(csv.string()) + " --expected " + shell_quoted(expected.string()) +
              " --ledger " + shell_quoted(ledger.string()) + generated_ids() + arguments);
    BOOST_TEST_REQUIRE(run.status == 0, run.output);
    return {lines_of(read_statement_csv(slurp(csv), kKes)), generated_snapshot(ledger),
            read_expected(expected)};
}

/// The states and reasons among the outcomes, each with how many lines.
std::map<std::string, std::size_t> tally(const std::vector<Expected>& expected) {
    std::map<std::string, std::size_t> out;
    for (const auto& e : expected)
        ++out[e.state + " " + e.reason];
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_fixtures)

BOOST_AUTO_TEST_CASE(october_csv_matches_line_by_line_as_expected) {
    const auto lines = lines_of(read_statement_csv(slurp(kDir / "october.csv"), kKes));
    const auto expected = read_expected(kDir / "october.expected");
    BOOST_TEST_REQUIRE(lines.size() == 30u);
    BOOST_TEST(lines.front().line == 8);  // after six title and summary rows and the header
    BOOST_TEST(lines.back().line == 37);
    const auto ledger = october_ledger();
    const auto result = match_statement(lines, ledger.snapshot());
    check_outcomes(lines, result, expected);
    BOOST_TEST(result.total(MatchState::matched).lines == 7u);
    BOOST_TEST(result.total(MatchState::proposed).lines == 4u);
    BOOST_TEST(result.total(MatchState::proposed).paid_in == kes("17450.00"));
    BOOST_TEST(result.total(MatchState::charge).lines == 2u);
    BOOST_TEST(result.total(MatchState::charge).withdrawn == kes("66.00"));
    BOOST_TEST(result.total(MatchState::ignored).lines == 3u);
    BOOST_TEST(result.total(MatchState::unmatched).lines == 14u);
}

BOOST_AUTO_TEST_CASE(october_proposals_are_the_cores) {
    const auto lines = lines_of(read_statement_csv(slurp(kDir / "october.csv"), kKes));
    const auto result = match_statement(lines, october_ledger().snapshot());
    std::map<std::string, const riziki::reports::LineOutcome*> by_receipt;
    for (const auto& outcome : result.lines)
        if (outcome.proposal)
            by_receipt.emplace(outcome.receipt, &outcome);
    BOOST_TEST_REQUIRE(by_receipt.size() == 4u);
    // 12,000.00 on a loan with 9,500.00 outstanding: the excess is an overpayment.
    const auto& over = *by_receipt.at("SK27PAY012");
    BOOST_TEST(over.award == "AW-Z5R1H9T3");
    BOOST_TEST(over.proposal->allocation.principal == kes("9500.00"));
    BOOST_TEST(over.proposal->allocation.overpayment == kes("2500.00"));
    // The award id typed in lower case with spaces; the survivor code so.
    BOOST_TEST(by_receipt.at("SK14PAY004")->proposal->repayment.award == "AW-K7Q2M4X1");
    BOOST_TEST(by_receipt.at("SK14PAY004")->proposal->repayment.amount == kes("2500.00"));
    BOOST_TEST(by_receipt.at("SK15PAY005")->proposal->repayment.award == "AW-P3L8V6N2");
    BOOST_TEST(by_receipt.at("SK22PAY010")->proposal->repayment.reference == "SK22PAY010");
    BOOST_TEST(L::format_date(by_receipt.at("SK22PAY010")->proposal->repayment.paid_on) ==
               "2026-10-22");
}

BOOST_AUTO_TEST_CASE(october_exercises_every_quirk_and_outcome) {
    const auto text = slurp(kDir / "october.csv");
    const auto lines = lines_of(read_statement_csv(text, kKes));
    check_balances(lines);
    // Newest first.
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
        BOOST_TEST((lines[i].completed >= lines[i + 1].completed), "line " << lines[i].line);
    // Thousands separators quoted, a negative Withdrawn, a Failed line, charges linked, and
    // each of the three time formats.
    BOOST_TEST(count(text, ",\"10,000.00\",") >= 1u);
    BOOST_TEST(count(text, ",\"-10,000.00\",") >= 1u);
    BOOST_TEST(count(text, ",-33.00,") >= 1u);
    BOOST_TEST(count(text, ",Failed,") >= 2u);
    BOOST_TEST(count(text, ",SK02DSB001,") == 1u);
    BOOST_TEST(count(text, "-10-2026 02:22 PM,") == 2u);
    BOOST_TEST(count(text, "/10/2026 09:30,") == 4u);
    BOOST_TEST(count(text, ",2026-10-13 10:11:36,") == 1u);
    // Every state, and every reason the rules give that a statement alone can show.
    const auto seen = tally(read_expected(kDir / "october.expected"));
    for (const char* outcome :
         {"matched -", "proposed -", "charge -", "ignored failed", "ignored not_completed",
          "unmatched duplicate_receipt", "unmatched amount_differs",
          "unmatched date_outside_window", "unmatched charge_differs",
          "unmatched charge_without_fee", "unmatched linked_receipt_unknown",
          "unmatched not_in_ledger", "unmatched account_unknown", "unmatched no_active_loan",
          "unmatched several_active_loans", "unmatched dated_before_award"})
        BOOST_TEST(seen.contains(outcome), outcome);
}

BOOST_AUTO_TEST_CASE(october_xlsx_reads_as_the_csv) {
    const auto csv = lines_of(read_statement_csv(slurp(kDir / "october.csv"), kKes));
    const auto bytes = slurp(kDir / "october.xlsx");
    const auto xlsx = lines_of(read_statement_xlsx(bytes, kKes));
    BOOST_TEST_REQUIRE(xlsx.size() == csv.size());
    for (std::size_t i = 0; i < csv.size(); ++i)
        BOOST_TEST((xlsx[i] == csv[i]), "line " << csv[i].line << " " << csv[i].receipt);
    // What the workbook holds: amounts as numbers (#,##0.00), times as serial date numbers
    // in half the lines and text in the others, text as shared strings.
    const auto xml = sheet_xml(bytes);
    BOOST_TEST(count(xml, "s=\"1\"><v>46") == 30u);  // completion and initiation, 15 lines
    BOOST_TEST(count(xml, "s=\"2\"><v>") == 60u);    // 30 balances, 30 amounts
    BOOST_TEST(count(xml, " t=\"s\"><v>") > 200u);
    BOOST_TEST(count(xml, "<f>") == 0u);
    // And the same outcomes.
    const auto result = match_statement(xlsx, october_ledger().snapshot());
    check_outcomes(xlsx, result, read_expected(kDir / "october.expected"));
}

BOOST_AUTO_TEST_CASE(make_xlsx_writes_a_workbook_that_reads_as_its_csv) {
    // The committed workbook is make_xlsx.py's; run it again so the script is tested too.
    const Scratch scratch("mpesa-make-xlsx");
    const auto out = scratch.dir / "october.xlsx";
    const auto run =
        shell("python3 " + shell_quoted((kDir / "make_xlsx.py").string()) + " " +
              shell_quoted((kDir / "october.csv").string()) + " " + shell_quoted(out.string()));
    BOOST_TEST_REQUIRE(run.status == 0, run.output);
    const auto csv = lines_of(read_statement_csv(slurp(kDir / "october.csv"), kKes));
    const auto fresh = lines_of(read_statement_xlsx(slurp(out), kKes));
    BOOST_TEST((fresh == csv));
    BOOST_TEST(sheet_xml(slurp(out)) == sheet_xml(slurp(kDir / "october.xlsx")));
}

BOOST_AUTO_TEST_CASE(a_generated_statement_matches_as_its_generator_expects) {
    const Scratch scratch("mpesa-generated");
    const auto g = generate(scratch, " --lines 2000 --seed 20");
    BOOST_TEST_REQUIRE(g.lines.size() == 2000u);
    BOOST_TEST(g.lines.front().line == 7);
    check_balances(g.lines);
    const auto result = match_statement(g.lines, g.snapshot);
    check_outcomes(g.lines, result, g.expected);
    // Mixed: every state, and the reasons, each more than once.
    const auto seen = tally(g.expected);
    for (const char* outcome :
         {"matched -", "proposed -", "charge -", "ignored failed", "ignored not_completed",
          "unmatched duplicate_receipt", "unmatched amount_differs",
          "unmatched date_outside_window", "unmatched charge_differs",
          "unmatched charge_without_fee", "unmatched linked_receipt_unknown",
          "unmatched not_in_ledger", "unmatched account_unknown", "unmatched no_active_loan",
          "unmatched several_active_loans", "unmatched dated_before_award"}) {
        BOOST_TEST_CONTEXT(outcome) {
            BOOST_TEST(seen.contains(outcome));
            BOOST_TEST((seen.contains(outcome) ? seen.at(outcome) : 0u) >= 2u);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_generator_is_repeatable_by_seed) {
    const Scratch first("mpesa-seed-a");
    const Scratch second("mpesa-seed-b");
    const auto a = generate(first, " --lines 300 --seed 5");
    const auto b = generate(second, " --lines 300 --seed 5");
    BOOST_TEST((a.lines == b.lines));
    const auto c = generate(first, " --lines 300 --seed 6");
    BOOST_TEST((a.lines != c.lines));
}

BOOST_AUTO_TEST_CASE(the_default_generated_statement_of_10000_lines_reads_and_matches) {
    const Scratch scratch("mpesa-generated-10k");
    const auto g = generate(scratch, "");
    BOOST_TEST_REQUIRE(g.lines.size() == 10'000u);
    BOOST_TEST(g.lines.back().line == 10'006);
    check_balances(g.lines);
    check_outcomes(g.lines, match_statement(g.lines, g.snapshot), g.expected);
    const auto seen = tally(g.expected);
    for (const char* outcome : {"matched -", "proposed -", "charge -", "ignored failed",
                                "unmatched duplicate_receipt", "unmatched no_active_loan"})
        BOOST_TEST(seen.contains(outcome), outcome);
}

BOOST_AUTO_TEST_SUITE_END()
