#include "api/body.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "api/router.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Deepest nesting of arrays and objects, counted without parsing, so a hostile body
/// cannot make the parser recurse; stops counting once past the limit.
int nesting_depth(std::string_view body) {
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : body) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > kJsonDepthMax)
                return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

bool is_json_content_type(std::string_view value) {
    const auto semicolon = value.find(';');
    std::string type(value.substr(0, semicolon));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    return type == "application/json";
}

std::string_view amount_message(ledger::AmountError error) {
    switch (error) {
        case ledger::AmountError::too_many_decimals:
            return "more decimals than the currency has";
        case ledger::AmountError::out_of_range:
            return "amount is too large";
        default:
            return "amount must be a decimal string like \"1500.00\"";
    }
}

}  // namespace

std::string_view trim_white_space(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            const char decoded = static_cast<char>(high * 16 + low);
            if (decoded == '\0')
                return std::nullopt;
            out += decoded;
            i += 2;
        } else {
            out += plus_is_space && text[i] == '+' ? ' ' : text[i];
        }
    }
    return out;
}

std::variant<nlohmann::json, Response> parse_json_object(const Request& request,
                                                         const RequestContext& context) {
    const auto content_type = request[http::field::content_type];
    if (!is_json_content_type({content_type.data(), content_type.size()})) {
        return problem(http::status::unsupported_media_type, "unsupported_media_type",
                       "Send the body as application/json.", context);
    }
    if (nesting_depth(request.body()) > kJsonDepthMax) {
        return problem(http::status::bad_request, "json_too_deep",
                       "The body nests deeper than " + std::to_string(kJsonDepthMax) + " levels.",
                       context);
    }
    // nlohmann's lexer stops at a NUL byte and would ignore what follows it.
    if (request.body().find('\0') != std::string::npos) {
        return problem(http::status::bad_request, "malformed_json", "The body holds a NUL byte.",
                       context);
    }
    // A key given twice would silently take its last value; refuse it instead.
    std::vector<std::set<std::string>> keys;
    bool duplicate = false;
    const nlohmann::json::parser_callback_t track = [&](int, nlohmann::json::parse_event_t event,
                                                        nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start)
            keys.emplace_back();
        if (event == Event::object_end && !keys.empty())
            keys.pop_back();
        if (event == Event::key && !keys.empty() &&
            !keys.back().insert(parsed.get<std::string>()).second) {
            duplicate = true;
        }
        return true;
    };
    nlohmann::json body = nlohmann::json::parse(request.body(), track, false);
    if (body.is_discarded()) {
        return problem(http::status::bad_request, "malformed_json",
                       "The body is not valid JSON (UTF-8).", context);
    }
    if (duplicate) {
        return problem(http::status::bad_request, "duplicate_key",
                       "An object in the body names the same key twice.", context);
    }
    if (!body.is_object()) {
        return problem(http::status::unprocessable_entity, "body_not_object",
                       "The body must be a JSON object.", context);
    }
    return body;
}

const nlohmann::json* FieldReader::find(const char* field, bool required) {
    const auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) {
        if (required)
            error(path(field), "required", "This field is required.");
        return nullptr;
    }
    return &*it;
}

void FieldReader::error(const std::string& field, const std::string& code,
                        const std::string& message) {
    errors_.push_back({field, code, message});
}

std::optional<std::string> FieldReader::text(const char* field, bool required,
                                             std::size_t max_bytes) {
    const auto* value = find(field, required);
    if (value == nullptr)
        return std::nullopt;
    if (!value->is_string()) {
        error(path(field), "invalid_type", "Expected a string.");
        return std::nullopt;
    }
    const auto& text = value->get_ref<const std::string&>();
    if (text.empty() || text.size() > max_bytes) {
        error(path(field), "invalid_length",
              "Expected 1 to " + std::to_string(max_bytes) + " bytes.");
        return std::nullopt;
    }
    if (text.find('\0') != std::string::npos) {
        error(path(field), "invalid_text", "NUL characters are not allowed.");
        return std::nullopt;
    }
    return text;
}

std::optional<ledger::Date> FieldReader::date(const char* field, bool required) {
    const auto* value = find(field, required);
    if (value == nullptr)
        return std::nullopt;
    const auto parsed = value->is_string()
                            ? ledger::parse_date(value->get_ref<const std::string&>())
                            : std::nullopt;
    if (!parsed)
        error(path(field), "invalid_date", "Expected a date YYYY-MM-DD.");
    return parsed;
}

