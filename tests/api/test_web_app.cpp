// The web app's files served from the binary (issue 19, SPEC §14; api/web_app.hpp): the
// real embedded table (web/ as built) is what the server must answer with, byte for byte.
// Hashed assets are cached for a year, index.html and client routes are revalidated, gzip
// only when the client allows it, 304 for a known ETag, HEAD without a body, 404 for a file
// that is not there, and no path, however it is spelt, reads anything but the table.

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/web_app.hpp"
#include "api/web_assets.hpp"
#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;
using riziki::api::WebAsset;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

const std::string kPolicy(riziki::api::kWebAppPolicy);
const char* const kNothingPolicy = "default-src 'none'; frame-ancestors 'none'";
const char* const kForever = "public, max-age=31536000, immutable";

const WebAsset& asset(const std::string& path) {
    for (const auto& item : riziki::api::web_assets()) {
        if (item.path == path)
            return item;
    }
    throw std::logic_error("no embedded file " + path);
}

/// The embedded files whose path ends with `suffix` (".js") and starts with "/assets/".
std::vector<WebAsset> hashed(const std::string& suffix) {
    std::vector<WebAsset> out;
    for (const auto& item : riziki::api::web_assets()) {
        if (item.path.starts_with("/assets/") && item.path.ends_with(suffix))
            out.push_back(item);
    }
    return out;
}

std::string gunzip(const std::string& zipped) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        throw std::runtime_error("inflateInit2");
    std::string out;
    char buffer[16384];
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zipped.data()));
    stream.avail_in = static_cast<uInt>(zipped.size());
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        throw std::runtime_error("not a whole gzip stream");
    return out;
}

/// The headers every answer of the web app with a file carries.
void check_file_headers(const HttpResponse& response, const WebAsset& file, bool forever) {
    BOOST_TEST(response.header("Content-Security-Policy") == kPolicy);
    BOOST_TEST(response.header("X-Content-Type-Options") == "nosniff");
    BOOST_TEST(response.header("X-Frame-Options") == "DENY");
    BOOST_TEST(response.header("Referrer-Policy") == "no-referrer");
    BOOST_TEST(response.header("Cache-Control") == (forever ? kForever : "no-cache"));
    BOOST_TEST(response.header_count("Content-Security-Policy") == 1u);
    BOOST_TEST(response.header_count("Cache-Control") == 1u);
    BOOST_TEST(well_formed_request_id(response.header("X-Request-Id")));
    if (response.status == 200)
        BOOST_TEST(response.header("Content-Type") == std::string(file.content_type));
}

