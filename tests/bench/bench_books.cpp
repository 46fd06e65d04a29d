// Auditor-side costs at size (issue: verify over 1,000,000 entries in <= 3 s; an as-of trial
// balance in <= 50 ms at 2,000,000 entries; hledger bal on our own export, for the ratio).
//
//   ./build/tests/bench/bench_books --entries 1000000
//
// Loads `entries` random balanced entries through the batching writer (the real write path,
// triggers and all), then times: verify_journal; the trial balance as of three dates (the
// API's query); the hledger export; `hledger bal` on it (when hledger is installed).

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <random>

#include "api/export_journal.hpp"
#include "db/journal_writer.hpp"
#include "db/store.hpp"
#include "db/verify.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/db/random_entries.hpp"

using namespace riziki;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const int entries = bench::arg(argc, argv, "entries", 1'000'000);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is known
    bench::ScratchCluster scratch;
    const std::string conninfo = scratch.app_conninfo();
    db::Store store(conninfo, 2);
    for (const auto& [code, currency] :
         {std::pair{"F-KES", "KES"}, std::pair{"F-KES2", "KES"}, std::pair{"F-USD", "USD"}}) {
        store.create_fund(code, currency, code);
    }

    auto start = std::chrono::steady_clock::now();
    {
        db::JournalWriter writer(conninfo, db::WriterOptions{2048, 16384});
        std::mt19937_64 random(42);
        std::vector<std::future<db::WriteOutcome>> pending;
        for (int i = 0; i < entries; ++i) {
            pending.push_back(writer.submit({testing::random_entry(random, "bench", i), std::nullopt}));
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
    std::printf("loaded %d entries in %.1f s (%.0f entries/s)\n", entries, load,
                entries / load);

    start = std::chrono::steady_clock::now();
    const auto report = db::verify_journal(conninfo);
    const double verify = seconds_since(start);
    std::printf("verify: %s, %lld entries in %.2f s\n", report.ok ? "ok" : "FAILED",
                static_cast<long long>(report.entries_checked), verify);

    const auto head = store.head();
    const auto last_day = store.entry(head.seq)->draft.effective_on;
    for (const auto& as_of :
         {ledger::date_from_days(ledger::days_since_epoch(last_day) / 2 + 10000),
          last_day, ledger::date_from_days(ledger::days_since_epoch(last_day) - 30)}) {
        bench::Latencies times;
        std::size_t rows = 0;
        for (int i = 0; i < 20; ++i) {
            const auto t = std::chrono::steady_clock::now();
            rows = store.balances(as_of).size();
            times.ms.push_back(seconds_since(t) * 1000);
        }
        std::printf("trial balance as of %s: %zu rows, p50 %.1f ms, max %.1f ms\n",
                    ledger::format_date(as_of).c_str(), rows, times.percentile(0.5),
                    times.percentile(1.0));
    }

    start = std::chrono::steady_clock::now();
    const std::string path = "/tmp/riziki-bench-books.journal";
    {
        std::ofstream out(path, std::ios::binary);
        api::export_journal(store, reports::ExportFormat::hledger, std::nullopt, std::nullopt,
                            [&](const std::string& chunk) { out << chunk; });
    }
    std::printf("hledger export: %.1f s\n", seconds_since(start));
    if (std::system("command -v hledger >/dev/null") == 0) {
        start = std::chrono::steady_clock::now();
        const int status = std::system(("hledger -f " + path + " bal >/dev/null").c_str());
        const double hledger = seconds_since(start);
        std::printf("hledger bal: %.1f s (exit %d); hledger / riziki verify = %.1fx\n", hledger,
                    status, hledger / verify);
    }
    std::remove(path.c_str());
    return report.ok ? 0 : 1;
}