std::optional<ledger::Amount> FieldReader::amount(const char* field,
                                                  const ledger::Currency& currency, bool positive) {
    const auto* value = find(field, true);
    if (value == nullptr)
        return std::nullopt;
    if (!value->is_string()) {
        error(path(field), "invalid_amount", "Amounts are strings, e.g. \"1500.00\".");
        return std::nullopt;
    }
    const auto parsed = ledger::parse_amount(value->get_ref<const std::string&>(), currency);
    if (!parsed.ok()) {
        error(path(field), "invalid_amount", std::string(amount_message(parsed.error)));
        return std::nullopt;
    }
    if (positive && parsed.minor <= 0) {
        error(path(field), "invalid_amount", "The amount must be greater than zero.");
        return std::nullopt;
    }
    return parsed.minor;
}

std::optional<int> FieldReader::integer(const char* field, bool required, int min, int max,
                                        int fallback) {
    const auto* value = find(field, required);
    if (value == nullptr)
        return required ? std::nullopt : std::optional(fallback);
    if (!value->is_number_integer() || value->get<long long>() < min ||
        value->get<long long>() > max) {
        error(path(field), "invalid_integer",
              "Expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                  ".");
        return std::nullopt;
    }
    return static_cast<int>(value->get<long long>());
}

std::optional<bool> FieldReader::boolean(const char* field, bool required, bool fallback) {
    const auto* value = find(field, required);
    if (value == nullptr)
        return required ? std::nullopt : std::optional(fallback);
    if (!value->is_boolean()) {
        error(path(field), "invalid_type", "Expected true or false.");
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<std::string> FieldReader::choice(const char* field,
                                               std::initializer_list<std::string_view> allowed) {
    return choice(field, std::span(allowed.begin(), allowed.size()));
}

std::optional<std::string> FieldReader::choice(const char* field,
                                               std::span<const std::string_view> allowed) {
    const auto* value = find(field, false);
    if (value == nullptr)
        return std::string(*allowed.begin());
    if (value->is_string()) {
        const auto& text = value->get_ref<const std::string&>();
        if (std::find(allowed.begin(), allowed.end(), text) != allowed.end())
            return text;
    }
    std::string list;
    for (auto option : allowed)
        list += (list.empty() ? "" : ", ") + std::string(option);
    error(path(field), "invalid_choice", "Expected one of: " + list + ".");
    return std::nullopt;
}

std::optional<std::string> FieldReader::required_choice(
    const char* field, std::initializer_list<std::string_view> allowed) {
    return required_choice(field, std::span(allowed.begin(), allowed.size()));
}

std::optional<std::string> FieldReader::required_choice(const char* field,
                                                        std::span<const std::string_view> allowed) {
    if (!has(field)) {
        error(path(field), "required", "This field is required.");
        return std::nullopt;
    }
    return choice(field, allowed);
}

std::optional<std::string> FieldReader::code(const char* field) {
    auto code = text(field, true, ledger::kCodeBytesMax);
    if (!code)
        return code;
    const bool ok =
        std::isalnum(static_cast<unsigned char>(code->front())) &&
        std::all_of(code->begin(), code->end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (!ok) {
        error(path(field), "invalid_code", "Use letters, digits, '.', '_' and '-' (up to 64).");
        return std::nullopt;
    }
    return code;
}

bool FieldReader::has(const char* field) const {
    const auto it = object_.find(field);
    return it != object_.end() && !it->is_null();
}

std::optional<ledger::Decimal> FieldReader::rate(const char* field) {
    const auto* value = find(field, true);
    if (value == nullptr)
        return std::nullopt;
    auto parsed = value->is_string() ? ledger::parse_rate(value->get_ref<const std::string&>())
                                     : std::nullopt;
    if (!parsed)
        error(path(field), "invalid_rate", "Rates are decimal strings, e.g. \"24\".");
    return parsed;
}

const nlohmann::json* FieldReader::object(const char* field, bool required) {
    const auto* value = find(field, required);
    if (value != nullptr && !value->is_object()) {
        error(path(field), "invalid_type", "Expected an object.");
        return nullptr;
    }
    return value;
}

const nlohmann::json* FieldReader::array(const char* field, std::size_t max_items) {
    const auto* value = find(field, true);
    if (value == nullptr)
        return nullptr;
    if (!value->is_array()) {
        error(path(field), "invalid_type", "Expected an array.");
        return nullptr;
    }
    if (value->empty() || value->size() > max_items) {
        error(path(field), "invalid_length",
              "Expected 1 to " + std::to_string(max_items) + " items.");
        return nullptr;
    }
    return value;
}

void FieldReader::only(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : object_.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            error(prefix_ + key, "unknown_field", "This field is not part of the request.");
        }
    }
}

Response validation_problem(const std::vector<FieldError>& errors, const RequestContext& context) {
    return problem(http::status::unprocessable_entity, "validation_failed",
                   "Some fields are missing or invalid; see errors.", context, errors);
}

}  // namespace riziki::api

namespace riziki::api {

namespace {
constexpr std::string_view kCursorPrefix = "c1.";
constexpr std::string_view kKeysetPrefix = "k1.";
/// The longest keyset cursor accepted: far above any real sort key.
constexpr std::size_t kKeysetCursorMax = 1024;
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}  // namespace

std::optional<ledger::Date> QueryReader::date(const std::string& name) {
    const auto& text = call_.query_value(name);
    if (text.empty())
        return std::nullopt;
    auto parsed = ledger::parse_date(text);
    if (!parsed)
        errors_.push_back({name, "invalid_date", "Expected a date YYYY-MM-DD."});
    return parsed;
}

std::string QueryReader::code(const std::string& name) {
    const auto& text = call_.query_value(name);
    if (text.size() > 64) {
        errors_.push_back({name, "invalid_length", "Expected at most 64 bytes."});
        return "";
    }
    return text;
}

std::size_t QueryReader::limit() {
    const auto& text = call_.query_value("limit");
    if (text.empty())
        return kPageLimitDefault;
    std::size_t value = 0;
    const bool digits = text.size() <= 4 && std::all_of(text.begin(), text.end(), [](char c) {
                            return c >= '0' && c <= '9';
                        });
    if (digits)
        value = std::stoul(text);
    if (!digits || value < 1 || value > kPageLimitMax) {
        errors_.push_back({"limit", "invalid_limit", "Expected 1 to 1000."});
        return kPageLimitDefault;
    }
    return value;
}

std::int64_t QueryReader::after() {
    const auto& text = call_.query_value("after");
    if (text.empty())
        return 0;
    const std::string_view rest =
        text.starts_with(kCursorPrefix) ? std::string_view(text).substr(kCursorPrefix.size()) : "";
    const bool digits =
        !rest.empty() && rest.size() <= 18 &&
        std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
        errors_.push_back({"after", "invalid_cursor", "Use the `next` value of a previous page."});
        return 0;
    }
    return std::stoll(std::string(rest));
}

std::string QueryReader::choice(const std::string& name,
                                std::initializer_list<std::string_view> allowed) {
    const auto& text = call_.query_value(name);
    if (text.empty())
        return std::string(*allowed.begin());
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        errors_.push_back({name, "invalid_choice", "Not one of the accepted values."});
        return std::string(*allowed.begin());
    }
    return text;
}

