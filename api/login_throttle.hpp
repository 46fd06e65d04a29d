#pragma once
/// Growing delays after failed logins (SPEC §12): per account and per client address, after
/// 5 failures the next attempt waits 1 s, after 6 2 s, then 4 s ... up to 15 minutes. During a
/// delay the password is not even checked, so a guess made then learns nothing. In memory and
/// bounded; a restart forgets it. The clock is an argument, so tests need no sleeps.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace riziki::api {

class LoginThrottle {
  public:
    using Clock = std::chrono::steady_clock;

    static constexpr int kFreeFailures = 5;
    static constexpr std::chrono::seconds kDelayMax{15 * 60};
    /// A key quiet this long after its last failure starts again from no failures: a day,
    /// so that waiting out the longest delay does not buy five free guesses again.
    static constexpr std::chrono::seconds kForgetAfter{24 * 60 * 60};
    /// Keys kept at most; when full, the stalest are dropped (an attacker spreading over
    /// more addresses than this gets no more than five guesses per address anyway).
    static constexpr std::size_t kKeysMax = 100000;

    /// How long `key` must still wait at `now`; zero when it may try.
    std::chrono::seconds wait(const std::string& key, Clock::time_point now);
    /// Counts a failure of `key` at `now`.
    void fail(const std::string& key, Clock::time_point now);
    /// Forgets `key`'s failures (a successful login of the account).
    void succeed(const std::string& key);
    /// The delay after `failures` failures: zero for fewer than 5, then 1 s after the 5th,
    /// doubling with each further failure, at most 15 minutes.
    static std::chrono::seconds delay_after(int failures);

  private:
    struct Entry {
        int failures = 0;
        Clock::time_point last_failure;
    };
    void drop_stale(Clock::time_point now);

    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace riziki::api
