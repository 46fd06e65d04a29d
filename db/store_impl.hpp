#pragma once
/// Internal to db/: the store's connection pool, shared by the files that implement Store.

#include <soci/connection-pool.h>

#include <map>
#include <mutex>
#include <string>

#include "db/errors.hpp"
#include "db/sql.hpp"
#include "db/store.hpp"

namespace riziki::db {

struct Store::Impl {
    explicit Impl(std::size_t size) : pool(size) {}
    soci::connection_pool pool;
    std::mutex fund_mutex;
    std::map<std::string, std::string, std::less<>> fund_currencies;

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
                sql.reconnect();
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
