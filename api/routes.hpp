#pragma once
/// The request router: maps method and path to the handler for it.

#include <memory>

#include "api/http_server.hpp"

namespace riziki::db {
class Store;
class JournalWriter;
}  // namespace riziki::db

namespace riziki::api {

struct Services {
    db::Store* store = nullptr;
    db::JournalWriter* writer = nullptr;
};

/// The handler for every route of the API.
Handler make_router(Services services);

}  // namespace riziki::api
