#include "api/routes.hpp"

#include "api/problem.hpp"
#include "db/store.hpp"

namespace riziki::api {

namespace {

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

Response healthz(Services& services) {
    const auto head = services.store->head();
    return json_response(http::status::ok, {{"status", "ok"}, {"journal_seq", head.seq}});
}

}  // namespace

Handler make_router(Services services) {
    return [services](const Request& request, const RequestContext& context) mutable {
        const auto path = path_of({request.target().data(), request.target().size()});
        if (path == "/healthz") {
            if (request.method() != http::verb::get) {
                return problem(http::status::method_not_allowed, "method_not_allowed",
                               "Use GET.", context);
            }
            return healthz(services);
        }
        return problem(http::status::not_found, "not_found", "No such route.", context);
    };
}

}  // namespace riziki::api
