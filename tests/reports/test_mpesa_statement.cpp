// The M-Pesa statement reader (issue 20 item 1): a statement as the portal writes it, each
// quirk once, with exact amounts; and each malformed case refused at its line and column.
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>

#include "reports/mpesa_statement.hpp"

using riziki::ledger::Amount;
using riziki::reports::read_statement_csv;
using riziki::reports::StatementError;
using riziki::reports::StatementLine;

namespace {

const auto kKes = *riziki::ledger::find_currency("KES");

// Synthetic: made-up people, receipts and accounts. Title and summary rows first, newest
// line first, CRLF, a quoted amount with a thousands separator, a negative Withdrawn, a
// charge linked to its payment, a Failed line, and the three time formats.
const std::string kStatement =
    "\xEF\xBB\xBF"
    "Organisation Statement,,,,,,,,,,,,\r\n"
    "Organisation Name:,Example Livelihoods Trust,,,,,,,,,,,\r\n"
    "Time Period:,01-10-2026 to 31-10-2026,,,,,,,,,,,\r\n"
    ",,,,,,,,,,,,\r\n"
    "Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,"
    "Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.\r\n"
    "SJ31QWE7RT,2026-10-31 16:05:12,2026-10-31 16:05:10,Pay Bill from 2547******12 - Amani X,"
    "Completed,\"1,500.00\",,\"98,450.50\",true,Pay Bill,2547******12 - Amani X,,AW-7K2M9Q\r\n"
    "SJ30ABC123,30/10/2026 09:14,30/10/2026 09:14,B2C Payment Charge,Completed,,-15.00,"
    "96950.50,true,Business Payment Charge,,SJ30ABC122,\r\n"
    "SJ30ABC122,30/10/2026 09:14,30/10/2026 09:14,Business Payment to 2547******34,Completed,,"
    "\"-12,000.00\",96965.50,true,Business Payment,2547******34 - Neema Y,,\r\n"
    "SJ29FAIL01,29-10-2026 02:22 PM,29-10-2026 02:22 PM,Pay Bill from 2547******56,Failed,"
    "250.00,,,false,Pay Bill,2547******56 - Baraka Z,,SV-3HT8Q2ZA\r\n";

template <typename T>
const T& as(const std::variant<std::vector<StatementLine>, StatementError>& read) {
    BOOST_TEST_REQUIRE(std::holds_alternative<T>(read));
    return std::get<T>(read);
}

StatementError refused(const std::string& text) {
    return as<StatementError>(read_statement_csv(text, kKes));
}

/// A line with every text column the reader keeps; each test sets the one it is about.
struct TextRow {
    std::string receipt = "SJ30ABC123", details = "x", status = "Completed",
                reason_type = "Business Payment Charge", linked = "SJ30ABC122",
                account = "AW-7K2M9Q";
    std::string text() const {
        return "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,"
               "Reason Type,Linked Transaction ID,A/C No.\n" +
               receipt + ",2026-10-30 09:14:00," + details + "," + status + ",,15.00," +
               reason_type + "," + linked + "," + account + "\n";
    }
};

template <typename Set>
TextRow with(Set set) {
    TextRow row;
    set(row);
    return row;
}

const std::string kHeader =
    "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,A/C No.\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_statement)

BOOST_AUTO_TEST_CASE(a_portal_statement_reads_line_by_line_with_exact_amounts) {
    const auto read = read_statement_csv(kStatement, kKes);
    const auto& lines = as<std::vector<StatementLine>>(read);
    BOOST_TEST_REQUIRE(lines.size() == 4u);
    const auto& repayment = lines[0];
    BOOST_TEST(repayment.line == 6);
    BOOST_TEST(repayment.receipt == "SJ31QWE7RT");
    BOOST_TEST(riziki::ledger::format_date(repayment.completed.day) == "2026-10-31");
    BOOST_TEST(repayment.completed.seconds == 16 * 3600 + 5 * 60 + 12);
    BOOST_TEST(repayment.paid_in == Amount(150000));
    BOOST_TEST(repayment.withdrawn == Amount(0));
    BOOST_TEST(repayment.balance.value() == Amount(9845050));
    BOOST_TEST(repayment.status == "Completed");
    BOOST_TEST(repayment.account_number == "AW-7K2M9Q");
    const auto& charge = lines[1];
    BOOST_TEST(charge.withdrawn == Amount(1500));  // "-15.00": a magnitude
    BOOST_TEST(charge.linked_transaction == "SJ30ABC122");
    BOOST_TEST(charge.completed.seconds == 9 * 3600 + 14 * 60);
    BOOST_TEST(riziki::ledger::format_date(charge.completed.day) == "2026-10-30");
    BOOST_TEST(lines[2].withdrawn == Amount(1200000));
    BOOST_TEST(lines[2].reason_type == "Business Payment");
    const auto& failed = lines[3];
    BOOST_TEST(failed.status == "Failed");
    BOOST_TEST(failed.completed.seconds == 14 * 3600 + 22 * 60);  // 02:22 PM
    BOOST_TEST(failed.paid_in == Amount(25000));
    BOOST_TEST(!failed.balance.has_value());
    BOOST_TEST(failed.line == 9);
}

BOOST_AUTO_TEST_CASE(other_party_info_is_never_kept) {
    // The struct has no field for it; nor may a name or masked phone reach any field kept.
    const auto read = read_statement_csv(kStatement, kKes);
    const auto& lines = as<std::vector<StatementLine>>(read);
    for (const auto& line : lines) {
        for (const std::string* kept : {&line.receipt, &line.status, &line.reason_type,
                                        &line.linked_transaction, &line.account_number}) {
            BOOST_TEST(kept->find("Amani") == std::string::npos);
            BOOST_TEST(kept->find("Neema") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(times_in_each_export_format) {
    using riziki::reports::parse_statement_time;
    BOOST_TEST(parse_statement_time("2026-10-03 14:22:05")->seconds == 51725);
    BOOST_TEST(parse_statement_time("03/10/2026 14:22")->seconds == 51720);
    BOOST_TEST(parse_statement_time("03-10-2026 02:22 PM")->seconds == 51720);
    BOOST_TEST(parse_statement_time("03-10-2026 12:05 AM")->seconds == 300);
    BOOST_TEST(parse_statement_time("03-10-2026 12:05 PM")->seconds == 12 * 3600 + 300);
    BOOST_TEST(riziki::ledger::format_date(parse_statement_time("03/10/2026 14:22")->day) ==
               "2026-10-03");  // day first
    for (const char* bad :
         {"", "2026-10-03", "31/02/2026 10:00", "03/10/2026 24:00", "03/10/2026 13:00 PM",
          "03/10/26 10:00", "2026-10-03T14:22:05", "03.10.2026 10:00", "03/10/2026 10:60",
          // found by fuzz_mpesa_csv: from_chars reads a sign
          "03/10/2026 -1:00", "03/10/2026 10:-5", "-3/10/2026 10:00"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(!parse_statement_time(bad).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(every_malformed_case_names_its_line_and_column) {
    struct Case {
        std::string text;
        int line, column;
        std::string field, reason;
    };
    const std::vector<Case> cases{
        {"Title\nno header here\n", 0, 0, "Receipt No.", "missing_header"},
        {"Receipt No.,Completion Time,Paid In,Withdrawn\n", 1, 0, "Transaction Status",
         "missing_column"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,1.005,,\n", 2, 5, "Paid In",
         "invalid_amount"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,\"1,50.00\",,\n", 2, 5, "Paid In",
         "invalid_amount"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,1e3,,\n", 2, 5, "Paid In", "invalid_amount"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,-5.00,,\n", 2, 5, "Paid In",
         "invalid_amount"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,,12 KES,\n", 2, 6, "Withdrawn",
         "invalid_amount"},
        {kHeader + "\nR1,yesterday,x,Completed,5.00,,\n", 3, 2, "Completion Time", "invalid_time"},
        {kHeader + ",2026-10-03 14:22:05,x,Completed,5.00,,\n", 2, 1, "Receipt No.",
         "invalid_receipt"},
        {kHeader + "R1,2026-10-03 14:22:05,x,,5.00,,\n", 2, 4, "Transaction Status", "required"},
        {kHeader + "R1,2026-10-03 14:22:05,\"never closed,Completed,5.00,,\n", 2, 3, "",
         "unterminated_quote"},
        {"Receipt No.,Completion Time,Transaction Status,Paid In,Withdrawn,Paid In\n", 1, 6,
         "Paid In", "duplicate_column"},
        {kHeader + "R1,2026-10-03 14:22:05,x,Completed,99999999999999999999999999999.00,,\n", 2, 5,
         "Paid In", "invalid_amount"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.text) {
            const auto error = refused(c.text);
            BOOST_TEST(error.line == c.line);
            BOOST_TEST(error.column == c.column);
            BOOST_TEST(error.field == c.field);
            BOOST_TEST(error.reason == c.reason);
        }
    }
}

BOOST_AUTO_TEST_CASE(receipts_text_and_lengths_are_refused_where_they_break_the_rules) {
    // Every text column the reader keeps: receipts and linked receipts of ASCII letters and
    // digits (at most 64), text well-formed UTF-8 without NUL, a status or reason type at
    // most 200 bytes, details or A/C No. at most 1,000.
    struct Case {
        TextRow row;
        int column;
        std::string field, reason;
    };
    const std::string nul("A\0B", 3);
    const std::vector<Case> cases{
        {with([](TextRow& r) { r.linked = "SJ30-ABC122"; }), 8, "Linked Transaction ID",
         "invalid_receipt"},
        {with([](TextRow& r) {
             r.linked =
                 "SJ30\xC3\x84"
                 "BC122";
         }),
         8, "Linked Transaction ID", "invalid_receipt"},
        {with([](TextRow& r) { r.linked = std::string(65, 'L'); }), 8, "Linked Transaction ID",
         "invalid_receipt"},
        {with([](TextRow& r) { r.receipt = std::string(65, 'R'); }), 1, "Receipt No.",
         "invalid_receipt"},
        {with([](TextRow& r) { r.receipt = "SJ30 ABC123"; }), 1, "Receipt No.", "invalid_receipt"},
        {with([](TextRow& r) { r.details = "Payment \xC3\x28 to"; }), 3, "Details", "invalid_text"},
        {with([](TextRow& r) { r.details = "overlong \xC0\xAF"; }), 3, "Details", "invalid_text"},
        {with([](TextRow& r) {
             r.status =
                 "Compl\xFF"
                 "eted";
         }),
         4, "Transaction Status", "invalid_text"},
        {with([&](TextRow& r) { r.account = nul; }), 9, "A/C No.", "invalid_text"},
        {with([](TextRow& r) { r.reason_type = "Charge \xED\xA0\x80"; }), 7, "Reason Type",
         "invalid_text"},  // a surrogate
        {with([](TextRow& r) { r.status = std::string(201, 'C'); }), 4, "Transaction Status",
         "too_long"},
        {with([](TextRow& r) { r.reason_type = std::string(201, 'T'); }), 7, "Reason Type",
         "too_long"},
        {with([](TextRow& r) { r.details = std::string(1001, 'd'); }), 3, "Details", "too_long"},
        {with([](TextRow& r) { r.account = std::string(1001, 'a'); }), 9, "A/C No.", "too_long"},
        // The first column in the row's order wins: the receipt before the details.
        {with([](TextRow& r) {
             r.receipt = "SJ30_1";
             r.details = std::string(1001, 'd');
         }),
         1, "Receipt No.", "invalid_receipt"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.field << " " << c.reason << " " << c.row.text().size()) {
            const auto error = refused(c.row.text());
            BOOST_TEST(error.line == 2);
            BOOST_TEST(error.column == c.column);
            BOOST_TEST(error.field == c.field);
            BOOST_TEST(error.reason == c.reason);
        }
    }
}

BOOST_AUTO_TEST_CASE(receipts_and_text_at_their_limits_are_read_as_they_are) {
    // Multi-byte text counts its bytes.
    const auto at_limits = with([](TextRow& r) {
        r.receipt = std::string(64, 'R');
        r.linked = std::string(64, 'L');
        r.status = std::string(200, 'C');
        r.reason_type = std::string(198, 'T') + "\xC3\x84";
        r.details = "Malipo kwa Zawadi \xE2\x80\x93 Nairobi";
        r.account = std::string(1000, 'a');
    });
    const auto read = read_statement_csv(at_limits.text(), kKes);
    const auto& lines = as<std::vector<StatementLine>>(read);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].receipt == at_limits.receipt);
    BOOST_TEST(lines[0].linked_transaction == at_limits.linked);
    BOOST_TEST(lines[0].status.size() == 200u);
    BOOST_TEST(lines[0].reason_type.size() == 200u);
    BOOST_TEST(lines[0].details == at_limits.details);
    BOOST_TEST(lines[0].account_number.size() == 1000u);
    // An empty linked receipt is none, not an invalid one.
    const auto unlinked = with([](TextRow& r) { r.linked = ""; });
    const auto read_unlinked = read_statement_csv(unlinked.text(), kKes);
    BOOST_TEST(as<std::vector<StatementLine>>(read_unlinked).at(0).linked_transaction.empty());
}

BOOST_AUTO_TEST_CASE(limits_refuse_a_file_too_large_a_line_too_long_or_too_many_lines) {
    riziki::reports::StatementLimits limits;
    limits.bytes_max = 100;
    BOOST_TEST(as<StatementError>(read_statement_csv(std::string(101, 'x'), kKes, limits)).reason ==
               "file_too_large");
    limits = {};
    limits.line_bytes_max = 40;
    const auto long_line = as<StatementError>(read_statement_csv(
        kHeader + "R1,2026-10-03 14:22:05," + std::string(60, 'x') + ",Completed,5.00,,\n", kKes,
        limits));
    BOOST_TEST(long_line.reason == "line_too_long");
    limits = {};
    limits.lines_max = 1;
    const std::string two = kHeader + "R1,2026-10-03 14:22:05,x,Completed,5.00,,\n" +
                            "R2,2026-10-03 14:22:06,x,Completed,6.00,,\n";
    const auto many = as<StatementError>(read_statement_csv(two, kKes, limits));
    BOOST_TEST(many.reason == "too_many_lines");
    BOOST_TEST(many.line == 3);
}

BOOST_AUTO_TEST_SUITE_END()
