#pragma once
/// A token bucket per key (a credential's actor): at most `per_minute` requests a minute on
/// average, `per_minute` at once after a quiet minute. What limits the routes that answer
/// "is this person enrolled here?" (POST /v1/survivors, POST /v1/survivors/lookup; issue
/// 18). In memory: a restart forgets it. Thread-safe. The clock is given, so tests move
/// time by hand.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace riziki::api {

class RateLimiter {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    /// What take() decided.
    struct Decision {
        bool allowed = true;
        /// When refused: whole seconds until one request is allowed again (at least 1).
        std::chrono::seconds retry_after{0};
        /// When refused: whether this is the key's first refusal since it was last allowed
        /// (what is worth an audit line; the refusals after it are not).
        bool first_refusal = false;
    };

    /// Keys beyond `keys_max` make room by forgetting full buckets (keys idle long enough
    /// to refill), then, if that is not enough, every bucket.
    explicit RateLimiter(
        int per_minute, Clock clock = [] { return std::chrono::steady_clock::now(); },
        std::size_t keys_max = 10000);
    /// A bucket of `burst` (at least 1) refilled at `per_minute`: the hub's records per
    /// member (api/hub_handlers.hpp).
    RateLimiter(int per_minute, int burst, Clock clock, std::size_t keys_max = 10000);

    /// Takes `count` requests' (or records') worth from `key`'s bucket if it holds them:
    /// all or none.
    Decision take(const std::string& key, int count = 1);

    int per_minute() const { return per_minute_; }

  private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point at;
        bool refusing = false;
    };
    void refill(Bucket& bucket, std::chrono::steady_clock::time_point now) const;
    void make_room(std::chrono::steady_clock::time_point now);

    int per_minute_;
    int burst_;
    Clock clock_;
    std::size_t keys_max_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

}  // namespace riziki::api
