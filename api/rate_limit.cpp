#include "api/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace riziki::api {

RateLimiter::RateLimiter(int per_minute, Clock clock, std::size_t keys_max)
    : RateLimiter(per_minute, per_minute, std::move(clock), keys_max) {}

RateLimiter::RateLimiter(int per_minute, int burst, Clock clock, std::size_t keys_max)
    : per_minute_(std::max(per_minute, 1)),
      burst_(std::max(burst, 1)),
      clock_(std::move(clock)),
      keys_max_(keys_max) {}

void RateLimiter::refill(Bucket& bucket, std::chrono::steady_clock::time_point now) const {
    const std::chrono::duration<double> elapsed = now - bucket.at;
    const double added = std::max(elapsed.count(), 0.0) * per_minute_ / 60.0;
    bucket.tokens = std::min(bucket.tokens + added, static_cast<double>(burst_));
    bucket.at = now;
}

void RateLimiter::make_room(std::chrono::steady_clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        refill(it->second, now);
        it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() >= keys_max_)
        buckets_.clear();
}

RateLimiter::Decision RateLimiter::take(const std::string& key, int count) {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= keys_max_)
            make_room(now);
        it = buckets_.emplace(key, Bucket{static_cast<double>(burst_), now, false}).first;
    }
    Bucket& bucket = it->second;
    refill(bucket, now);
    const double wanted = std::max(count, 1);
    if (bucket.tokens >= wanted) {
        bucket.tokens -= wanted;
        bucket.refusing = false;
        return {};
    }
    const double wait = (wanted - bucket.tokens) * 60.0 / per_minute_;
    Decision refused{false, std::chrono::seconds(std::max(1LL, std::llround(std::ceil(wait)))),
                     !bucket.refusing};
    bucket.refusing = true;
    return refused;
}

}  // namespace riziki::api
