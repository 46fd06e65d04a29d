#pragma once
/// Failures of the world, not of the user: the API answers these with 503.

#include <stdexcept>

namespace riziki::db {

/// The database could not be reached or dropped the connection. The operation did not
/// happen (or, for a commit in flight, the writer checked and reports accordingly); the
/// connection is re-established on the next call.
struct DatabaseUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// PostgreSQL cancelled a statement that ran, or waited for a lock, past its ReadLimits
/// (db/read_limits.hpp). Nothing was written; the same request may succeed when the
/// database is less busy. The API answers 503 query_timeout.
struct QueryTimeout : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace riziki::db
