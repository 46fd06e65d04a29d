#pragma once
/// The API: every route, with the roles that may call it.

#include <cstddef>
#include <string>

#include "api/http_server.hpp"

namespace riziki::db {
class Pool;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

class PiiVault;

/// The handler for every route of the API (owns its router, metrics and token cache, and
/// the reads and record writes on `pool`). `conninfo` is for verify, which reads the whole
/// journal in one snapshot of its own. `vault` seals and opens survivors' PII.
Handler make_api(db::Pool& pool, db::JournalWriter& writer, const std::string& conninfo,
                 const PiiVault& vault);

}  // namespace riziki::api
