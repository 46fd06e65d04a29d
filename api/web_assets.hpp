#pragma once
/// The web app's built files (web/ built by Vite, docs/ARCHITECTURE.md), embedded in the
/// binary: the build turns them into a table (api/tools/embed_assets.cpp writes the
/// generated web_assets.cpp), so serving them reads memory and never the file system.

#include <array>
#include <span>
#include <string_view>

namespace riziki::api {

/// One built file.
struct WebAsset {
    std::string_view path;          ///< from the site's root: "/index.html", "/assets/x-1a2B.js"
    std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
    std::string_view bytes;         ///< the file as built
    std::string_view gzip;          ///< gzip (level 9) of bytes; empty when not kept
    std::string_view etag;          ///< a strong entity tag of bytes, quoted: "\"<32 hex>\""
};

/// Every built file, sorted by path (byte order), paths unique.
std::span<const WebAsset> web_assets();

/// What a file's name says about it: its media type, and whether it is text worth
/// compressing (fonts and images come compressed already).
struct WebFileType {
    std::string_view extension;  ///< without the dot, lower case
    std::string_view content_type;
    bool compress = false;
};

/// The types the web app is built from; any other file is application/octet-stream.
inline constexpr std::array<WebFileType, 15> kWebFileTypes{{
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"svg", "image/svg+xml", true},
    {"json", "application/json", true},
    {"webmanifest", "application/manifest+json", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"map", "application/json", true},
    {"woff2", "font/woff2", false},
    {"woff", "font/woff", false},
    {"png", "image/png", false},
    {"ico", "image/x-icon", false},
    {"jpg", "image/jpeg", false},
    {"webp", "image/webp", false},
}};

/// The type of the file named `name` by its extension (compared ignoring ASCII case), or
/// nullptr when the name has none of kWebFileTypes.
inline const WebFileType* web_file_type(std::string_view name) {
    const auto dot = name.rfind('.');
    const auto slash = name.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return nullptr;
    const auto extension = name.substr(dot + 1);
    for (const auto& type : kWebFileTypes) {
        if (type.extension.size() != extension.size())
            continue;
        bool same = true;
        for (std::size_t i = 0; i < extension.size() && same; ++i) {
            const char c = extension[i];
            same =
                (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == type.extension[i];
        }
        if (same)
            return &type;
    }
    return nullptr;
}

}  // namespace riziki::api
