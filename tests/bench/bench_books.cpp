// Auditor-side costs at size (issue: verify over 1,000,000 entries in <= 3 s; an as-of trial
// balance in <= 50 ms at 2,000,000 entries; hledger bal on our own export, for the ratio).
//
//   ./build/tests/bench/bench_books --entries 1000000 --trial-balance-at 2000000
//
// Loads `entries` random balanced entries through the batching writer (the real write path,
// triggers and all), then times: verify_journal (`--verify-runs` times); the trial balance
// as of three dates (the API's query); the hledger export; `hledger bal` on it (unless
// `--hledger 0`). With --trial-balance-at, it then loads up to that many entries and times
// the trial balance again. `--cluster DIR` keeps the cluster in DIR and reuses it next time.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <random>

#include "api/export_journal.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "db/verify.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/db/random_entries.hpp"

using namespace riziki;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// User and system CPU time of this process, all threads.
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Writes random entries through the batching writer until the journal holds `target`.
/// Entry i is the same whichever run writes it, so a kept cluster can be topped up.
void load_to(db::JournalReads& journal, const std::string& conninfo, std::int64_t target) {
    const std::int64_t have = journal.head().seq;
    if (have >= target)
        return;
    const auto start = std::chrono::steady_clock::now();
    {
        db::JournalWriter writer(conninfo, db::WriterOptions{2048, 16384});
        std::mt19937_64 random(42 + static_cast<unsigned long>(have));
        std::vector<std::future<db::WriteOutcome>> pending;
        for (std::int64_t i = have; i < target; ++i) {
            pending.push_back(writer.submit(
                {testing::random_entry(random, "bench", static_cast<long>(i)), std::nullopt}));
            if (pending.size() >= 16384) {
                for (auto& f : pending)
                    f.get();
                pending.clear();
            }
        }
        for (auto& f : pending)
            f.get();
    }
    const double load = seconds_since(start);
    std::printf("loaded %lld entries in %.1f s (%.0f entries/s); the journal holds %lld\n",
                static_cast<long long>(target - have), load,
                static_cast<double>(target - have) / load, static_cast<long long>(target));
}

/// The API's trial balance query, 20 times at each of three dates.
void time_trial_balance(db::JournalReads& journal) {
    const auto head = journal.head();
    const auto last_day = journal.entry(head.seq)->draft.effective_on;
    for (const auto& as_of :
         {ledger::date_from_days(ledger::days_since_epoch(last_day) / 2 + 10000), last_day,
          ledger::date_from_days(ledger::days_since_epoch(last_day) - 30)}) {
        bench::Latencies times;
        std::size_t rows = 0;
        for (int i = 0; i < 20; ++i) {
            const auto t = std::chrono::steady_clock::now();
            rows = journal.balances(as_of).size();
            times.ms.push_back(seconds_since(t) * 1000);
        }
        std::printf("trial balance at %lld entries, as of %s: %zu rows, p50 %.1f ms, max %.1f ms\n",
                    static_cast<long long>(head.seq), ledger::format_date(as_of).c_str(), rows,
                    times.percentile(0.5), times.percentile(1.0));
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int entries = bench::arg(argc, argv, "entries", 1'000'000);
    const int verify_runs = bench::arg(argc, argv, "verify-runs", 1);
    const bool hledger = bench::arg(argc, argv, "hledger", 1) != 0;
    const int trial_balance_at = bench::arg(argc, argv, "trial-balance-at", entries);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is known
    bench::ScratchCluster scratch(bench::text_arg(argc, argv, "cluster"));
    const std::string conninfo = scratch.app_conninfo();
    db::Pool pool(conninfo, 2);
    db::JournalReads journal(pool);
    db::Programme programme(pool);
    bench::create_random_entry_funds(programme);
    load_to(journal, conninfo, entries);

    bool ok = true;
    double verify = 0;
    for (int run = 0; run < verify_runs; ++run) {
        const auto start = std::chrono::steady_clock::now();
        const double cpu_before = cpu_seconds();
        const auto report = db::verify_journal(conninfo);
        verify = seconds_since(start);
        ok = ok && report.ok;
        std::printf("verify: %s, %lld entries in %.2f s (this process: %.2f s of CPU)\n",
                    report.ok ? "ok" : "FAILED", static_cast<long long>(report.entries_checked),
                    verify, cpu_seconds() - cpu_before);
    }
    time_trial_balance(journal);

    if (hledger) {
        auto start = std::chrono::steady_clock::now();
        const std::string path = "/tmp/riziki-bench-books.journal";
        {
            std::ofstream out(path, std::ios::binary);
            api::export_journal(journal, reports::ExportFormat::hledger, std::nullopt, std::nullopt,
                                [&](const std::string& chunk) { out << chunk; });
        }
        std::printf("hledger export: %.1f s\n", seconds_since(start));
        if (std::system("command -v hledger >/dev/null") == 0) {
            start = std::chrono::steady_clock::now();
            const int status = std::system(("hledger -f " + path + " bal >/dev/null").c_str());
            const double took = seconds_since(start);
            std::printf("hledger bal: %.1f s (exit %d); hledger / riziki verify = %.1fx\n", took,
                        status, took / verify);
        }
        std::remove(path.c_str());
    }

    if (trial_balance_at > entries) {
        load_to(journal, conninfo, trial_balance_at);
        time_trial_balance(journal);
    }
    return ok ? 0 : 1;
}
