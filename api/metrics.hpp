#pragma once
/// Prometheus text metrics: requests by route and status, a latency histogram per route.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace riziki::api {

class Metrics {
  public:
    void observe(const std::string& route, int status, std::int64_t duration_us);
    /// Request metrics in the Prometheus text format (0.0.4).
    std::string render() const;

  private:
    static constexpr std::array<std::int64_t, 10> kBucketsUs{
        1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000};
    struct Histogram {
        std::array<std::uint64_t, kBucketsUs.size()> buckets{};
        std::uint64_t count = 0;
        std::int64_t sum_us = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

}  // namespace riziki::api
