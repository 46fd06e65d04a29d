// The pure half of the M-Pesa statement import (issue 20, "Speed"): a generated statement of
// 10,000 lines read from CSV and from XLSX and matched against a snapshot of 100,000 active
// loans, each step timed. The database half (reading the snapshot, posting the proposals
// through the writer) is not here: no import handler exists yet.
//
//   ./build/tests/bench/bench_mpesa [--loans 100000] [--lines 10000] [--rounds 3]
//
// The statement, newest first, cycles through: a disbursement already in the ledger
// (matched), its M-Pesa charge (charge), a repayment typed with the survivor's code
// (proposed), a failed payment (ignored), a payment naming nobody (unmatched). The counts per
// state are checked: the program fails when the matching disagrees with the generator.
#include <xlsxwriter.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "ledger/awards.hpp"
#include "reports/mpesa_match.hpp"
#include "reports/mpesa_statement.hpp"

namespace L = riziki::ledger;
namespace R = riziki::reports;

namespace {

constexpr int kCycle = 5;  // matched, charge, proposed, ignored, unmatched
constexpr L::Amount kApproved = 1'000'000;
constexpr L::Amount kFee = 3'300;
constexpr L::Amount kInstallment = 250'000;

L::Date day(unsigned m, unsigned d) {
    return L::Date{std::chrono::year(2026), std::chrono::month(m), std::chrono::day(d)};
}

std::string code(const char* prefix, int n) {
    char text[16];
    std::snprintf(text, sizeof text, "%s%08d", prefix, n);
    return text;
}

L::LedgerContext context() {
    L::LedgerContext c;
    for (const auto& a : L::default_chart())
        c.accounts.insert(a.code);
    c.fund_currency = {{"F-KES", "KES"}};
    return c;
}

/// `loans` loans of 10,000.00 in four installments, each disbursed on 2026-10-01 with a
/// 33.00 fee, through the core as the writer plans them.
R::MatchSnapshot snapshot(int loans) {
    R::MatchSnapshot s;
    s.fund = "F-KES";
    s.context = context();
    s.recorded_by = "bench";
    s.books.fund_cash["F-KES"] = 2 * kApproved * (loans + 1);
    for (int i = 0; i < loans; ++i) {
        L::Award a;
        a.id = code("AW-", i);
        a.survivor = code("SV-", i);
        a.fund = "F-KES";
        a.currency = "KES";
        a.kind = L::AwardKind::loan;
        a.approved = kApproved;
        a.approved_on = day(9, 1);
        L::LoanTerms terms;
        terms.interest_rate = *L::parse_rate("0");
        terms.interest_period = L::InterestPeriod::month;
        terms.installments = 4;
        a.terms = terms;
        s.books.awards[a.id] = {a, {}};
        const auto reference = code("SD", i);
        const L::Disbursement d{a.id, kApproved, day(10, 1), L::Channel::mpesa, reference, kFee};
        const auto planned = L::plan(d, s.books, s.context, "bench");
        if (planned.check.reason != L::Rejection::none)
            throw std::runtime_error("the core refused a generated disbursement: " +
                                     std::string(L::to_string(planned.check.reason)));
        s.books.apply(planned.draft, planned.draft.event);
        s.books.references.emplace(L::Channel::mpesa, reference);
        s.references.push_back(
            {reference, i + 1, R::ReferenceKind::disbursement, kApproved, kFee, a.id, day(10, 1)});
    }
    return s;
}

struct Row {
    std::string receipt, time, status, paid_in, withdrawn, linked, account;
};

/// The statement's rows, newest first; line k (0-based, oldest) is of kind k % kCycle.
std::vector<Row> statement_rows(int lines, int loans) {
    std::vector<Row> rows;
    for (int k = lines - 1; k >= 0; --k) {
        const int loan = (k / kCycle) % loans;
        char time[32];
        std::snprintf(time, sizeof time, "2026-10-%02d %02d:%02d:%02d", 1 + (k / 1000) % 3,
                      8 + (k / 3600) % 10, (k / 60) % 60, k % 60);
        Row r{code("SR", k), time, "Completed", "", "", "", ""};
        switch (k % kCycle) {
            case 0:  // the disbursement, already in the ledger
                r.receipt = code("SD", loan);
                r.withdrawn = "-10,000.00";
                break;
            case 1:  // its charge
                r.withdrawn = "-33.00";
                r.linked = code("SD", loan);
                break;
            case 2:  // a repayment typed with the survivor's code
                r.paid_in = "2,500.00";
                r.account = code("SV-", loan);
                break;
            case 3:
                r.status = "Failed";
                r.paid_in = "2,500.00";
                break;
            default:
                r.paid_in = "100.00";
                r.account = "WHO KNOWS";
                break;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

const std::vector<std::string> kHeader{
    "Receipt No.", "Completion Time",       "Details", "Transaction Status", "Paid In", "Withdrawn",
    "Balance",     "Linked Transaction ID", "A/C No."};

std::vector<std::string> cells(const Row& r) {
    return {r.receipt,   r.time, "Business Payment", r.status, r.paid_in,
            r.withdrawn, "",     r.linked,           r.account};
}

std::string csv(const std::vector<Row>& rows) {
    std::ostringstream out;
    out << "Organisation Name:,Benchmark Trust\nTime Period:,01-10-2026 - 03-10-2026\n\n";
    for (std::size_t c = 0; c < kHeader.size(); ++c)
        out << (c ? "," : "") << kHeader[c];
    out << "\r\n";
    for (const auto& r : rows) {
        const auto values = cells(r);
        for (std::size_t c = 0; c < values.size(); ++c)
            out << (c ? "," : "") << '"' << values[c] << '"';
        out << "\r\n";
    }
    return out.str();
}

std::string xlsx(const std::vector<Row>& rows, const std::filesystem::path& path) {
    lxw_workbook* book = workbook_new(path.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(book, nullptr);
    worksheet_write_string(sheet, 0, 0, "Organisation Name:", nullptr);
    worksheet_write_string(sheet, 0, 1, "Benchmark Trust", nullptr);
    const auto write_row = [&](lxw_row_t row, const std::vector<std::string>& values) {
        for (std::size_t c = 0; c < values.size(); ++c) {
            if (!values[c].empty())
                worksheet_write_string(sheet, row, static_cast<lxw_col_t>(c), values[c].c_str(),
                                       nullptr);
        }
    };
    // The CSV's layout, so that both read into the same line numbers.
    write_row(3, kHeader);
    for (std::size_t i = 0; i < rows.size(); ++i)
        write_row(static_cast<lxw_row_t>(4 + i), cells(rows[i]));
    if (workbook_close(book) != LXW_NO_ERROR)
        throw std::runtime_error("libxlsxwriter could not write the statement");
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

template <typename Read>
std::vector<R::StatementLine> timed_read(const char* what, Read&& read, double& ms) {
    const auto start = std::chrono::steady_clock::now();
    auto result = read();
    ms = ms_since(start);
    if (auto* bad = std::get_if<R::StatementError>(&result)) {
        throw std::runtime_error(std::string(what) + " refused at line " +
                                 std::to_string(bad->line) + ": " + bad->reason);
    }
    return std::get<std::vector<R::StatementLine>>(std::move(result));
}

}  // namespace

int main(int argc, char** argv) try {
    namespace bench = riziki::bench;
    const int loans = bench::arg(argc, argv, "loans", 100'000);
    const int lines = bench::arg(argc, argv, "lines", 10'000);
    const int rounds = bench::arg(argc, argv, "rounds", 3);
    if (lines / kCycle > loans)
        throw std::runtime_error("--lines needs at least lines / 5 loans");
    auto start = std::chrono::steady_clock::now();
    const auto snap = snapshot(loans);
    std::printf("snapshot: %d loans disbursed through the core in %.0f ms\n", loans,
                ms_since(start));
    const auto rows = statement_rows(lines, loans);
    const auto csv_text = csv(rows);
    const auto path = std::filesystem::temp_directory_path() / "bench_mpesa.xlsx";
    const auto xlsx_bytes = xlsx(rows, path);
    std::filesystem::remove(path);
    std::printf("statement: %d lines, CSV %zu bytes, XLSX %zu bytes\n\n", lines, csv_text.size(),
                xlsx_bytes.size());
    std::printf("| round | read CSV ms | read XLSX ms | match ms |\n|---|---|---|---|\n");
    const auto kes = *L::find_currency("KES");
    for (int round = 1; round <= rounds; ++round) {
        double csv_ms = 0, xlsx_ms = 0;
        const auto from_csv = timed_read(
            "CSV", [&] { return R::read_statement_csv(csv_text, kes); }, csv_ms);
        const auto from_xlsx = timed_read(
            "XLSX", [&] { return R::read_statement_xlsx(xlsx_bytes, kes); }, xlsx_ms);
        if (from_csv.size() != static_cast<std::size_t>(lines) || from_xlsx != from_csv)
            throw std::runtime_error("the CSV and XLSX statements read differently");
        start = std::chrono::steady_clock::now();
        const auto result = R::match_statement(from_csv, snap);
        const double match_ms = ms_since(start);
        std::printf("| %d | %.1f | %.1f | %.1f |\n", round, csv_ms, xlsx_ms, match_ms);
        const std::size_t each = static_cast<std::size_t>(lines / kCycle);
        for (const auto state :
             {R::MatchState::matched, R::MatchState::charge, R::MatchState::proposed,
              R::MatchState::ignored, R::MatchState::unmatched}) {
            if (result.total(state).lines != each) {
                throw std::runtime_error("expected " + std::to_string(each) + " lines " +
                                         std::string(R::to_string(state)) + ", got " +
                                         std::to_string(result.total(state).lines));
            }
        }
    }
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mpesa: %s\n", e.what());
    return EXIT_FAILURE;
}
