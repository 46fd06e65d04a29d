#pragma once
/// Reading request bodies: JSON with bounded depth, and typed fields that collect
/// per-field errors instead of stopping at the first (SPEC §7 problem `errors`).

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/problem.hpp"
#include "ledger/date.hpp"
#include "ledger/money.hpp"

namespace riziki::api {

inline constexpr int kJsonDepthMax = 16;

/// Decodes %XX escapes (and '+' in queries); nullopt when malformed or it decodes to a NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// `text` without the spaces and tabs around it: a header value's optional white space.
std::string_view trim_white_space(std::string_view text);

/// The body as a JSON object, or the problem answer for it (415, 400 malformed_json,
/// 400 json_too_deep, 422 body_not_object).
std::variant<nlohmann::json, Response> parse_json_object(const Request& request,
                                                         const RequestContext& context);

/// Reads fields of one JSON object; each failed read adds a FieldError and returns empty.
class FieldReader {
  public:
    FieldReader(const nlohmann::json& object, std::string prefix, std::vector<FieldError>& errors)
        : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

    /// A string of 1..max_bytes bytes; absent or null gives an error only if required.
    std::optional<std::string> text(const char* field, bool required, std::size_t max_bytes);
    std::optional<ledger::Date> date(const char* field, bool required);
    /// An amount: a JSON string with at most the currency's decimals. When `positive`,
    /// zero and negative amounts are refused.
    std::optional<ledger::Amount> amount(const char* field, const ledger::Currency& currency,
                                         bool positive);
    /// A JSON integer in min..max; `fallback` when absent and not required.
    std::optional<int> integer(const char* field, bool required, int min, int max, int fallback);
    /// A JSON true or false; `fallback` when absent and not required.
    std::optional<bool> boolean(const char* field, bool required, bool fallback);
    /// One of `allowed` (a string); the first is the default when absent.
    std::optional<std::string> choice(const char* field,
                                      std::initializer_list<std::string_view> allowed);
    std::optional<std::string> choice(const char* field, std::span<const std::string_view> allowed);
    /// One of `allowed`, which must be present.
    std::optional<std::string> required_choice(const char* field,
                                               std::initializer_list<std::string_view> allowed);
    /// The same, for a list kept as a constant elsewhere (ledger::kGenders).
    std::optional<std::string> required_choice(const char* field,
                                               std::span<const std::string_view> allowed);
    /// A required code (donor, fund, cohort): 1-64 of letters, digits, '.', '_' and '-',
    /// starting with a letter or digit.
    std::optional<std::string> code(const char* field);
    /// A non-negative decimal string such as "24" or "9.4822".
    std::optional<ledger::Decimal> rate(const char* field);
    /// A JSON object (e.g. nested terms); errors when required and absent.
    const nlohmann::json* object(const char* field, bool required);
    /// A JSON array of 1..max_items elements.
    const nlohmann::json* array(const char* field, std::size_t max_items);
    /// Fields not in `known` are errors (`unknown_field`): typos never pass silently.
    void only(std::initializer_list<std::string_view> known);

    void error(const std::string& field, const std::string& code, const std::string& message);
    std::string path(const char* field) const { return prefix_ + field; }
    /// Whether `field` is present and not null.
    bool has(const char* field) const;
    /// Whether no field has failed yet, in this reader or any that shares its errors.
    bool ok() const { return errors_.empty(); }
    /// The errors this reader adds to: share them with a reader of a nested object.
    std::vector<FieldError>& errors() const { return errors_; }

  private:
    const nlohmann::json* find(const char* field, bool required);

    const nlohmann::json& object_;
    std::string prefix_;
    std::vector<FieldError>& errors_;
};

/// 422 validation_failed with the collected field errors.
Response validation_problem(const std::vector<FieldError>& errors, const RequestContext& context);

}  // namespace riziki::api

namespace riziki::api {

struct Call;

inline constexpr std::size_t kPageLimitMax = 1000;
inline constexpr std::size_t kPageLimitDefault = 100;

/// Reads query parameters the same way FieldReader reads body fields.
class QueryReader {
  public:
    explicit QueryReader(const Call& call) : call_(call) {}
    std::optional<ledger::Date> date(const std::string& name);
    /// A code (account, fund, survivor, award): 1-64 bytes, or "" when absent.
    std::string code(const std::string& name);
    /// `limit`: 1..1000, default 100.
    std::size_t limit();
    /// `after`: an opaque cursor from a previous page's `next`; 0 when absent.
    std::int64_t after();
    /// `after` for lists ordered by several columns (keyset pagination): the `parts` values
    /// of the last row of the previous page, made by keyset_cursor(); empty when absent, or
    /// (with 400 invalid_cursor) when not such a cursor of `parts` values.
    std::vector<std::string> after_keys(std::size_t parts);
    /// One of `allowed`; the first is the default.
    std::string choice(const std::string& name, std::initializer_list<std::string_view> allowed);
    /// A whole number from `min` to `max` written in plain digits (`out_of_range` or
    /// `invalid_number`), or `fallback` when absent.
    int whole(const std::string& name, int min, int max, int fallback);
    /// 400 invalid_query with every error, if any was found.
    std::optional<Response> problem_if_any() const;

  private:
    const Call& call_;
    std::vector<FieldError> errors_;
};

/// The cursor that continues after `seq`.
std::string cursor_after(std::int64_t seq);

/// The opaque cursor that continues after a row whose sort key is `parts` (each valid text,
/// e.g. a date, an amount, a code): "k1." and the base64url of their JSON array. Opaque to
/// clients, not secret: the server checks scope on every page, so a forged cursor can only
/// move where a list starts.
std::string keyset_cursor(const std::vector<std::string>& parts);

}  // namespace riziki::api
