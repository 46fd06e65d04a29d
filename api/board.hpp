#pragma once
/// Internal to api/: the first screens (SPEC §13), GET /v1/awards (handlers_board.cpp) and
/// GET /v1/dashboard (handlers_dashboard.cpp), which share one db::BoardReads.

#include "api/handlers.hpp"

namespace riziki::db {
class BoardReads;
}  // namespace riziki::db

namespace riziki::api {

/// GET /v1/dashboard: what the caller's role needs on its first screen, for its own funds
/// or records only, never PII.
Response dashboard(const Services& s, db::BoardReads& reads, Call& call);

}  // namespace riziki::api
