#include "api/problem.hpp"

#include <algorithm>
#include <cctype>

namespace riziki::api {

namespace {

/// For an answer that is not a document: nothing may load, nothing may frame it.
constexpr const char* kNothingPolicy = "default-src 'none'; frame-ancestors 'none'";
/// For an HTML document: inline CSS (the report's <style> and style attributes) and inline
/// SVG, which is markup rather than a fetched image; no script, no fetch, no form, no
/// <base>, no framing.
constexpr const char* kDocumentPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'";

/// The media type without its parameters, lower-cased: "text/html; charset=utf-8" ->
/// "text/html".
std::string media_type(const Response& response) {
    const auto header = response[http::field::content_type];
    std::string type(header.data(), std::min(header.size(), header.find(';')));
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    for (auto& c : type)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

}  // namespace

void secure_headers(Response& response) {
    const auto type = media_type(response);
    const bool html = type == "text/html";
    const bool json = type == "application/json" || type == "application/problem+json";
    response.set(http::field::cache_control, "no-store");
    browser_headers(response, html ? kDocumentPolicy : kNothingPolicy);
    if (!html && !json && !type.empty() &&
        response.find(http::field::content_disposition) == response.end()) {
        response.set(http::field::content_disposition, "attachment");
    }
}

void browser_headers(Response& response, std::string_view policy) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Content-Security-Policy", std::string(policy));
}

Response problem(http::status status, const std::string& code, const std::string& detail,
                 const RequestContext& context, const std::vector<FieldError>& errors,
                 const nlohmann::json& members) {
    nlohmann::json body{
        {"type", "https://riziki.invalid/problems/" + code},
        {"title", std::string(http::obsolete_reason(status))},
        {"status", static_cast<int>(status)},
        {"detail", detail},
        {"code", code},
        {"request_id", context.request_id},
    };
    if (!errors.empty()) {
        auto& list = body["errors"] = nlohmann::json::array();
        for (const auto& e : errors) {
            list.push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
        }
    }
    body.update(members);
    Response response{status, 11};
    response.set(http::field::content_type, "application/problem+json");
    response.body() = body.dump();
    secure_headers(response);
    return response;
}

Response json_response(http::status status, const nlohmann::json& body) {
    Response response{status, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = body.dump();
    return response;
}

}  // namespace riziki::api
