#pragma once
/// Erasing a survivor's identity (docs/privacy.md, "Erasing a survivor's identity"): their
/// sealed PII and blind indexes are deleted, the pseudonymous record and the books stay.
/// POST /v1/survivors/{code}/erase (handlers_erasure.cpp) and `riziki survivor erase`
/// (erasure_command.cpp) share the reasons; the database does the erasing
/// (db::Programme::erase_survivor_pii, migration 0018).

#include <initializer_list>
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace riziki::api {

class Router;
struct Services;

/// Why an identity is erased, as a code: never free text, which could hold the very name or
/// phone number being erased, and the audit log keeps the reason for ever. The database's
/// CHECK on survivor_erasures.reason lists the same codes.
inline const std::initializer_list<std::string_view> kErasureReasons{
    "consent_withdrawn", "retention_ended", "safety", "survivor_request"};

/// POST /v1/survivors/{code}/erase, admin only (handlers_erasure.cpp).
void add_erasure_routes(Router& router, const Services& services);

/// riziki survivor erase SV-… --reason R: erases on the database `config` names, audited as
/// actor "cli". Exit 0 when erased; 2 when there is no such survivor; 3 when the identity
/// was erased before (nothing changes). An unknown reason is a UsageError.
int erase_survivor_command(const std::string& survivor, const std::string& reason,
                           const db::DatabaseConfig& config);

}  // namespace riziki::api
