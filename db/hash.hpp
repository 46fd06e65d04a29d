#pragma once
/// SHA-256 (OpenSSL) for the journal's hash chain and for request fingerprints.

#include <cstdint>
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

/// One audit line's fields, as its hash covers them.
struct AuditLine {
    std::int64_t seq = 0;
    std::int64_t at_us = 0;  ///< microseconds since 1970, UTC
    std::string_view actor, request_id, action, subject, detail;
};

/// SHA-256(prev_hash ‖ the line's fields): the bytes riziki_audit_bytes() spells
/// (migration 0004), each text field prefixed by its length in characters, as
/// PostgreSQL's length() counts them.
ledger::Hash audit_hash(const ledger::Hash& prev_hash, const AuditLine& line);

}  // namespace riziki::db
