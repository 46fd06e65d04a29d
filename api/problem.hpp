#pragma once
/// application/problem+json answers (RFC 9457) with a stable snake_case `code`.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "api/http_server.hpp"

namespace riziki::api {

struct FieldError {
    std::string field;
    std::string code;
    std::string message;
};

Response problem(http::status status, const std::string& code, const std::string& detail,
                 const RequestContext& context, const std::vector<FieldError>& errors = {});

Response json_response(http::status status, const nlohmann::json& body);

}  // namespace riziki::api
