#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/problem.hpp"
#include "api/sessions.hpp"
#include "db/errors.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    while (!path.empty()) {
        if (path.front() == '/')
            path.remove_prefix(1);
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
    return segments;
}

/// Whether `path` fits `pattern`; if so, its raw parameter values.
std::optional<std::vector<std::string_view>> match(const std::string& pattern,
                                                   const std::vector<std::string_view>& path) {
    const auto wanted = split_path(pattern);
    if (wanted.size() != path.size())
        return std::nullopt;
    std::vector<std::string_view> params;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (wanted[i].starts_with('{')) {
            if (path[i].empty())
                return std::nullopt;
            params.push_back(path[i]);
        } else if (wanted[i] != path[i]) {
            return std::nullopt;
        }
    }
    return params;
}

/// A path or query component as handlers get it: %-escapes decoded, and the result
/// well-formed UTF-8 without NUL, as every JSON string and every text column must be. An
/// overlong form, a surrogate or a stray byte would otherwise reach a problem's detail or
/// the database and fail there as a 500.
std::optional<std::string> decode_text(std::string_view raw, bool plus_is_space) {
    auto value = percent_decode(raw, plus_is_space);
    if (!value || !ledger::valid_text(*value))
        return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_query(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        auto key = decode_text(pair.substr(0, eq), true);
        auto value = decode_text(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!key || !value)
            return std::nullopt;
        out[*key] = *value;
    }
    return out;
}

void Router::add(Route route) {
    routes_.push_back(std::move(route));
}

Response Router::dispatch(const Request& request, const RequestContext& context) {
    const auto started = std::chrono::steady_clock::now();
    const std::string_view target(request.target().data(), request.target().size());
    const auto question = target.find('?');
    const auto segments = split_path(target.substr(0, question));
    const Route* found = nullptr;
    std::vector<std::string_view> raw;
    std::string allowed;
    for (const auto& route : routes_) {
        auto params = match(route.pattern, segments);
        if (!params)
            continue;
        if (route.method == request.method()) {
            found = &route;
            raw = std::move(*params);
            break;
        }
        if (!allowed.empty())
            allowed += ", ";
        allowed += std::string(http::to_string(route.method));
    }
    Response response;
    std::string label = "unmatched";
    if (found == nullptr && !allowed.empty()) {
        response = problem(http::status::method_not_allowed, "method_not_allowed",
                           "This path accepts " + allowed + ".", context);
        response.set(http::field::allow, allowed);
    } else if (found == nullptr) {
        response = problem(http::status::not_found, "not_found", "No such route.", context);
    } else {
        label = found->pattern;
        auto query =
            parse_query(question == std::string_view::npos ? "" : target.substr(question + 1));
        Call call{request, context, nullptr, {}, {}};
        bool decoded = query.has_value();
        for (auto param : raw) {
            auto value = decode_text(param, false);
            decoded = decoded && value.has_value();
            if (value)
                call.params.push_back(std::move(*value));
        }
        if (!decoded) {
            response = problem(http::status::bad_request, "malformed_request",
                               "The path or query is not text: a malformed %-escape, or bytes that "
                               "are not UTF-8 or are NUL.",
                               context);
        } else {
            call.query = std::move(*query);
            response = dispatch_matched(*found, call);
        }
    }
    secure_headers(response);
    metrics_.observe(label, response.result_int(),
                     std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count());
    return response;
}

Response Router::dispatch_matched(const Route& route, Call& call) {
    try {
        std::optional<Principal> principal;
        if (!route.public_route) {
            // A bearer token wins; without one, a session cookie may stand in.
            std::optional<SessionCaller> session;
            if (call.request[http::field::authorization].empty() && sessions_ != nullptr)
                session = sessions_->authenticate(call.request);
            if (session) {
                if (!csrf_satisfied(call.request, *session)) {
                    return problem(http::status::forbidden, "csrf_token_invalid",
                                   "A request made with a session cookie that may change "
                                   "something needs the session's X-CSRF-Token header.",
                                   call.context);
                }
                principal = std::move(session->principal);
            } else {
                principal = authenticator_.authenticate(call.request, call.context);
            }
            if (!principal) {
                authenticator_.record_failure(call.request, call.context);
                auto response =
                    problem(http::status::unauthorized, "unauthenticated",
                            "A valid bearer token or session is required.", call.context);
                response.set(http::field::www_authenticate, "Bearer");
                return response;
            }
            if (!route.roles.contains(principal->role)) {
                return problem(http::status::forbidden, "forbidden", "Your role may not do this.",
                               call.context);
            }
            call.principal = &*principal;
        }
        return route.handler(call);
    } catch (const db::QueryTimeout&) {
        // A report, export or verify ran past RIZIKI_QUERY_TIMEOUT_MS: a busy database or a
        // very large read, not a bug, and nothing was written.
        spdlog::warn("request_id={} a statement ran past its timeout", call.context.request_id);
        auto response =
            problem(http::status::service_unavailable, "query_timeout",
                    "The database took too long to answer and the query was stopped; retry "
                    "later, or ask for a shorter period.",
                    call.context);
        response.set(http::field::retry_after, "10");
        return response;
    } catch (const db::DatabaseUnavailable&) {
        spdlog::warn("request_id={} database unavailable", call.context.request_id);
        auto response = problem(http::status::service_unavailable, "database_unavailable",
                                "The database is unavailable; retry shortly.", call.context);
        response.set(http::field::retry_after, "1");
        return response;
    }
}

}  // namespace riziki::api
