#pragma once
/// Serving the web app (SPEC §14) from the files embedded in the binary (api/web_assets.hpp):
/// no file system is read, whatever the path says.

#include <span>
#include <string_view>

#include "api/http_server.hpp"
#include "api/web_assets.hpp"

namespace riziki::api {

/// The Content-Security-Policy of every answer of the web app: its own scripts, styles,
/// fonts and images, and the API on the same origin; no inline script or style, no plugin,
/// no <base>, no framing, forms only to itself.
inline constexpr std::string_view kWebAppPolicy =
    "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; "
    "object-src 'none'";

/// Whether the request target (path and query) is the web app's rather than the API's: its
/// first path segment is not "healthz", "metrics" or an API version ("v1", "v2", ...),
/// compared ignoring ASCII case, so a misspelt API path still gets the API's problem.
bool is_web_app_target(std::string_view target);

/// The answer to a request for the web app, from `assets` (sorted by path):
/// - GET or HEAD of a file: 200 with its type, an ETag (304 when If-None-Match names it),
///   gzip when Accept-Encoding allows and a copy is kept (Vary: Accept-Encoding), cached
///   for a year when under /assets/ (Vite names those by their content), else no-cache;
/// - a missing file under /assets/ or a name with a file type's extension: 404 not_found;
/// - any other path (a client route such as /survivors/SV-7K): /index.html, no-cache;
/// - any other method: 405 method_not_allowed, Allow: GET, HEAD.
/// The path is %-decoded and then only compared with the table's paths, so ".." or "\"
/// can match nothing. Every answer carries the security headers of problem.hpp, with
/// kWebAppPolicy for the files (a problem keeps the API's stricter policy).
Response serve_web_app(const Request& request, const RequestContext& context,
                       std::span<const WebAsset> assets = web_assets());

}  // namespace riziki::api
