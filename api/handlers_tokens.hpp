#pragma once
/// GET /v1/tokens and DELETE /v1/tokens/{id} (handlers_tokens.cpp; SPEC §12).

#include "api/handlers.hpp"

namespace riziki::db {
class Credentials;
}

namespace riziki::api {

/// The token routes: they read and revoke through `credentials`, and a revocation drops
/// the token from `authenticator`'s cache at once.
void add_token_routes(Router& router, db::Credentials& credentials, Authenticator& authenticator);

}  // namespace riziki::api
