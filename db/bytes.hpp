#pragma once
/// Internal to db/: raw bytes (sealed PII, digests) to and from what PostgreSQL reads and
/// writes as text.

#include <string>

namespace riziki::db {

/// Raw bytes as lower-case hex, for decode(:x, 'hex').
std::string hex_of(const std::string& bytes);
/// bytea text output ("\x0a1b...") or plain hex, as raw bytes.
std::string bytes_of_bytea(const std::string& text);

}  // namespace riziki::db
