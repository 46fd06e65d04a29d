#pragma once
/// Failed authentication, counted in memory and written to the audit log one row per key
/// per minute (issue 18, docs/security.md): a flood of bad credentials costs a map update
/// each, never an audit row, so no request that fails takes the audit head's lock, which
/// the journal writer takes every batch.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "db/program.hpp"

namespace riziki::api {

class AuthFailures {
  public:
    /// What failed: a bearer token (missing, malformed, unknown, expired or revoked), a
    /// password at login, a session cookie.
    enum class Kind : std::uint8_t { token, login, session };
    static constexpr std::array<Kind, 3> kKinds{Kind::token, Kind::login, Kind::session};

    /// Writes one flush's rows, all in one transaction (db::Credentials::audit).
    using Sink = std::function<void(const std::vector<db::AuditEvent>&)>;
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    struct Options {
        /// Distinct keys kept per minute; failures of further keys are counted under the
        /// key "other", so a flood from many addresses costs bounded memory.
        std::size_t keys_per_minute_max = 10000;
        /// How often the background flush writes the minutes that have ended. Zero: no
        /// background flush (flush() by hand, and at destruction).
        std::chrono::milliseconds flush_interval{std::chrono::seconds(10)};
        /// Minutes kept while the database refuses the rows; older ones are dropped (and
        /// the drop logged).
        std::size_t pending_minutes_max = 60;
        Clock clock = [] { return std::chrono::system_clock::now(); };
    };

    explicit AuthFailures(Sink sink) : AuthFailures(std::move(sink), Options{}) {}
    AuthFailures(Sink sink, Options options);
    /// Stops the background flush and writes every minute, the current one too.
    ~AuthFailures();
    AuthFailures(const AuthFailures&) = delete;
    AuthFailures& operator=(const AuthFailures&) = delete;

    /// Counts one failure of `kind` from `key`: the client's address, or "user:N" for a
    /// known account. Never a token, a password or a typed user name that names no one.
    /// `request_id` (the first of the key's minute) goes on the audit row to find the
    /// access-log line. Never blocks on the database.
    void record(Kind kind, std::string_view key, std::string_view request_id = "");
    /// Writes the minutes that have ended (every minute when `everything`), one row per
    /// (kind, key, minute), all in one transaction. Rows the database refused are kept for
    /// the next flush.
    void flush(bool everything = false);
    /// Failures counted since the start, of `kind` (riziki_auth_failures_total).
    std::uint64_t total(Kind kind) const;
    /// riziki_auth_failures_total{kind="…"} in the Prometheus text format.
    std::string render_metrics() const;

  private:
    struct Count {
        std::uint64_t attempts = 0;
        std::string first_request_id;
    };
    using Minute = std::map<std::pair<Kind, std::string>, Count>;

    void run();
    static std::vector<db::AuditEvent> events_of(const std::map<std::int64_t, Minute>& taken);

    Sink sink_;
    Options options_;
    std::array<std::atomic<std::uint64_t>, kKinds.size()> totals_{};
    mutable std::mutex mutex_;
    std::map<std::int64_t, Minute> minutes_;  ///< by minutes since the Unix epoch
    std::mutex flush_mutex_;                  ///< one flush at a time
    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_ = false;
    std::thread flusher_;
};

std::string_view to_string(AuthFailures::Kind kind);

}  // namespace riziki::api
