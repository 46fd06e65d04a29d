#include "api/metrics.hpp"

#include <cstdio>

namespace riziki::api {

namespace {

/// Microseconds as seconds in decimal, without trailing zeros: 2500 -> "0.0025".
std::string seconds(std::int64_t us) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%06lld", static_cast<long long>(us / 1000000),
                  static_cast<long long>(us % 1000000));
    std::string out(text);
    while (out.back() == '0')
        out.pop_back();
    if (out.back() == '.')
        out.pop_back();
    return out;
}

}  // namespace

void Metrics::observe(const std::string& route, int status, std::int64_t duration_us) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    auto& histogram = latency_[route];
    ++histogram.count;
    histogram.sum_us += duration_us;
    for (std::size_t i = 0; i < kBucketsUs.size(); ++i) {
        if (duration_us <= kBucketsUs[i])
            ++histogram.buckets[i];
    }
}

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::string out =
        "# HELP riziki_http_requests_total HTTP requests by route and status.\n"
        "# TYPE riziki_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        out += "riziki_http_requests_total{route=\"" + key.first + "\",status=\"" +
               std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
    }
    out +=
        "# HELP riziki_http_request_duration_seconds Request latency by route.\n"
        "# TYPE riziki_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        const std::string labels = "route=\"" + route + "\"";
        for (std::size_t i = 0; i < kBucketsUs.size(); ++i) {
            out += "riziki_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
                   seconds(kBucketsUs[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
        }
        out += "riziki_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
               std::to_string(h.count) + "\n";
        out +=
            "riziki_http_request_duration_seconds_sum{" + labels + "} " + seconds(h.sum_us) + "\n";
        out += "riziki_http_request_duration_seconds_count{" + labels + "} " +
               std::to_string(h.count) + "\n";
    }
    return out;
}

}  // namespace riziki::api
