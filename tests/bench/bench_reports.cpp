// The donor report at programme size (issue: 100,000 survivors and 2,000,000 entries; JSON
// within 1 s, PDF within 3 s).
//
//   ./build/tests/bench/bench_reports --per-cohort 16667 --entries 2000000
//
// Seeds the demo programme scaled up (six cohorts of `per-cohort` survivors, each with an
// award, payments, repayments and follow-ups, all through the writer), tops the journal up
// with random entries in three other funds to `entries`, then times each fund's donor
// report end to end (snapshot reads + computation + rendering) as JSON, HTML and PDF.
//
// Seeding takes minutes; to time the reports again on the same data, seed once with
// `--keep-cluster DIR` (the cluster stays in DIR, stopped) and then pass
// `--reuse-cluster DIR` instead (no seeding; --per-cohort and --entries are ignored).
// `--out DIR` also writes each fund's JSON and CSV there, to compare two builds' output;
// `--repeat N` times each report N times and prints each phase's best.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

#include "api/demo.hpp"
#include "api/pii_vault.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "db/report_reads.hpp"
#include "reports/donor_report.hpp"
#include "tests/bench/bench_programme.hpp"

using namespace riziki;

using bench::seconds_since;

namespace {

/// Times the donor report of each demo fund, best of `repeat`; writes its JSON and CSV to
/// `out` unless it is empty.
void time_reports(db::ReportReads report_reads, const std::string& out, int repeat) {
    const auto from = *ledger::parse_date("2025-01-01");
    const auto to = *ledger::parse_date("2026-10-31");
    // Each format's figure is the whole request's work: read + build + render.
    std::printf(
        "| fund | awards | read ms | build ms | JSON ms | HTML ms | PDF ms | PDF bytes |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (const char* fund :
         {"HAART-KES-2026", "CTIP-USD-2026", "TRUST-KES-LOANS", "CTIP-KES-LOANS"}) {
        // Each phase's best of `repeat` runs: on a shared machine the best is the steadiest.
        double read = 1e9, build = 1e9, json_only = 1e9, html_only = 1e9, pdf_only = 1e9;
        std::size_t awards = 0, pdf_bytes = 0;
        for (int run = 0; run < repeat; ++run) {
            const auto start = std::chrono::steady_clock::now();
            const auto input = report_reads.donor_report_input(fund, from, to);
            read = std::min(read, seconds_since(start) * 1000);
            auto t = std::chrono::steady_clock::now();
            const auto report = reports::build_donor_report(*input);
            build = std::min(build, seconds_since(t) * 1000);
            t = std::chrono::steady_clock::now();
            const auto json = reports::donor_report_json(report);
            json_only = std::min(json_only, seconds_since(t) * 1000);
            t = std::chrono::steady_clock::now();
            const auto html = reports::donor_report_html(report);
            html_only = std::min(html_only, seconds_since(t) * 1000);
            t = std::chrono::steady_clock::now();
            const auto pdf = reports::donor_report_pdf(report);
            pdf_only = std::min(pdf_only, seconds_since(t) * 1000);
            awards = input->awards.size();
            pdf_bytes = pdf.size();
            if (!out.empty() && run == 0) {
                std::ofstream(out + "/" + fund + ".json", std::ios::binary) << json;
                std::ofstream(out + "/" + fund + ".csv", std::ios::binary)
                    << reports::donor_report_csv(report);
            }
        }
        std::printf("| %s | %zu | %.0f | %.0f | %.0f | %.0f | %.0f | %zu |\n", fund, awards, read,
                    build, read + build + json_only, read + build + html_only,
                    read + build + pdf_only, pdf_bytes);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const int per_cohort = bench::arg(argc, argv, "per-cohort", 16'667);
    const int entries = bench::arg(argc, argv, "entries", 2'000'000);
    const std::string reuse = bench::text_arg(argc, argv, "reuse-cluster");
    const std::string out = bench::text_arg(argc, argv, "out");
    const int repeat = std::max(1, bench::arg(argc, argv, "repeat", 1));
    if (!out.empty())
        std::filesystem::create_directories(out);
    bench::BenchCluster cluster(bench::text_arg(argc, argv, "keep-cluster"), reuse);
    const std::string conninfo = cluster.app_conninfo();
    db::Pool pool(conninfo, 2);
    const auto key_dir = std::filesystem::temp_directory_path() /
                         ("riziki-bench-reports-" + std::to_string(::getpid()));

    if (reuse.empty())
        bench::seed_programme(pool, conninfo, key_dir, per_cohort, entries);
    time_reports(db::ReportReads(pool), out, repeat);
    std::filesystem::remove_all(key_dir);
    return 0;
}
