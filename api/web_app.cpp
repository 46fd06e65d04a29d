#include "api/web_app.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "api/body.hpp"
#include "api/problem.hpp"

namespace riziki::api {

namespace {

/// Vite names everything under /assets/ by its content, so a name never changes meaning.
constexpr std::string_view kHashedPrefix = "/assets/";
constexpr const char* kCacheForever = "public, max-age=31536000, immutable";
/// index.html and the other fixed names: kept, but asked about again before each use.
constexpr const char* kCacheRevalidate = "no-cache";

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

/// Calls `each` with every trimmed, non-empty element of a comma-separated header value.
template <typename Each>
void for_each_element(std::string_view list, Each each) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto element = trim_white_space(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (!element.empty())
            each(element);
    }
}

/// Whether a coding's parameters give it q=0 ("q=0", "q=0.0", "q=0.000"), which refuses it.
bool refused(std::string_view parameters) {
    for (;;) {
        const auto semicolon = parameters.find(';');
        const auto parameter = trim_white_space(parameters.substr(0, semicolon));
        if (parameter.size() >= 2 && same_ignoring_case(parameter.substr(0, 2), "q=")) {
            const auto value = parameter.substr(2);
            return !value.empty() && value.front() == '0' &&
                   value.find_first_not_of("0.") == std::string_view::npos;
        }
        if (semicolon == std::string_view::npos)
            return false;
        parameters = parameters.substr(semicolon + 1);
    }
}

/// Whether Accept-Encoding allows gzip: named (or "*" when gzip is not named) and not q=0.
bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<bool> gzip;
    std::optional<bool> any;
    for_each_element(accept_encoding, [&](std::string_view element) {
        const auto semicolon = element.find(';');
        const auto coding = trim_white_space(element.substr(0, semicolon));
        const bool allowed =
            semicolon == std::string_view::npos || !refused(element.substr(semicolon + 1));
        if (same_ignoring_case(coding, "gzip") || same_ignoring_case(coding, "x-gzip"))
            gzip = allowed;
        else if (coding == "*")
            any = allowed;
    });
    return gzip.value_or(any.value_or(false));
}

/// The entity tag of the gzip copy: the file's, with "-gzip" inside the quotes.
std::string gzip_tag(std::string_view etag) {
    return std::string(etag.substr(0, etag.size() - 1)) + "-gzip\"";
}

/// Whether If-None-Match names either copy of the file (weak comparison) or is "*".
bool not_modified(std::string_view if_none_match, const WebAsset& asset) {
    const auto zipped = gzip_tag(asset.etag);
    bool found = false;
    for_each_element(if_none_match, [&](std::string_view tag) {
        if (tag.starts_with("W/"))
            tag.remove_prefix(2);
        found = found || tag == "*" || tag == asset.etag || tag == zipped;
    });
    return found;
}

std::string_view header(const Request& request, http::field name) {
    const auto value = request[name];
    return {value.data(), value.size()};
}

const WebAsset* find_asset(std::span<const WebAsset> assets, std::string_view path) {
    const auto it = std::lower_bound(
        assets.begin(), assets.end(), path,
        [](const WebAsset& asset, std::string_view wanted) { return asset.path < wanted; });
    return it != assets.end() && it->path == path ? &*it : nullptr;
}

Response file_answer(const Request& request, const WebAsset& asset, bool hashed) {
    const bool zipped =
        !asset.gzip.empty() && accepts_gzip(header(request, http::field::accept_encoding));
    Response response{http::status::ok, 11};
    response.set(http::field::cache_control, hashed ? kCacheForever : kCacheRevalidate);
    response.set(http::field::etag, zipped ? gzip_tag(asset.etag) : std::string(asset.etag));
    if (!asset.gzip.empty())
        response.set(http::field::vary, "Accept-Encoding");
    browser_headers(response, kWebAppPolicy);
    if (not_modified(header(request, http::field::if_none_match), asset)) {
        response.result(http::status::not_modified);
        return response;
    }
    response.set(http::field::content_type, std::string(asset.content_type));
    if (zipped)
        response.set(http::field::content_encoding, "gzip");
    response.body() = zipped ? asset.gzip : asset.bytes;
    return response;
}

}  // namespace

bool is_web_app_target(std::string_view target) {
    const auto path = target.substr(0, target.find('?'));
    if (!path.starts_with('/'))
        return false;  // "*" or an absolute URL: the router's 404
    const auto rest = path.substr(1);
    const auto segment = rest.substr(0, rest.find('/'));
    const bool version = segment.size() >= 2 && (segment[0] == 'v' || segment[0] == 'V') &&
                         segment.find_first_not_of("0123456789", 1) == std::string_view::npos;
    return !version && !same_ignoring_case(segment, "healthz") &&
           !same_ignoring_case(segment, "metrics");
}

Response serve_web_app(const Request& request, const RequestContext& context,
                       std::span<const WebAsset> assets) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        auto response = problem(http::status::method_not_allowed, "method_not_allowed",
                                "The web app's paths accept GET, HEAD.", context);
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    const std::string_view target(request.target().data(), request.target().size());
    // Decoded only to be compared with the table's names: nothing is opened, so "..", "\"
    // or an encoded "/" find nothing.
    const auto path = percent_decode(target.substr(0, target.find('?')), false);
    if (path) {
        if (const auto* asset = find_asset(assets, *path))
            return file_answer(request, *asset, path->starts_with(kHashedPrefix));
    }
    // A file that is not there, rather than a client route: a broken reference should
    // fail loudly, not load the app as a script or a font.
    const bool file_wanted =
        !path || path->starts_with(kHashedPrefix) || web_file_type(*path) != nullptr;
    const auto* index = file_wanted ? nullptr : find_asset(assets, "/index.html");
    if (index == nullptr)
        return problem(http::status::not_found, "not_found", "No such file.", context);
    return file_answer(request, *index, false);
}

}  // namespace riziki::api
