// Reconciling a kept M-Pesa statement with the ledger (issue 20 item 4): statements and the
// ledger's side of their days built by hand, one for each verdict, with every reason a
// difference can have; the numbers of reconcile(), the CSV exactly, and the XLSX read back
// from its zip. And the statement's own balances: newest-first file order, lines of the
// same second, failed lines, no balances at all.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "reports/mpesa_reconcile.hpp"
#include "tests/support/xlsx_cells.hpp"

namespace L = riziki::ledger;
using L::Amount;
using riziki::reports::CashEntry;
using riziki::reports::Difference;
using riziki::reports::LedgerCash;
using riziki::reports::MatchState;
using riziki::reports::reconcile;
using riziki::reports::statement_balances;
using riziki::reports::StoredLine;
using riziki::reports::StoredStatement;
using riziki::reports::Verdict;

namespace {

L::Date october(unsigned d) {
    return L::Date{std::chrono::year(2026), std::chrono::month(10), std::chrono::day(d)};
}

/// A completed line as the import kept it; `status` and `state` as given.
StoredLine line(int number, const std::string& receipt, unsigned on, int seconds, Amount paid_in,
                Amount withdrawn, std::optional<Amount> balance,
                MatchState state = MatchState::unmatched, const std::string& reason = "",
                std::optional<std::int64_t> entry = std::nullopt, const std::string& award = "",
                const std::string& status = "Completed") {
    StoredLine l;
    l.line = number;
    l.receipt = receipt;
    l.completed = {october(on), seconds};
    l.status = status;
    l.paid_in = paid_in;
    l.withdrawn = withdrawn;
    l.balance = balance;
    l.state = state;
    l.reason = reason;
    l.entry = entry;
    l.award = award;
    return l;
}

CashEntry entry(std::int64_t seq, unsigned on, L::Event event, Amount amount,
                const std::string& reference, const std::string& award, bool reversed = false) {
    return {seq, october(on), event, amount, reference, award, reversed};
}

/// Statement 7 of fund F-KES over `lines` (in file order, newest first), its first and last
/// times and its balances as the import finds them.
StoredStatement statement(std::vector<StoredLine> lines) {
    StoredStatement s;
    s.id = 7;
    s.fund = "F-KES";
    s.account = "1020";
    s.currency = "KES";
    s.file_sha256 = std::string(64, 'a');
    s.file_format = "csv";
    for (const auto& l : lines) {
        if (!s.first_at || l.completed < *s.first_at)
            s.first_at = l.completed;
        if (!s.last_at || *s.last_at < l.completed)
            s.last_at = l.completed;
    }
    if (const auto balances = statement_balances(lines)) {
        s.opening = balances->opening;
        s.closing = balances->closing;
    }
    s.lines = std::move(lines);
    return s;
}

constexpr int kHour = 3600;

/// A disbursement of 2,000.00 with its 15.00 charge in the same second (the charge above it,
/// as the portal lists the newest first), then a repayment of 500.00 posted by the import;
/// from 10,000.00.
std::vector<StoredLine> reconciled_lines() {
    return {line(1, "SK30REPAY1", 30, 9 * kHour, 50'000, 0, 848'500, MatchState::proposed, "", 102,
                 "AW-4"),
            line(2, "SK29CHARGE", 29, 10 * kHour, 0, 1'500, 798'500, MatchState::charge, "", 101,
                 "AW-2"),
            line(3, "SK29DISBUR", 29, 10 * kHour, 0, 200'000, 800'000, MatchState::matched, "", 101,
                 "AW-2")};
}

LedgerCash reconciled_ledger() {
    LedgerCash cash;
    cash.opening = 1'000'000;
    cash.closing = 848'500;
    cash.entries = {entry(101, 29, L::Event::disbursement, -201'500, "SK29DISBUR", "AW-2"),
                    entry(102, 30, L::Event::repayment, 50'000, "SK30REPAY1", "AW-4")};
    return cash;
}

/// One line of each kind of difference, from 10,020.00 (the statement's opening balance is
/// 20.00 above the ledger's: a difference brought forward from before its days):
/// a payment the import could not place, one matched to an entry before the statement's
/// days, a disbursement whose charge line is missing, a failed line (not counted), and a
/// repayment in the ledger.
std::vector<StoredLine> differing_lines(bool balances) {
    const auto b = [&](Amount amount) { return balances ? std::optional(amount) : std::nullopt; };
    return {line(1, "SK31PAYIN1", 31, 12 * kHour, 30'000, 0, b(997'000), MatchState::unmatched,
                 "account_unknown"),
            line(2, "SK31OLDREP", 31, 11 * kHour, 25'000, 0, b(967'000), MatchState::matched, "",
                 90, "AW-OLD"),
            line(3, "SK30DISBUR", 30, 10 * kHour, 0, 100'000, b(942'000), MatchState::matched, "",
                 201, "AW-3"),
            line(4, "SK29FAILED", 29, 9 * kHour, 99'900, 0, b(1'141'900), MatchState::ignored,
                 "failed", std::nullopt, "", "Failed"),
            line(5, "SK29REPAY1", 29, 8 * kHour, 40'000, 0, b(1'042'000), MatchState::proposed, "",
                 202, "AW-4")};
}

/// The ledger's side: the disbursement with its fee, the repayment, a manual entry no line
/// names, and a repayment reversed within the days, with its reversal.
LedgerCash differing_ledger() {
    LedgerCash cash;
    cash.opening = 1'000'000;
    cash.closing = 943'500;
    cash.entries = {entry(201, 30, L::Event::disbursement, -101'500, "SK30DISBUR", "AW-3"),
                    entry(202, 29, L::Event::repayment, 40'000, "SK29REPAY1", "AW-4"),
                    entry(203, 30, L::Event::manual, 5'000, "", ""),
                    entry(204, 29, L::Event::repayment, 7'000, "SK29WRONG1", "AW-5", true),
                    entry(205, 30, L::Event::reversal, -7'000, "SK29WRONG1", "AW-5")};
    return cash;
}

struct Expected {
    int line;
    std::string receipt;
    std::optional<std::int64_t> entry;
    unsigned on;
    Amount amount;
    std::string reason;
    std::string award;
};

void check_differences(const std::vector<Difference>& got, const std::vector<Expected>& want) {
    BOOST_TEST_REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        BOOST_TEST_CONTEXT("difference " << i) {
            BOOST_TEST(got[i].line == want[i].line);
            BOOST_TEST(got[i].receipt == want[i].receipt);
            BOOST_TEST((got[i].entry == want[i].entry));
            BOOST_TEST((got[i].day == october(want[i].on)));
            BOOST_TEST((got[i].amount == want[i].amount));
            BOOST_TEST(got[i].reason == want[i].reason);
            BOOST_TEST(got[i].award == want[i].award);
        }
    }
}

// ---- Reading the workbook back: the zip with libzip, the parts with regular expressions ----

using riziki::testing::XlsxCell;

/// The workbook in `bytes`: sheets by name, each a map from cell reference to cell.
struct Book : riziki::testing::XlsxBook {
    explicit Book(const std::string& bytes) : XlsxBook(bytes) {}

    const std::map<std::string, XlsxCell>& sheet(const std::string& name) const {
        const auto it = sheets.find(name);
        BOOST_TEST_REQUIRE((it != sheets.end()), "no sheet " << name);
        return it->second;
    }
    std::string text(const std::string& name, const std::string& reference) const {
        const auto& cells = sheet(name);
        const auto it = cells.find(reference);
        BOOST_TEST_REQUIRE((it != cells.end()), "no cell " << reference << " in " << name);
        BOOST_TEST_REQUIRE(!it->second.numeric, reference << " in " << name << " is a number");
        return it->second.value;
    }
    double number(const std::string& name, const std::string& reference) const {
        const auto& cells = sheet(name);
        const auto it = cells.find(reference);
        BOOST_TEST_REQUIRE((it != cells.end()), "no cell " << reference << " in " << name);
        BOOST_TEST_REQUIRE(it->second.numeric, reference << " in " << name << " is text");
        return parsed(it->second.value);
    }
    bool has(const std::string& name, const std::string& reference) const {
        return sheet(name).contains(reference);
    }

    /// The double nearest to a decimal ("-1015.00"), as the writer and a spreadsheet read it.
    static double parsed(const std::string& decimal) {
        double value = 0;
        const auto [end, error] =
            std::from_chars(decimal.data(), decimal.data() + decimal.size(), value);
        BOOST_TEST_REQUIRE((error == std::errc() && end == decimal.data() + decimal.size()));
        return value;
    }
};

/// The spreadsheet's serial number of a day (days since 1899-12-30).
double serial(unsigned on) {
    const std::chrono::sys_days epoch = std::chrono::year(1899) / 12 / 30;
    return static_cast<double>((std::chrono::sys_days(october(on)) - epoch).count());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_reconcile)

BOOST_AUTO_TEST_CASE(statement_balances_follow_time_then_file_order_and_skip_failed_lines) {
    // File order is newest first. Lines 2 and 3 share a second: line 3, lower in the file,
    // came first. The oldest line by time is line 4, Failed, and has a balance: skipped. The
    // newest by time is line 1, which has no balance: the closing is line 2's.
    const std::vector<StoredLine> lines{
        line(1, "SK31NOBAL1", 31, 9 * kHour, 10'000, 0, std::nullopt),
        line(2, "SK30SECOND", 30, 8 * kHour, 0, 1'500, 798'500),
        line(3, "SK30FIRST1", 30, 8 * kHour, 0, 200'000, 800'000),
        line(4, "SK29FAILED", 29, 7 * kHour, 50'000, 0, 1'050'000, MatchState::ignored, "failed",
             std::nullopt, "", "Failed")};
    const auto balances = statement_balances(lines);
    BOOST_TEST_REQUIRE(balances.has_value());
    BOOST_TEST((balances->opening == 1'000'000));  // before line 3: 800,000.00 + 2,000.00
    BOOST_TEST((balances->closing == 798'500));

    // Within a second only the file order tells which came first: numbered the other way
    // round, the 15.00 line is the older, and the 2,000.00 line the newest with a balance.
    std::vector<StoredLine> swapped = lines;
    swapped[1].line = 3;
    swapped[2].line = 2;
    const auto other = statement_balances(swapped);
    BOOST_TEST_REQUIRE(other.has_value());
    BOOST_TEST((other->opening == 800'000));  // 798,500.00 + 15.00
    BOOST_TEST((other->closing == 800'000));

    // A status in any case counts; only completed lines with a balance are read.
    std::vector<StoredLine> shouting = lines;
    shouting[1].status = "COMPLETED";
    BOOST_TEST((statement_balances(shouting)->closing == 798'500));

    const std::vector<StoredLine> none{
        line(1, "SK31NOBAL1", 31, 0, 10'000, 0, std::nullopt),
        line(2, "SK30FAILED", 30, 0, 5'000, 0, 905'000, MatchState::ignored, "failed", std::nullopt,
             "", "Failed")};
    BOOST_TEST(!statement_balances(none).has_value());
    BOOST_TEST(!statement_balances({}).has_value());
}

BOOST_AUTO_TEST_CASE(every_line_in_the_ledger_and_equal_balances_is_reconciled) {
    const auto s = statement(reconciled_lines());
    const auto r = reconcile(s, reconciled_ledger());
    BOOST_TEST((r.from == october(29)));
    BOOST_TEST((r.to == october(30)));
    BOOST_TEST((r.statement_opening == Amount(1'000'000)));
    BOOST_TEST((r.statement_closing == Amount(848'500)));
    BOOST_TEST((r.statement_movement == -151'500));
    BOOST_TEST((r.ledger_movement == -151'500));
    BOOST_TEST(r.on_statement.empty());
    BOOST_TEST(r.in_ledger.empty());
    BOOST_TEST((r.verdict == Verdict::reconciled));
    BOOST_TEST((r.unexplained == 0));
    BOOST_TEST(r.summary ==
               "Reconciled: the statement's closing balance, KES 8485.00, equals the ledger's, "
               "and every line is in the ledger.");
}

BOOST_AUTO_TEST_CASE(each_difference_has_its_reason_and_an_opening_difference_is_brought_forward) {
    const auto s = statement(differing_lines(true));
    BOOST_TEST((s.opening == Amount(1'002'000)));
    BOOST_TEST((s.closing == Amount(997'000)));
    const auto r = reconcile(s, differing_ledger());
    BOOST_TEST((r.statement_movement == -5'000));  // the failed line does not count
    BOOST_TEST((r.ledger_movement == -56'500));
    check_differences(r.on_statement,
                      {{1, "SK31PAYIN1", std::nullopt, 31, 30'000, "account_unknown", ""},
                       {2, "SK31OLDREP", 90, 31, 25'000, "entry_outside_statement", "AW-OLD"},
                       // The line paid out 1,000.00; the entry took 1,015.00 from the account.
                       {3, "SK30DISBUR", 201, 30, 1'500, "differs_from_entry", "AW-3"}});
    check_differences(r.in_ledger, {{0, "", 203, 30, 5'000, "not_on_statement", ""},
                                    {0, "SK29WRONG1", 204, 29, 7'000, "reversed", "AW-5"},
                                    {0, "SK29WRONG1", 205, 30, -7'000, "reversal", "AW-5"}});
    BOOST_TEST((r.on_statement_total == 56'500));
    BOOST_TEST((r.in_ledger_total == 5'000));
    // The movements differ by exactly the lists.
    BOOST_TEST(
        (r.statement_movement - r.ledger_movement == r.on_statement_total - r.in_ledger_total));
    BOOST_TEST((r.verdict == Verdict::explained));
    BOOST_TEST((r.unexplained == 0));
    BOOST_TEST(r.summary ==
               "Explained: the closing balances differ by KES 535.00; 3 on the statement not in "
               "the ledger (KES 565.00) and 3 in the ledger not on the statement (KES 50.00), "
               "with KES 20.00 brought forward from the opening balances, account for all of "
               "it.");

    // With no difference listed, an opening difference carried to the closing is explained.
    LedgerCash cash = reconciled_ledger();
    cash.opening = 1'010'000;
    cash.closing = 858'500;
    const auto carried = reconcile(statement(reconciled_lines()), cash);
    BOOST_TEST((carried.verdict == Verdict::explained));
    BOOST_TEST((carried.unexplained == 0));
    BOOST_TEST(carried.summary ==
               "Explained: the closing balances differ by KES -100.00; 0 on the statement not in "
               "the ledger (KES 0.00) and 0 in the ledger not on the statement (KES 0.00), with "
               "KES -100.00 brought forward from the opening balances, account for all of it.");
}

BOOST_AUTO_TEST_CASE(balances_that_do_not_add_up_to_the_lines_are_unexplained) {
    // A paid-in line of 100.00 between the charge and the repayment is missing from the
    // file: the repayment's balance counts it, the lines do not.
    auto lines = reconciled_lines();
    lines[0].balance = 858'500;
    const auto s = statement(lines);
    const auto r = reconcile(s, reconciled_ledger());
    BOOST_TEST(r.on_statement.empty());
    BOOST_TEST(r.in_ledger.empty());
    BOOST_TEST((r.verdict == Verdict::unexplained));
    BOOST_TEST((r.unexplained == 10'000));
    BOOST_TEST(r.summary ==
               "Not reconciled: KES 100.00 of the difference between the closing balances is not "
               "explained by the differences listed; the statement's balances do not add up to "
               "its lines (lines missing from the file, or money that is not this fund's).");
}

BOOST_AUTO_TEST_CASE(a_statement_without_balances_lists_only_the_differences) {
    const auto s = statement(differing_lines(false));
    BOOST_TEST(!s.opening.has_value());
    const auto r = reconcile(s, differing_ledger());
    BOOST_TEST((r.verdict == Verdict::no_balances));
    BOOST_TEST((r.unexplained == 0));
    BOOST_TEST(r.on_statement.size() == 3U);
    BOOST_TEST(r.in_ledger.size() == 3U);
    BOOST_TEST(r.summary ==
               "The statement prints no balances: 3 on the statement not in the ledger "
               "(KES 565.00) and 3 in the ledger not on the statement (KES 50.00).");
}

BOOST_AUTO_TEST_CASE(the_csv_has_the_heading_block_then_a_row_per_difference) {
    const auto s = statement(differing_lines(true));
    const auto r = reconcile(s, differing_ledger());
    const std::string sha = std::string(64, 'a');
    BOOST_TEST(riziki::reports::reconciliation_csv(s, r) ==
               "M-Pesa reconciliation,statement 7\r\n"
               "fund,F-KES\r\n"
               "account,1020\r\n"
               "currency,KES\r\n"
               "from,2026-10-29\r\n"
               "to,2026-10-31\r\n"
               "file sha256," +
                   sha +
                   "\r\n"
                   ",statement,ledger\r\n"
                   "opening balance,10020.00,10000.00\r\n"
                   "movement,-50.00,-565.00\r\n"
                   "closing balance,9970.00,9435.00\r\n"
                   "verdict,explained\r\n"
                   "unexplained,0.00\r\n"
                   "summary,\"Explained: the closing balances differ by KES 535.00; 3 on the "
                   "statement not in the ledger (KES 565.00) and 3 in the ledger not on the "
                   "statement (KES 50.00), with KES 20.00 brought forward from the opening "
                   "balances, account for all of it.\"\r\n"
                   "\r\n"
                   "side,line,receipt,entry,day,amount,reason,award\r\n"
                   "on_statement,1,SK31PAYIN1,,2026-10-31,300.00,account_unknown,\r\n"
                   "on_statement,2,SK31OLDREP,90,2026-10-31,250.00,entry_outside_statement,"
                   "AW-OLD\r\n"
                   "on_statement,3,SK30DISBUR,201,2026-10-30,15.00,differs_from_entry,AW-3\r\n"
                   "in_ledger,,,203,2026-10-30,50.00,not_on_statement,\r\n"
                   "in_ledger,,SK29WRONG1,204,2026-10-29,70.00,reversed,AW-5\r\n"
                   "in_ledger,,SK29WRONG1,205,2026-10-30,-70.00,reversal,AW-5\r\n");
}

BOOST_AUTO_TEST_CASE(the_xlsx_has_the_summary_and_both_lists_as_typed_cells) {
    const auto s = statement(differing_lines(true));
    const auto r = reconcile(s, differing_ledger());
    const Book book(riziki::reports::reconciliation_xlsx(s, r));
    BOOST_TEST(
        book.sheet_names == (std::vector<std::string>{"Summary", "On statement, not in ledger",
                                                      "In ledger, not on statement"}),
        boost::test_tools::per_element());
    BOOST_TEST(book.styles.find(R"(formatCode="#,##0.00 &quot;KES&quot;")") != std::string::npos);
    BOOST_TEST(book.styles.find(R"(formatCode="yyyy-mm-dd")") != std::string::npos);

    const std::string summary = "Summary";
    BOOST_TEST(book.text(summary, "A1") ==
               "M-Pesa reconciliation · statement 7 · F-KES · 2026-10-29 to 2026-10-31");
    BOOST_TEST(book.text(summary, "B3") == "Statement");
    BOOST_TEST(book.text(summary, "C3") == "Ledger");
    BOOST_TEST(book.number(summary, "B4") == 7.0);
    BOOST_TEST(book.text(summary, "B5") == "F-KES");
    BOOST_TEST(book.text(summary, "B6") == "1020");
    BOOST_TEST(book.text(summary, "B7") == "KES");
    BOOST_TEST(book.number(summary, "B8") == serial(29));
    BOOST_TEST(book.number(summary, "B9") == serial(31));
    BOOST_TEST(book.text(summary, "A10") == "File SHA-256");
    BOOST_TEST(book.text(summary, "B10") == std::string(64, 'a'));
    BOOST_TEST(book.text(summary, "A12") == "Opening balance");
    BOOST_TEST(book.number(summary, "B12") == Book::parsed("10020.00"));
    BOOST_TEST(book.number(summary, "C12") == Book::parsed("10000.00"));
    BOOST_TEST(book.number(summary, "B13") == Book::parsed("-50.00"));
    BOOST_TEST(book.number(summary, "C13") == Book::parsed("-565.00"));
    BOOST_TEST(book.text(summary, "A14") == "Closing balance");
    BOOST_TEST(book.number(summary, "B14") == Book::parsed("9970.00"));
    BOOST_TEST(book.number(summary, "C14") == Book::parsed("9435.00"));
    BOOST_TEST(book.number(summary, "B16") == Book::parsed("565.00"));
    BOOST_TEST(book.number(summary, "B17") == Book::parsed("50.00"));
    BOOST_TEST(book.text(summary, "A18") == "Verdict");
    BOOST_TEST(book.text(summary, "B18") == "explained");
    BOOST_TEST(book.number(summary, "B19") == 0.0);
    BOOST_TEST(book.text(summary, "B20") == r.summary);

    const std::string on = "On statement, not in ledger";
    BOOST_TEST(book.text(on, "A3") == "Line");
    BOOST_TEST(book.text(on, "G3") == "Award");
    BOOST_TEST(book.number(on, "A4") == 1.0);
    BOOST_TEST(book.text(on, "B4") == "SK31PAYIN1");
    BOOST_TEST(!book.has(on, "C4"));  // no entry
    BOOST_TEST(book.number(on, "D4") == serial(31));
    BOOST_TEST(book.number(on, "E4") == Book::parsed("300.00"));
    BOOST_TEST(book.text(on, "F4") == "account_unknown");
    BOOST_TEST(!book.has(on, "G4"));  // no award
    BOOST_TEST(book.number(on, "C5") == 90.0);
    BOOST_TEST(book.text(on, "F5") == "entry_outside_statement");
    BOOST_TEST(book.text(on, "G5") == "AW-OLD");
    BOOST_TEST(book.number(on, "A6") == 3.0);
    BOOST_TEST(book.number(on, "C6") == 201.0);
    BOOST_TEST(book.number(on, "D6") == serial(30));
    BOOST_TEST(book.number(on, "E6") == Book::parsed("15.00"));
    BOOST_TEST(book.text(on, "F6") == "differs_from_entry");
    BOOST_TEST(book.text(on, "A7") == "Total");
    BOOST_TEST(book.number(on, "E7") == Book::parsed("565.00"));
    BOOST_TEST(!book.has(on, "A8"));

    const std::string in = "In ledger, not on statement";
    BOOST_TEST(!book.has(in, "A4"));  // an entry has no line
    BOOST_TEST(!book.has(in, "B4"));  // nor, here, a reference
    BOOST_TEST(book.number(in, "C4") == 203.0);
    BOOST_TEST(book.text(in, "F4") == "not_on_statement");
    BOOST_TEST(book.text(in, "B5") == "SK29WRONG1");
    BOOST_TEST(book.number(in, "D5") == serial(29));
    BOOST_TEST(book.number(in, "E5") == Book::parsed("70.00"));
    BOOST_TEST(book.text(in, "F5") == "reversed");
    BOOST_TEST(book.number(in, "E6") == Book::parsed("-70.00"));
    BOOST_TEST(book.text(in, "F6") == "reversal");
    BOOST_TEST(book.text(in, "G6") == "AW-5");
    BOOST_TEST(book.number(in, "E7") == Book::parsed("50.00"));
}

BOOST_AUTO_TEST_CASE(the_xlsx_of_a_statement_without_balances_says_they_are_not_printed) {
    const auto s = statement(differing_lines(false));
    const auto r = reconcile(s, differing_ledger());
    const Book book(riziki::reports::reconciliation_xlsx(s, r));
    BOOST_TEST(book.text("Summary", "B12") == "not printed");
    BOOST_TEST(book.number("Summary", "C12") == Book::parsed("10000.00"));
    BOOST_TEST(book.text("Summary", "B14") == "not printed");
    BOOST_TEST(book.text("Summary", "B18") == "no_balances");
    // Text goes through display::plain_text, as in the donor workbook: a control character
    // shows as U+FFFD, and markup characters stay what they are.
    auto odd = s;
    odd.fund = "F-KES\x01<&>";
    const Book cleaned(riziki::reports::reconciliation_xlsx(odd, r));
    BOOST_TEST(cleaned.text("Summary", "B5") == "F-KES\xEF\xBF\xBD<&>");
    // An empty list still has its header and a total of zero.
    const auto reconciled = statement(reconciled_lines());
    const Book empty(riziki::reports::reconciliation_xlsx(
        reconciled, reconcile(reconciled, reconciled_ledger())));
    BOOST_TEST(empty.text("In ledger, not on statement", "A4") == "Total");
    BOOST_TEST(empty.number("In ledger, not on statement", "E4") == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
