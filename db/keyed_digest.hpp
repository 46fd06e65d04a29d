#pragma once
/// A credential's digest under one key of the PII keyring (api::PiiVault::credential_digests):
/// what db/ stores and looks up instead of a token, session id or password pepper.

#include <string>

#include "ledger/journal.hpp"

namespace riziki::db {

struct KeyedDigest {
    std::string key_id;  ///< 16 hex digits naming the key
    ledger::Hash digest{};
};

}  // namespace riziki::db
