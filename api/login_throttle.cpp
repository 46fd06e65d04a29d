#include "api/login_throttle.hpp"

#include <algorithm>

namespace riziki::api {

std::chrono::seconds LoginThrottle::delay_after(int failures) {
    if (failures < kFreeFailures)
        return std::chrono::seconds{0};
    const int doublings = std::min(failures - kFreeFailures, 20);
    return std::min(std::chrono::seconds{1LL << doublings}, kDelayMax);
}

std::chrono::seconds LoginThrottle::wait(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end())
        return std::chrono::seconds{0};
    const auto until = it->second.last_failure + delay_after(it->second.failures);
    if (now >= until)
        return std::chrono::seconds{0};
    // Rounded up, so that a client retrying after Retry-After is never still early.
    return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void LoginThrottle::fail(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kKeysMax && !entries_.contains(key))
        drop_stale(now);
    auto& entry = entries_[key];
    if (entry.failures > 0 && now - entry.last_failure > kForgetAfter)
        entry.failures = 0;
    ++entry.failures;
    entry.last_failure = now;
}

void LoginThrottle::succeed(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
}

void LoginThrottle::drop_stale(Clock::time_point now) {
    std::erase_if(entries_,
                  [&](const auto& item) { return now - item.second.last_failure > kForgetAfter; });
    if (entries_.size() >= kKeysMax)
        entries_.clear();  // every key is recent: a flood, and memory matters more
}

}  // namespace riziki::api
