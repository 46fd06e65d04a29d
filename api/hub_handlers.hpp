#pragma once
/// The consortium hub's HTTP API (`riziki hub`, SPEC §16; docs/registry.md "The hub's API",
/// the contract): POST /hub/v1/check, GET /hub/v1/matches, DELETE /hub/v1/records/{ref},
/// PUT /hub/v1/activity/{YYYY-MM} and GET /hub/v1/statistics, each for a member holding a
/// live `rzh_` token, rate-limited per member by records sent (check alone) and
/// audit-logged (never a token or a value).

#include <chrono>
#include <memory>
#include <string>

#include "api/http_server.hpp"
#include "api/rate_limit.hpp"

namespace riziki::db {
class HubStore;
}

namespace riziki::api {

/// The most records one check may send.
inline constexpr std::size_t kHubCheckRecordsMax = 500;
/// The most records one month's activity may list.
inline constexpr std::size_t kHubActivityRecordsMax = 20000;

struct HubOptions {
    int records_burst = 120000;    ///< RIZIKI_HUB_RECORDS_BURST
    int records_per_minute = 100;  ///< RIZIKI_HUB_RECORDS_PER_MINUTE
    RateLimiter::Clock clock = [] { return std::chrono::steady_clock::now(); };
};

/// A fresh member token: "rzh_" and 43 base64url characters (256 random bits).
std::string generate_hub_token();
/// Whether `token` has that form (anything else is refused without a database read).
bool hub_token_shaped(std::string_view token);

/// The hub's handler over `store`, which must outlive it: loads every record into the
/// matching index (api/registry_index.hpp) first.
Handler make_hub_handler(db::HubStore& store, const HubOptions& options);

}  // namespace riziki::api
