#pragma once
/// Routes requests to handlers: path matching with {parameters}, query parsing,
/// authentication and the role check for every route, in one place.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.hpp"
#include "api/body.hpp"
#include "api/http_server.hpp"
#include "api/metrics.hpp"
#include "api/roles.hpp"

namespace riziki::api {

/// One request as a handler sees it.
struct Call {
    const Request& request;
    const RequestContext& context;
    const Principal* principal = nullptr;  ///< null only on public routes
    std::vector<std::string> params;       ///< path parameters, in pattern order, decoded
    std::map<std::string, std::string> query;

    /// The query parameter, or "" when absent.
    const std::string& query_value(const std::string& name) const {
        static const std::string kEmpty;
        const auto it = query.find(name);
        return it == query.end() ? kEmpty : it->second;
    }
};

/// A query string (after the '?') as name -> value, each %-decoded ('+' a space) and
/// well-formed UTF-8 without NUL; nullopt when some part is not such text.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

using RouteHandler = std::function<Response(Call&)>;

struct Route {
    http::verb method;
    std::string pattern;  ///< e.g. "/v1/entries/{id}/reverse"
    RoleSet roles;        ///< who may call it (api/roles.hpp); kPublic with public_route
    RouteHandler handler;
    bool public_route = false;  ///< no token needed (/healthz)
};

class Sessions;

class Router {
  public:
    Router(Authenticator& authenticator, Metrics& metrics)
        : authenticator_(authenticator), metrics_(metrics) {}
    /// Requests without an Authorization header may then authenticate with a session
    /// cookie (api/sessions.hpp).
    void accept_sessions(Sessions& sessions) { sessions_ = &sessions; }
    void add(Route route);
    /// Never throws for bad input: 404, 405, 401, 403, 400 are answered here; a database
    /// outage becomes 503.
    Response dispatch(const Request& request, const RequestContext& context);

  private:
    Response dispatch_matched(const Route& route, Call& call);
    Authenticator& authenticator_;
    Metrics& metrics_;
    Sessions* sessions_ = nullptr;
    std::vector<Route> routes_;
};

}  // namespace riziki::api
