#pragma once
/// application/problem+json answers (RFC 9457) with a stable snake_case `code`, and the
/// headers every answer carries.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.hpp"

namespace riziki::api {

struct FieldError {
    std::string field;
    std::string code;
    std::string message;
};

/// Sets the headers every answer of Riziki carries, whoever built it: the router calls it
/// on every answer it gives and problem() on every problem (those the HTTP server makes
/// before any route runs included). Answers carry PII and money, so no cache keeps them
/// (`Cache-Control: no-store`); no browser guesses their type (`nosniff`), frames them or
/// sends a Referer from them. The Content-Security-Policy of an HTML document (the donor
/// report: inline CSS and SVG, nothing fetched, no script) allows inline styles and nothing
/// else; every other answer's allows nothing. A download (any answer that is neither JSON
/// nor HTML: CSV, PDF, XLSX, XML, journal exports) is an attachment unless its handler
/// chose a Content-Disposition.
void secure_headers(Response& response);

/// The headers of secure_headers() that concern a browser (`nosniff`, no framing, no
/// Referer) with `policy` as the Content-Security-Policy, and no Cache-Control: for the web
/// app's files (api/web_app.hpp), which choose their own caching.
void browser_headers(Response& response, std::string_view policy);

/// A problem answer; secure_headers() applied.
/// `members`: more members of the problem object, e.g. where in an uploaded file it is.
Response problem(http::status status, const std::string& code, const std::string& detail,
                 const RequestContext& context, const std::vector<FieldError>& errors = {},
                 const nlohmann::json& members = nlohmann::json::object());

Response json_response(http::status status, const nlohmann::json& body);

}  // namespace riziki::api
