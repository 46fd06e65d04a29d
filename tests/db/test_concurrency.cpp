// Many writers at once, and a writer killed mid-load: the journal stays whole.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <atomic>
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

    BOOST_TEST(f.journal.head().seq == kThreads * kEntries);
    std::map<Key, ledger::Amount> expected;
    for (const auto& partial : sums) {
        for (const auto& [key, amount] : partial)
            expected[key] += amount;
    }
    std::erase_if(expected, [](const auto& item) { return item.second == 0; });
    std::map<Key, ledger::Amount> stored;
    for (const auto& row : f.journal.balances(std::nullopt)) {
        stored[{row.account, row.fund}] = row.balance;
    }
    BOOST_TEST((stored == expected));
    const auto report = db::verify_journal(f.database.app_conninfo);
    BOOST_TEST(report.ok);
    BOOST_TEST(report.entries_checked == kThreads * kEntries);
    BOOST_TEST(f.writer->stats().batch_size_max > 1u);  // writers really shared commits
}

// While a batch commits, the writer takes the next one and sends its first round trip
// behind the COMMIT. When the database refuses the batch (here a trigger the test adds; in
// life, a race another process won), the batch taken behind it goes back to the queue and
// is written after the refused batch's entries are retried one by one.
BOOST_AUTO_TEST_CASE(a_batch_the_database_refuses_puts_back_the_batch_taken_behind_it) {
    LedgerFixture f;
    auto owner = f.owner();
    *owner << "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              "IF NEW.memo = 'refused' THEN RAISE EXCEPTION 'refused by the test'; END IF; "
              "RETURN NEW; END $$";
    *owner << "CREATE TRIGGER test_refuse BEFORE INSERT ON entries FOR EACH ROW "
              "EXECUTE FUNCTION test_refuse()";
    constexpr int kThreads = 16;
    constexpr int kEntries = 200;
    constexpr int kEvery = 25;  // one entry in 25 is refused
    std::atomic<int> committed{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 random(2000 + static_cast<unsigned long>(t));
            for (int i = 0; i < kEntries; ++i) {
                const bool refuse = (i + t) % kEvery == 0;
                auto draft = random_entry(random, refuse ? "refused" : "kept", i);
                try {
                    const auto outcome = f.writer->write({draft, std::nullopt});
                    ++(outcome.kind == db::WriteOutcome::Kind::committed && !refuse ? committed
                                                                                    : other);
                } catch (const std::exception& error) {
                    ++(refuse && std::string(error.what()).find("refused by the test") !=
                                     std::string::npos
                           ? refused
                           : other);
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    BOOST_TEST(refused.load() == kThreads * kEntries / kEvery);
    BOOST_TEST(other.load() == 0);
    BOOST_TEST(committed.load() == kThreads * kEntries - refused.load());
    BOOST_TEST(f.journal.head().seq == committed.load());
    BOOST_TEST(db::verify_journal(f.database.app_conninfo).ok);
    const auto stats = f.writer->stats();
    BOOST_TEST_MESSAGE("taken early " << stats.taken_early << ", put back " << stats.put_back);
    BOOST_TEST(stats.taken_early > 0u);
    BOOST_TEST(stats.put_back > 0u);
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
    db::Pool pool(f.database.app_conninfo, 1);
    db::JournalReads journal(pool);
    for (const auto& [seq, memo] : acked) {
        const auto entry = journal.entry(seq);
        BOOST_TEST_REQUIRE(entry.has_value());
        BOOST_TEST(entry->draft.memo == memo);
    }
}

BOOST_AUTO_TEST_SUITE_END()