int QueryReader::whole(const std::string& name, int min, int max, int fallback) {
    const auto& text = call_.query_value(name);
    if (text.empty())
        return fallback;
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.front() == '-' || text.front() == '+' || error == std::errc::invalid_argument ||
        end != text.data() + text.size()) {
        errors_.push_back({name, "invalid_number", "Must be a whole number."});
        return fallback;
    }
    if (error != std::errc() || value < min || value > max) {
        errors_.push_back(
            {name, "out_of_range",
             "Must be from " + std::to_string(min) + " to " + std::to_string(max) + "."});
        return fallback;
    }
    return value;
}

std::optional<Response> QueryReader::problem_if_any() const {
    if (errors_.empty())
        return std::nullopt;
    return problem(http::status::bad_request, "invalid_query",
                   "Some query parameters are invalid; see errors.", call_.context, errors_);
}

std::vector<std::string> QueryReader::after_keys(std::size_t parts) {
    const auto& text = call_.query_value("after");
    if (text.empty())
        return {};
    std::vector<std::string> out;
    if (text.starts_with(kKeysetPrefix) && text.size() <= kKeysetCursorMax) {
        const std::string_view encoded = std::string_view(text).substr(kKeysetPrefix.size());
        std::string decoded(encoded.size(), '\0');
        std::size_t length = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                              encoded.data(), encoded.size(), nullptr, &length, nullptr,
                              kBase64Variant) == 0) {
            decoded.resize(length);
            const auto array = nlohmann::json::parse(decoded, nullptr, false);
            if (array.is_array() && array.size() == parts) {
                for (const auto& part : array) {
                    if (part.is_string() && ledger::valid_text(part.get_ref<const std::string&>()))
                        out.push_back(part.get<std::string>());
                }
            }
        }
    }
    if (out.size() != parts) {
        errors_.push_back({"after", "invalid_cursor", "Use the `next` value of a previous page."});
        return {};
    }
    return out;
}

std::string keyset_cursor(const std::vector<std::string>& parts) {
    const std::string text = nlohmann::json(parts).dump();
    std::string encoded(sodium_base64_ENCODED_LEN(text.size(), kBase64Variant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(),
                      reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                      kBase64Variant);
    encoded.resize(std::char_traits<char>::length(encoded.c_str()));
    return std::string(kKeysetPrefix) + encoded;
}

std::string cursor_after(std::int64_t seq) {
    return std::string(kCursorPrefix) + std::to_string(seq);
}

}  // namespace riziki::api
