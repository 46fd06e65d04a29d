// Write-path benchmark (issue: foundation). Starts its own embedded PostgreSQL in a
// temporary directory and measures, in one run, entries/s and p50/p99 latency for N
// concurrent producers through the db layer: first one commit per entry (the baseline),
// then the batching writer. Prints a Markdown table for docs/performance.md.
//
//   build/tests/bench/bench_journal [--producers 32] [--entries 20000]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/journal_writer.hpp"
#include "db/pool.hpp"
#include "db/verify.hpp"
#include "tests/bench/bench_support.hpp"

using namespace riziki;
using Clock = std::chrono::steady_clock;

namespace {

struct Result {
    std::string name;
    double entries_per_second = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    std::uint64_t batch_size_max = 0;
};

ledger::EntryDraft tagged_entry(int producer, int i) {
    ledger::EntryDraft draft;
    draft.effective_on = *ledger::parse_date("2026-11-24");
    draft.memo = "bench " + std::to_string(producer) + "/" + std::to_string(i);
    // A manual entry tagged with a survivor and an award, so every postings index is
    // maintained; as a "disbursement" the award triggers would want a real, funded award.
    draft.event = ledger::Event::manual;
    draft.recorded_by = "bench";
    const long long amount = 100 + (i % 5000);
    draft.postings = {{"5100", "F-BENCH", "KES", amount, "SV-0001", "AW-0001"},
                      {"1020", "F-BENCH", "KES", -amount, "SV-0001", "AW-0001"}};
    return draft;
}

/// `connections` writers share the producers round-robin; each has its own connection.
Result run(const std::string& name, const std::string& conninfo, std::size_t batch_max,
           int connections, int producers, int entries) {
    std::vector<std::unique_ptr<db::JournalWriter>> writers;
    for (int c = 0; c < connections; ++c) {
        writers.push_back(
            std::make_unique<db::JournalWriter>(conninfo, db::WriterOptions{batch_max}));
    }
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(producers));
    const int per_producer = entries / producers;
    const auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            auto& mine = latencies[static_cast<std::size_t>(p)];
            auto& writer = *writers[static_cast<std::size_t>(p % connections)];
            for (int i = 0; i < per_producer; ++i) {
                const auto t0 = Clock::now();
                const auto outcome = writer.write({tagged_entry(p, i), std::nullopt});
                if (outcome.kind != db::WriteOutcome::Kind::committed)
                    std::abort();
                mine.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    bench::Latencies all;
    for (const auto& mine : latencies)
        all.ms.insert(all.ms.end(), mine.begin(), mine.end());
    std::uint64_t largest = 0;
    for (const auto& w : writers)
        largest = std::max(largest, w->stats().batch_size_max);
    return {name, static_cast<double>(all.ms.size()) / seconds, all.percentile(0.50),
            all.percentile(0.99), largest};
}

}  // namespace

int main(int argc, char** argv) {
    const int producers = bench::arg(argc, argv, "producers", 32);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const int entries = bench::arg(argc, argv, "entries", 20000);
    bench::ScratchCluster scratch;
    const std::string conninfo = scratch.app_conninfo();
    {
        db::Pool pool(conninfo, 1);
        db::Programme programme(pool);
        bench::create_fund(programme, "F-BENCH", "KES", "Benchmark fund");
    }

    std::vector<Result> results;
    std::printf("| write path | producers | entries/s | p50 ms | p99 ms | largest batch |\n");
    std::printf("|---|---|---|---|---|---|\n");
    const auto measure = [&](const char* name, std::size_t batch_max, int connections, int n) {
        const auto& r =
            results.emplace_back(run(name, conninfo, batch_max, connections, producers, n));
        std::printf("| %s | %d | %.0f | %.2f | %.2f | %llu |\n", r.name.c_str(), producers,
                    r.entries_per_second, r.p50_ms, r.p99_ms,
                    static_cast<unsigned long long>(r.batch_size_max));
    };
    // Baselines: one commit per entry on one connection, then on one connection per
    // producer (PostgreSQL's own group commit across connections).
    measure("one commit per entry, 1 connection", 1, 1, entries / 4);
    measure("one commit per entry, 1 connection per producer", 1, producers, entries);
    measure("batched writer, 1 connection", 512, 1, entries);
    const auto report = db::verify_journal(conninfo);
    std::printf("\nbatched vs best one-commit-per-entry: %.1fx; verify: %s over %lld entries\n",
                results[2].entries_per_second /
                    std::max(results[0].entries_per_second, results[1].entries_per_second),
                report.ok ? "ok" : "FAILED", static_cast<long long>(report.entries_checked));
    const int status = report.ok ? 0 : 1;
    return status;
}
