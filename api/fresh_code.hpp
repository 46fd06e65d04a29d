#pragma once
/// Records named by a random code: survivors ("SV-…") and awards ("AW-…"); survivors' record
/// keys.

#include <functional>
#include <string>
#include <string_view>

#include "ledger/rejection.hpp"

namespace riziki::api {

/// How many codes are drawn before giving up (32^8 codes: a collision is already rare).
inline constexpr int kCodeAttempts = 5;

/// `prefix` followed by 8 characters of an unambiguous alphabet (no I, O, 0, 1), drawn
/// with libsodium: random, so a code says nothing about who or when.
std::string random_code(std::string_view prefix);

/// A survivor's record key (ledger::kRecordKeyRange), drawn uniformly with libsodium: the
/// cell key method's secret, stored with the survivor and never shown (docs/privacy.md).
int random_record_key();

/// A record key for the demo's fictitious survivors: libsodium's deterministic generator
/// seeded from the demo's seed and the survivor's code, so the demo's reports are the same
/// every time. Never for a real enrolment.
int demo_record_key(unsigned seed, std::string_view code);

/// Inserts a record under a fresh code: draws one, calls `insert(code)`, and draws again
/// while it answers already_exists (the code was taken), at most kCodeAttempts times.
/// Returns what the last insert answered (never already_exists); throws when every code
/// drawn was taken, naming `what` ("survivor code", "award id").
ledger::Rejection insert_with_fresh_code(
    std::string_view prefix, std::string_view what,
    const std::function<ledger::Rejection(const std::string& code)>& insert);

}  // namespace riziki::api
