#pragma once
/// SHA-256 (OpenSSL) for the journal's hash chain and for request fingerprints.

#include <string>
#include <string_view>

#include "ledger/journal.hpp"

namespace riziki::db {

ledger::Hash sha256(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);

/// SHA-256(prev_hash ‖ canonical bytes): the hash an entry must carry.
inline ledger::Hash entry_hash(const ledger::Entry& entry) {
    return sha256(ledger::chain_input(entry));
}

}  // namespace riziki::db
