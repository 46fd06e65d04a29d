#pragma once
/// Internal to db/: the connection pool behind db::Pool, which JournalReads, Credentials,
/// Programme and ReportReads borrow.

#include <soci/connection-pool.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "db/errors.hpp"
#include "db/pool.hpp"
#include "db/program.hpp"
#include "db/sql.hpp"

namespace riziki::db {

/// A map from code to a value that can never change in the database, filled on first
/// read. Absent codes are not remembered (they may be created later). Bounded: emptied
/// when it holds `kMax` codes.
template <typename Value>
class ImmutableCache {
  public:
    static constexpr std::size_t kMax = 100000;

    template <typename Read>
    std::optional<Value> get(const std::string& code, Read&& read) {
        {
            std::lock_guard lock(mutex_);
            if (auto it = values_.find(code); it != values_.end())
                return it->second;
        }
        std::optional<Value> value = read();
        if (value) {
            std::lock_guard lock(mutex_);
            if (values_.size() >= kMax)
                values_.clear();
            values_.emplace(code, *value);
        }
        return value;
    }

  private:
    std::mutex mutex_;
    std::map<std::string, Value, std::less<>> values_;
};

struct Pool::Impl {
    explicit Impl(std::size_t size) : pool(size) {}
    soci::connection_pool pool;
    /// Facts that never change once written (a fund's currency, an award's fund and
    /// currency), kept after their first read so validating a request costs no query.
    ImmutableCache<std::string> fund_currencies;
    ImmutableCache<AwardPlace> award_places;

    /// Runs `work` on a pooled session. A pooled connection that died while idle (the
    /// server restarted) is re-opened and, for reads, the work retried once; a database
    /// that is still down is reported as DatabaseUnavailable.
    template <typename Work>
    auto with_session(Work&& work, bool read_only = true) {
        soci::session sql(pool);
        try {
            return work(sql);
        } catch (const soci::soci_error& error) {
            if (sql.is_connected())
                throw;
            try {
                reopen_session(sql);
            } catch (const soci::soci_error&) {
                throw DatabaseUnavailable(error.what());
            }
            // A write may have reached the server before the connection dropped: only
            // reads are repeated.
            if (!read_only)
                throw DatabaseUnavailable(error.what());
        }
        try {
            return work(sql);
        } catch (const soci::soci_error& error) {
            if (sql.is_connected())
                throw;
            throw DatabaseUnavailable(error.what());
        }
    }
};

}  // namespace riziki::db