/// 200 with index.html as built, uncompressed, revalidated.
void check_index(const HttpResponse& response) {
    const auto& index = asset("/index.html");
    BOOST_TEST(response.status == 200);
    check_file_headers(response, index, false);
    BOOST_TEST(response.header("Content-Type") == "text/html; charset=utf-8");
    BOOST_TEST(response.header("ETag") == std::string(index.etag));
    BOOST_TEST(response.header("Content-Encoding") == "");
    BOOST_TEST(response.body == std::string(index.bytes));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(web_app, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(the_table_holds_the_built_app) {
    const auto& index = asset("/index.html");
    BOOST_TEST(std::string(index.bytes).starts_with("<!doctype html>"));
    BOOST_TEST(hashed(".js").size() >= 1u);
    BOOST_TEST(hashed(".css").size() >= 1u);
    BOOST_TEST(hashed(".woff2").size() >= 1u);
    // index.html names every hashed script and stylesheet by the name it is served under.
    for (const auto& file : hashed(".js")) {
        if (std::string(index.bytes).find(file.path) != std::string::npos)
            return;
    }
    BOOST_ERROR("index.html names no embedded script");
}

BOOST_AUTO_TEST_CASE(the_root_is_index_html_with_its_policy_and_revalidated) {
    auto client = server().client();
    check_index(client.get("/"));
    check_index(client.get("/index.html"));
}

BOOST_AUTO_TEST_CASE(hashed_assets_are_cached_for_a_year_with_their_type) {
    auto client = server().client();
    std::vector<WebAsset> files = hashed(".js");
    for (const char* suffix : {".css", ".woff2"}) {
        const auto more = hashed(suffix);
        files.insert(files.end(), more.begin(), more.end());
    }
    for (const auto& file : files) {
        BOOST_TEST_CONTEXT(file.path) {
            const auto response = client.get(std::string(file.path));
            BOOST_TEST(response.status == 200);
            check_file_headers(response, file, true);
            BOOST_TEST(response.body == std::string(file.bytes));
            BOOST_TEST(response.header("Content-Disposition") == "");
        }
    }
    BOOST_TEST(asset(std::string(hashed(".js").front().path)).content_type ==
               "text/javascript; charset=utf-8");
    BOOST_TEST(hashed(".css").front().content_type == "text/css; charset=utf-8");
    BOOST_TEST(hashed(".woff2").front().content_type == "font/woff2");
    // A fixed name outside /assets/ is revalidated like index.html.
    const auto favicon = client.get("/favicon.svg");
    BOOST_TEST(favicon.status == 200);
    check_file_headers(favicon, asset("/favicon.svg"), false);
    BOOST_TEST(favicon.header("Content-Type") == "image/svg+xml");
}

BOOST_AUTO_TEST_CASE(gzip_when_the_client_allows_it_and_identity_when_not) {
    auto client = server().client();
    const auto script = hashed(".js").front();
    const std::string path(script.path);
    const std::string bytes(script.bytes);
    BOOST_TEST_REQUIRE(!script.gzip.empty());
    BOOST_TEST(script.gzip.size() < script.bytes.size());
    for (const char* accept :
         {"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*", "identity, *;q=0.1", "GZIP"}) {
        BOOST_TEST_CONTEXT("Accept-Encoding: " << accept) {
            const auto zipped = client.get(path, {{"Accept-Encoding", accept}});
            BOOST_TEST(zipped.status == 200);
            BOOST_TEST(zipped.header("Content-Encoding") == "gzip");
            BOOST_TEST(zipped.header("Vary") == "Accept-Encoding");
            BOOST_TEST(zipped.body == std::string(script.gzip));
            BOOST_TEST(gunzip(zipped.body) == bytes);
            BOOST_TEST(zipped.header("ETag") ==
                       std::string(script.etag.substr(0, script.etag.size() - 1)) + "-gzip\"");
        }
    }
    for (const char* accept :
         {"", "identity", "br", "gzip;q=0", "gzip; q=0.000, br", "*;q=0", "*, gzip;q=0"}) {
        BOOST_TEST_CONTEXT("Accept-Encoding: " << accept) {
            HeaderList headers;
            if (*accept != '\0')
                headers.push_back({"Accept-Encoding", accept});
            const auto plain = client.get(path, headers);
            BOOST_TEST(plain.status == 200);
            BOOST_TEST(plain.header("Content-Encoding") == "");
            BOOST_TEST(plain.header("Vary") == "Accept-Encoding");
            BOOST_TEST(plain.body == bytes);
            BOOST_TEST(plain.header("ETag") == std::string(script.etag));
        }
    }
    // Fonts come compressed: no gzip copy, no Vary.
    const auto font = hashed(".woff2").front();
    BOOST_TEST(font.gzip.empty());
    const auto woff2 = client.get(std::string(font.path), {{"Accept-Encoding", "gzip"}});
    BOOST_TEST(woff2.header("Content-Encoding") == "");
    BOOST_TEST(woff2.header("Vary") == "");
    BOOST_TEST(woff2.body == std::string(font.bytes));
}

BOOST_AUTO_TEST_CASE(a_known_etag_is_answered_304_without_a_body) {
    auto client = server().client();
    const auto script = hashed(".js").front();
    const std::string path(script.path);
    const std::string tag(script.etag);
    const std::string zipped_tag = tag.substr(0, tag.size() - 1) + "-gzip\"";
    for (const auto& [given, accept] :
         std::vector<std::pair<std::string, std::string>>{{tag, ""},
                                                          {"W/" + tag, ""},
                                                          {"\"other\", " + tag, ""},
                                                          {"*", ""},
                                                          {zipped_tag, "gzip"},
                                                          {tag, "gzip"}}) {
        BOOST_TEST_CONTEXT("If-None-Match: " << given << ", Accept-Encoding: " << accept) {
            HeaderList headers{{"If-None-Match", given}};
            if (!accept.empty())
                headers.push_back({"Accept-Encoding", accept});
            const auto response = client.get(path, headers);
            BOOST_TEST(response.status == 304);
            BOOST_TEST(response.body == "");
            BOOST_TEST(response.header("ETag") == (accept.empty() ? tag : zipped_tag));
            check_file_headers(response, script, true);
        }
    }
    const auto changed = client.get(path, {{"If-None-Match", "\"0123456789abcdef\""}});
    BOOST_TEST(changed.status == 200);
    BOOST_TEST(changed.body == std::string(script.bytes));
    const auto& index = asset("/index.html");
    const auto revalidated =
        client.get("/survivors/SV-X", {{"If-None-Match", std::string(index.etag)}});
    BOOST_TEST(revalidated.status == 304);
    BOOST_TEST(revalidated.header("Cache-Control") == "no-cache");
}

BOOST_AUTO_TEST_CASE(client_routes_are_index_html) {
    auto client = server().client();
    for (const char* route : {"/survivors/SV-X", "/survivors", "/sign-in?next=%2Fawards%2F7",
                              "/awards/new?survivor=SV-7K", "/funds/F.2026", "/set-password",
                              "/assets", "/v", "/vx/1", "/healthzz", "/metrics-board"}) {
        BOOST_TEST_CONTEXT(route) {
            check_index(client.get(route));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_404_not_the_app) {
    auto client = server().client();
    for (const char* path : {"/assets/nope.js", "/assets/", "/assets/index.html", "/nope.js",
                             "/favicon.ico", "/robots.txt", "/survivors/x.css", "/%zz"}) {
        BOOST_TEST_CONTEXT(path) {
            const auto response = client.get(path);
            check_problem(response, 404, "not_found");
            BOOST_TEST(response.header("Content-Security-Policy") == kNothingPolicy);
            BOOST_TEST(response.header("Cache-Control") == "no-store");
        }
    }
}

BOOST_AUTO_TEST_CASE(the_api_keeps_its_paths) {
    auto client = server().client();
    BOOST_TEST(client.get("/").status == 200);
    for (const char* path : {"/v1/nope", "/v1", "/v2/entries", "/V1/ENTRIES", "/healthz/x",
                             "/v1/survivors/SV-X/x.js"}) {
        BOOST_TEST_CONTEXT(path) {
            check_problem(client.get(path, server().auth("finance")), 404, "not_found");
        }
    }
    BOOST_TEST(client.get("/healthz").header("Content-Type") == "application/json");
    check_problem(client.get("/v1/me"), 401, "unauthenticated");
    check_problem(client.get("/metrics"), 401, "unauthenticated");
    // The web app's files are counted under one route of their own.
    const auto metrics = client.get("/metrics", server().auth("admin"));
    BOOST_TEST(metrics.body.find("riziki_http_requests_total{route=\"web_app\",status=\"200\"}") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_has_the_headers_of_get_and_no_body) {
    auto client = server().client();
    const auto script = hashed(".js").front();
    for (const auto& [path, accept] :
         std::vector<std::pair<std::string, std::string>>{{"/", ""},
                                                          {"/survivors/SV-X", "gzip"},
                                                          {std::string(script.path), ""},
                                                          {std::string(script.path), "gzip"}}) {
        BOOST_TEST_CONTEXT("HEAD " << path << " Accept-Encoding: " << accept) {
            const HeaderList headers{{"Accept-Encoding", accept}};
            const auto get = client.get(path, headers);
            const auto head = client.request("HEAD", path, headers);
            BOOST_TEST(head.status == 200);
            BOOST_TEST(head.body == "");
            BOOST_TEST(head.header("Content-Length") == std::to_string(get.body.size()));
            for (const char* name : {"Content-Type", "Content-Encoding", "ETag", "Vary",
                                     "Cache-Control", "Content-Security-Policy"})
                BOOST_TEST(head.header(name) == get.header(name), name);
        }
    }
    // The connection is still in step: the HEAD answer carried no bytes of a body.
    const auto after = client.get("/healthz");
    BOOST_TEST(after.status == 200);
    BOOST_TEST(client.connections_opened() == 1u);
    const auto missing = client.request("HEAD", "/nope.js");
    BOOST_TEST(missing.status == 404);
    BOOST_TEST(missing.header("Content-Type") == "application/problem+json");
    BOOST_TEST(missing.body == "");
}

BOOST_AUTO_TEST_CASE(other_methods_are_405_naming_get_and_head) {
    auto client = server().client();
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        BOOST_TEST_CONTEXT(method) {
            const auto response = client.request(method, "/", {}, std::string_view("{}"));
            check_problem(response, 405, "method_not_allowed");
            BOOST_TEST(response.header("Allow") == "GET, HEAD");
        }
    }
}

// There is no file system behind the paths: whatever a path says, the answer is a file of
// the table, index.html, or 404.
BOOST_AUTO_TEST_CASE(no_path_reads_anything_but_the_table) {
    const auto& index = asset("/index.html");
    for (const char* path :
         {"/../etc/passwd", "/assets/%2e%2e/x", "/%5c", "/%5c..%5c..%5cetc%5cpasswd",
          "/assets/..%2f..%2fetc%2fpasswd", "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
          "/..%2f..%2f..%2fetc%2fpasswd", "/.%2e/.%2e/etc/passwd", "//etc/passwd",
          "/assets/../index.html", "/assets/index.html%00.js", "/%00", "/etc/passwd%00",
          "/..\\..\\etc\\passwd", "/%252e%252e/etc/passwd", "/proc/self/environ",
          "/assets/../../api/web_app.cpp", "/CMakeLists.txt"}) {
        BOOST_TEST_CONTEXT(path) {
            auto client = server().client();
            const auto response = client.get(path);
            if (response.status == 200) {
                BOOST_TEST(response.body == std::string(index.bytes));
            } else {
                check_problem(response, 404, "not_found");
            }
            BOOST_TEST(response.body.find("root:") == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(requests_for_files_are_logged_with_their_request_id) {
    auto client = server().client();
    const auto response = client.get("/survivors/SV-X", {{"X-Request-Id", "web-app-log"}});
    BOOST_TEST(response.status == 200);
    const auto id = response.header("X-Request-Id");
    BOOST_TEST(server().log().find("request_id=" + id +
                                   " client_request_id=web-app-log method=GET "
                                   "path=/survivors/SV-X status=200") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
