#include "api/auth_failures.hpp"

#include <spdlog/spdlog.h>

#include "ledger/date.hpp"

namespace riziki::api {

namespace {

/// Longer keys are cut: an address is at most 45 characters (IPv6 with an IPv4 tail).
constexpr std::size_t kKeyLengthMax = 64;
constexpr std::string_view kOtherKey = "other";
constexpr std::int64_t kMicrosecondsPerMinute = 60'000'000;

std::int64_t minute_of(std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::minutes>(at.time_since_epoch()).count();
}

}  // namespace

std::string_view to_string(AuthFailures::Kind kind) {
    switch (kind) {
        case AuthFailures::Kind::token:
            return "token";
        case AuthFailures::Kind::login:
            return "login";
        case AuthFailures::Kind::session:
            return "session";
    }
    return "token";
}

AuthFailures::AuthFailures(Sink sink, Options options)
    : sink_(std::move(sink)), options_(std::move(options)) {
    if (options_.flush_interval.count() > 0)
        flusher_ = std::thread([this] { run(); });
}

AuthFailures::~AuthFailures() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_signal_.notify_all();
    if (flusher_.joinable())
        flusher_.join();
    try {
        flush(true);
    } catch (const std::exception& error) {
        spdlog::warn("failed authentications of the last minutes not audited: {}", error.what());
    }
}

void AuthFailures::run() {
    std::unique_lock lock(stop_mutex_);
    while (!stop_signal_.wait_for(lock, options_.flush_interval, [this] { return stopping_; })) {
        lock.unlock();
        try {
            flush(false);
        } catch (const std::exception& error) {
            spdlog::warn("failed authentications not audited yet (kept for the next flush): {}",
                         error.what());
        }
        lock.lock();
    }
}

void AuthFailures::record(Kind kind, std::string_view key, std::string_view request_id) {
    totals_[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
    const auto minute = minute_of(options_.clock());
    std::string name(key.substr(0, kKeyLengthMax));
    std::lock_guard lock(mutex_);
    auto& counts = minutes_[minute];
    auto it = counts.find({kind, name});
    if (it == counts.end()) {
        if (counts.size() >= options_.keys_per_minute_max)
            name = kOtherKey;
        it = counts.try_emplace({kind, std::move(name)}, Count{0, std::string(request_id)}).first;
    }
    ++it->second.attempts;
}

std::vector<db::AuditEvent> AuthFailures::events_of(const std::map<std::int64_t, Minute>& taken) {
    std::vector<db::AuditEvent> events;
    for (const auto& [minute, counts] : taken) {
        const std::string from = ledger::format_timestamp_us(minute * kMicrosecondsPerMinute);
        for (const auto& [what, count] : counts) {
            events.push_back({"anonymous", count.first_request_id, "auth.failed", what.second,
                              std::to_string(count.attempts) + " failed " +
                                  std::string(to_string(what.first)) +
                                  " attempts in the minute from " + from});
        }
    }
    return events;
}

void AuthFailures::flush(bool everything) {
    std::lock_guard one_at_a_time(flush_mutex_);
    const auto now = minute_of(options_.clock());
    std::map<std::int64_t, Minute> taken;
    {
        std::lock_guard lock(mutex_);
        for (auto it = minutes_.begin(); it != minutes_.end() && (everything || it->first < now);) {
            taken.insert(minutes_.extract(it++));
        }
    }
    if (taken.empty())
        return;
    try {
        sink_(events_of(taken));
    } catch (...) {
        std::lock_guard lock(mutex_);
        for (auto& [minute, counts] : taken) {
            auto& kept = minutes_[minute];
            for (auto& [what, count] : counts) {
                auto& into = kept[what];
                into.attempts += count.attempts;
                if (into.first_request_id.empty())
                    into.first_request_id = std::move(count.first_request_id);
            }
        }
        while (minutes_.size() > options_.pending_minutes_max) {
            spdlog::warn(
                "failed authentications of a minute dropped unaudited: the database "
                "refused them for {} minutes",
                options_.pending_minutes_max);
            minutes_.erase(minutes_.begin());
        }
        throw;
    }
}

std::uint64_t AuthFailures::total(Kind kind) const {
    return totals_[static_cast<std::size_t>(kind)].load(std::memory_order_relaxed);
}

std::string AuthFailures::render_metrics() const {
    std::string out =
        "# HELP riziki_auth_failures_total Requests refused for their credentials.\n"
        "# TYPE riziki_auth_failures_total counter\n";
    for (const Kind kind : kKinds) {
        out += "riziki_auth_failures_total{kind=\"" + std::string(to_string(kind)) + "\"} " +
               std::to_string(total(kind)) + "\n";
    }
    return out;
}

}  // namespace riziki::api
