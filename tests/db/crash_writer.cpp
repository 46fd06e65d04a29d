// A load generator for the crash test: writes random entries from several threads and
// prints "ack <seq> <memo>" for each one only after its commit was acknowledged. The test
// kills it with SIGKILL at an arbitrary moment.

#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "db/journal_writer.hpp"
#include "tests/db/random_entries.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: crash_writer CONNINFO THREADS\n";
        return 2;
    }
    riziki::db::JournalWriter writer(argv[1]);
    std::mutex out;
    std::vector<std::thread> threads;
    for (int t = 0; t < std::stoi(argv[2]); ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 random(static_cast<unsigned long>(t) + 1);
            for (long i = 0;; ++i) {
                const std::string memo = "crash-" + std::to_string(t) + "-" + std::to_string(i);
                const auto outcome =
                    writer.write({riziki::testing::random_entry(random, memo, i), std::nullopt});
                std::lock_guard lock(out);
                std::cout << "ack " << outcome.entry.seq << " " << memo << std::endl;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
}
