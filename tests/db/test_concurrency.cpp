// Many writers at once, and a writer killed mid-load: the journal stays whole.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <thread>

#include "db/cluster.hpp"
#include "db/verify.hpp"
#include "tests/db/fixture.hpp"
#include "tests/db/random_entries.hpp"

using namespace riziki;
using namespace riziki::testing;

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(eight_threads_of_random_entries_keep_every_invariant) {
    LedgerFixture f;
    constexpr int kThreads = 8;
    constexpr int kEntries = 1000;
    using Key = std::pair<std::string, std::string>;  // account, fund
    std::vector<std::map<Key, ledger::Amount>> sums(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 random(1000 + static_cast<unsigned long>(t));
            for (int i = 0; i < kEntries; ++i) {
                auto draft = random_entry(random, "t" + std::to_string(t), i);
                const auto outcome = f.writer->write({draft, std::nullopt});
                if (outcome.kind != db::WriteOutcome::Kind::committed)
                    continue;
                for (const auto& p : draft.postings)
                    sums[t][{p.account, p.fund}] += p.amount;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();

    BOOST_TEST(f.store.head().seq == kThreads * kEntries);
    std::map<Key, ledger::Amount> expected;
    for (const auto& partial : sums) {
        for (const auto& [key, amount] : partial)
            expected[key] += amount;
    }
    std::erase_if(expected, [](const auto& item) { return item.second == 0; });
    std::map<Key, ledger::Amount> stored;
    for (const auto& row : f.store.balances(std::nullopt)) {
        stored[{row.account, row.fund}] = row.balance;
    }
    BOOST_TEST((stored == expected));
    const auto report = db::verify_journal(f.database.app_conninfo);
    BOOST_TEST(report.ok);
    BOOST_TEST(report.entries_checked == kThreads * kEntries);
    BOOST_TEST(f.writer->stats().batch_size_max > 1u);  // writers really shared commits
}

namespace {

struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;
};

Child spawn_writer(const std::string& conninfo) {
    int fds[2];
    BOOST_TEST_REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(RIZIKI_CRASH_WRITER, RIZIKI_CRASH_WRITER, conninfo.c_str(), "8",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    return {pid, fdopen(fds[0], "r")};
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigkill_mid_load_leaves_no_partial_entry_and_loses_no_ack) {
    LedgerFixture f;
    f.writer.reset();
    Child child = spawn_writer(f.database.app_conninfo);
    std::map<long long, std::string> acked;
    char line[256];
    while (acked.size() < 2000 && std::fgets(line, sizeof line, child.out) != nullptr) {
        long long seq = 0;
        char memo[128];
        if (std::sscanf(line, "ack %lld %127s", &seq, memo) == 2)
            acked[seq] = memo;
    }
    kill(child.pid, SIGKILL);
    int status = 0;
    waitpid(child.pid, &status, 0);
    std::fclose(child.out);
    BOOST_TEST_REQUIRE(WIFSIGNALED(status));
    BOOST_TEST_REQUIRE(acked.size() == 2000u);

    // Then crash the database server too, and let it recover from its WAL.
    auto& cluster = TestCluster::instance().cluster();
    cluster.stop_immediate();
    cluster.start();

    const auto report = db::verify_journal(f.database.app_conninfo);
    BOOST_TEST(report.ok);  // whole entries only, chain intact, balances equal postings
    BOOST_TEST(report.entries_checked >= 2000);
    db::Store store(f.database.app_conninfo, 1);
    for (const auto& [seq, memo] : acked) {
        const auto entry = store.entry(seq);
        BOOST_TEST_REQUIRE(entry.has_value());
        BOOST_TEST(entry->draft.memo == memo);
    }
}

BOOST_AUTO_TEST_SUITE_END()
