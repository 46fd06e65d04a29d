#pragma once
/// The programme at the size SPEC §11 and §13 measure (100,000 survivors, 2,000,000
/// entries), shared by bench_reports and bench_lists: the cluster it lives in (throwaway,
/// or kept in a directory and reused) and its seeding through the writer.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/demo.hpp"
#include "api/pii_vault.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/db/random_entries.hpp"

namespace riziki::bench {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The cluster the benchmarks read: a throwaway one by default, else one kept in a directory.
class BenchCluster {
  public:
    BenchCluster(const std::string& keep, const std::string& reuse) {
        if (keep.empty() && reuse.empty()) {
            scratch_.emplace();
            return;
        }
        const std::filesystem::path dir = keep.empty() ? reuse : keep;
        if (!keep.empty() && std::filesystem::exists(dir / "pg"))
            throw std::runtime_error("--keep-cluster: " + keep + "/pg already exists");
        if (keep.empty() && !std::filesystem::exists(dir / "pg" / "data"))
            throw std::runtime_error("--reuse-cluster: no cluster in " + reuse);
        kept_ = std::make_unique<db::EmbeddedCluster>(db::ClusterOptions{dir / "pg", 0});
        kept_->start();
        db::migrate(kept_->superuser_conninfo());
    }
    std::string app_conninfo() const {
        return scratch_ ? scratch_->app_conninfo() : kept_->conninfo_for("riziki_app");
    }
    /// The schema owner's connection: the app role may not create tokens (migration 0020).
    std::string owner_conninfo() {
        return scratch_ ? scratch_->cluster().superuser_conninfo() : kept_->superuser_conninfo();
    }

  private:
    std::optional<ScratchCluster> scratch_;
    std::unique_ptr<db::EmbeddedCluster> kept_;  ///< stopped, not removed, at the end
};

/// Seeds the demo programme with `per_cohort` survivors per cohort, then tops the journal up
/// to `entries` with random entries dated after the demo's closed months.
inline void seed_programme(db::Pool& pool, const std::string& conninfo,
                           const std::filesystem::path& key_dir, int per_cohort, int entries) {
    db::Programme programme(pool);
    auto start = std::chrono::steady_clock::now();
    const auto vault = api::PiiVault::open(key_dir / "pii.key");
    db::JournalWriter writer(conninfo, db::WriterOptions{2048, 16384});
    const auto seeded = api::seed_demo(pool, writer, vault, 2026, api::kDemoToday, per_cohort);
    const long long written = seeded.entries;
    std::printf("seeded %d survivors, %d entries (%d refused) in %.1f s\n", seeded.survivors,
                seeded.entries, seeded.refused, seconds_since(start));
    bench::create_random_entry_funds(programme);
    start = std::chrono::steady_clock::now();
    std::mt19937_64 random(7);
    std::vector<std::future<db::WriteOutcome>> pending;
    std::map<std::string, long> refused;
    const auto settle = [&] {
        for (auto& f : pending) {
            const auto outcome = f.get();
            if (outcome.kind == db::WriteOutcome::Kind::rejected)
                ++refused[std::string(ledger::to_string(outcome.check.reason))];
        }
        pending.clear();
    };
    // Filler is dated from late November 2026 on, after the demo's closed months.
    for (long long i = written; i < entries; ++i) {
        pending.push_back(writer.submit(
            {testing::random_entry(random, "filler", 12'000 + static_cast<long>(i % 20'000)),
             std::nullopt}));
        if (pending.size() >= 16384)
            settle();
    }
    settle();
    std::printf("topped up to %lld entries in %.1f s\n",
                static_cast<long long>(db::JournalReads(pool).head().seq), seconds_since(start));
    for (const auto& [reason, count] : refused)
        std::printf("  filler refused: %ld x %s\n", count, reason.c_str());
}

}  // namespace riziki::bench
