#pragma once
/// Reading a JSON object body into a struct in one step, for routes without an
/// Idempotency-Key (sign-in, set-password links, users).

#include <functional>
#include <optional>
#include <variant>

#include "api/body.hpp"
#include "api/router.hpp"

namespace riziki::api {

/// The body of `call` as a JSON object, read by `read` through a FieldReader: what `read`
/// returns once every field read, or the answer (the body's problem, or 422
/// validation_failed with every field error).
template <class Fields>
std::variant<Fields, Response> read_fields(
    const Call& call, const std::function<std::optional<Fields>(FieldReader&)>& read) {
    auto parsed = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&parsed))
        return std::move(*answer);
    std::vector<FieldError> errors;
    FieldReader reader(std::get<nlohmann::json>(parsed), "", errors);
    auto fields = read(reader);
    if (!fields || !errors.empty())
        return validation_problem(errors, call.context);
    return std::move(*fields);
}

/// A body of two required strings and nothing else: a username and password, a link's code
/// and a new password.
struct TwoTexts {
    std::string first;
    std::string second;
};

/// Reads the two strings named, of at most `first_max` and `second_max` bytes.
inline std::function<std::optional<TwoTexts>(FieldReader&)> two_texts(const char* first,
                                                                      std::size_t first_max,
                                                                      const char* second,
                                                                      std::size_t second_max) {
    return [=](FieldReader& reader) -> std::optional<TwoTexts> {
        reader.only({first, second});
        auto one = reader.text(first, true, first_max);
        auto two = reader.text(second, true, second_max);
        if (!one || !two)
            return std::nullopt;
        return TwoTexts{std::move(*one), std::move(*two)};
    };
}

}  // namespace riziki::api
