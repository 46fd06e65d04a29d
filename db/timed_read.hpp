#pragma once
/// Internal to db/: statements that PostgreSQL cancels when they run longer than a
/// ReadLimits allows, and the QueryTimeout a cancelled one becomes.

#include <soci/soci.h>

#include "db/errors.hpp"
#include "db/read_limits.hpp"

namespace riziki::db {

/// In the open transaction, has PostgreSQL cancel any statement that runs, or waits for a
/// lock, longer than `limits` allow (SET LOCAL: the pooled connection keeps no setting
/// once the transaction ends). Nothing when they set no limit.
void limit_statements(soci::session& sql, const ReadLimits& limits);

/// Whether `error` is PostgreSQL cancelling a statement: SQLSTATE 57014, raised by
/// statement_timeout (or an operator's pg_cancel_backend).
bool is_cancelled(const soci::soci_error& error);

/// Runs `work()`; a statement PostgreSQL cancelled becomes QueryTimeout, which the pool's
/// reconnect-and-retry lets through (it is no soci_error) and the API answers with 503.
template <typename Work>
auto cancelled_as_timeout(Work&& work) {
    try {
        return work();
    } catch (const soci::soci_error& error) {
        if (is_cancelled(error))
            throw QueryTimeout(error.what());
        throw;
    }
}

/// Runs `work(sql)`, a read with no transaction of its own, in one limited by `limits`
/// (at READ COMMITTED, as it would have run alone); without a limit, as it is.
template <typename Work>
auto timed_read(soci::session& sql, const ReadLimits& limits, Work&& work) {
    if (limits.statement_timeout.count() <= 0)
        return work(sql);
    return cancelled_as_timeout([&] {
        soci::transaction tx(sql);
        limit_statements(sql, limits);
        auto result = work(sql);
        tx.commit();
        return result;
    });
}

}  // namespace riziki::db
