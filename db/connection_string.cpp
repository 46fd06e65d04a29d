#include "db/connection_string.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>

namespace riziki::db {

namespace {

constexpr const char* kRedacted = "redacted";

/// What libpq takes for a URL (its uri_prefix_length: these two prefixes, as written).
bool is_url(std::string_view text) {
    return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

bool has_whitespace(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

/// One keyword=value pair as SOCI's PostgreSQL backend passes it on to libpq. SOCI re-splits
/// the string at whitespace, or, after `="`, at the next double quote (which it strips), and
/// joins the pairs back with single spaces. So a value without whitespace goes bare, with
/// libpq's backslash escapes; one with whitespace goes in libpq's single quotes inside SOCI's
/// double quotes, and so cannot hold a double quote.
std::string soci_pair(const std::string& keyword, std::string_view value) {
    if (value.empty())
        return keyword + "=''";
    const bool spaced = has_whitespace(value);
    if (spaced && value.find('"') != std::string_view::npos) {
        throw InvalidConnectionString(
            "the database connection's " + keyword +
            " holds both whitespace and a double quote, which the PostgreSQL driver cannot pass "
            "on" +
            (keyword == "password" ? "; give the password in PGPASSWORD or a password file" : ""));
    }
    std::string out = keyword + (spaced ? "=\"'" : "=");
    for (const char c : value) {
        if (c == '\\' || c == '\'' || (!spaced && c == '"'))
            out += '\\';
        out += c;
    }
    return spaced ? out + "'\"" : out;
}

/// `url` with the password of its user part and of any `password` parameter replaced, found
/// as libpq finds them: the user part ends at the first `@` before any `/`.
std::string redacted_url(std::string url) {
    const auto start = url.find("://") + 3;
    const auto at = url.find_first_of("@/", start);
    if (at != std::string::npos && url[at] == '@') {
        const auto colon = url.find(':', start);
        if (colon < at)
            url.replace(colon + 1, at - colon - 1, kRedacted);
    }
    for (auto key = url.find("password=", start); key != std::string::npos;
         key = url.find("password=", key + 1)) {
        if (url[key - 1] != '?' && url[key - 1] != '&')
            continue;
        const auto value = key + std::string_view("password=").size();
        const auto end = std::min(url.find('&', value), url.size());
        url.replace(value, end - value, kRedacted);
    }
    return url;
}

/// libpq quotes the pieces of the text it refuses. With a password in the text, any piece
/// may be part of it: each is hidden, except a lone "=" (in "missing "=" after …").
std::string without_quoted_pieces(const std::string& message) {
    std::string out;
    for (std::size_t i = 0; i < message.size(); ++i) {
        const auto close = message[i] == '"' ? message.find('"', i + 1) : std::string::npos;
        if (close == std::string::npos) {
            out += message[i];
            continue;
        }
        const auto piece = message.substr(i + 1, close - i - 1);
        out += piece == "=" ? "\"=\"" : "\"(hidden)\"";
        i = close;
    }
    return out;
}

using Options = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

/// libpq's parse of `text`, or its complaint (without the trailing newline) in `error`.
Options parse(const std::string& text, std::string& error) {
    char* message = nullptr;
    Options options(PQconninfoParse(text.c_str(), &message), &PQconninfoFree);
    if (!options) {
        error = message != nullptr ? message : "out of memory";
        PQfreemem(message);
        while (!error.empty() && std::isspace(static_cast<unsigned char>(error.back())))
            error.pop_back();
    }
    return options;
}

/// Why libpq refused `text`, told without its password: a URL's is redacted before the
/// complaint is asked for again; a keyword/value string's quoted pieces are hidden.
std::string refusal(const std::string& text, const std::string& error) {
    if (!is_url(text)) {
        const bool secret = text.find("password") != std::string::npos;
        return "the database connection string is not valid: " +
               (secret ? without_quoted_pieces(error) : error);
    }
    const std::string redacted = redacted_url(text);
    if (redacted == text)
        return "the database URL is not valid: " + error;
    std::string redacted_error;
    if (parse(redacted, redacted_error))
        return "the database URL's password is not valid (percent-encode it: %40 for @)";
    return "the database URL is not valid: " + redacted_error;
}

/// The settings `text` names, each written by `pair(keyword, value)`, space-separated.
template <typename Pair>
std::string rewritten(const std::string& text, Pair pair) {
    std::string error;
    const Options options = parse(text, error);
    if (!options)
        throw InvalidConnectionString(refusal(text, error));
    std::string out;
    for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
        if (option->val == nullptr)
            continue;
        if (!out.empty())
            out += ' ';
        out += pair(std::string(option->keyword), std::string_view(option->val));
    }
    return out;
}

}  // namespace

std::string connection_string(const std::string& text) {
    return rewritten(text, [](const std::string& keyword, std::string_view value) {
        return keyword + "=" + conninfo_value(value);
    });
}

std::string soci_connection_string(const std::string& text) {
    return rewritten(text, soci_pair);
}

std::string conninfo_value(std::string_view value) {
    const bool bare = !value.empty() && !has_whitespace(value) &&
                      value.find_first_of("'\\=") == std::string_view::npos;
    if (bare)
        return std::string(value);
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

}  // namespace riziki::db
