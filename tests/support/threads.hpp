#pragma once
/// Threads for tests that fire work concurrently.

#include <cstddef>
#include <thread>
#include <vector>

namespace riziki::testing {

/// `count` threads, the i-th running `work(i)`; join() waits for them all, and so does the
/// destructor when join() was not called.
class Threads {
  public:
    template <typename Work>
    Threads(std::size_t count, Work work) {
        threads_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            threads_.emplace_back(work, i);
    }
    ~Threads() { join(); }
    Threads(const Threads&) = delete;
    Threads& operator=(const Threads&) = delete;

    void join() {
        for (auto& thread : threads_) {
            if (thread.joinable())
                thread.join();
        }
    }

  private:
    std::vector<std::thread> threads_;
};

}  // namespace riziki::testing
