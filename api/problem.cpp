#include "api/problem.hpp"

namespace riziki::api {

Response problem(http::status status, const std::string& code, const std::string& detail,
                 const RequestContext& context, const std::vector<FieldError>& errors) {
    nlohmann::json body{
        {"type", "https://riziki.invalid/problems/" + code},
        {"title", std::string(http::obsolete_reason(status))},
        {"status", static_cast<int>(status)},
        {"detail", detail},
        {"code", code},
        {"request_id", context.request_id},
    };
    if (!errors.empty()) {
        auto& list = body["errors"] = nlohmann::json::array();
        for (const auto& e : errors) {
            list.push_back({{"field", e.field}, {"code", e.code}, {"message", e.message}});
        }
    }
    Response response{status, 11};
    response.set(http::field::content_type, "application/problem+json");
    response.body() = body.dump();
    return response;
}

Response json_response(http::status status, const nlohmann::json& body) {
    Response response{status, 11};
    response.set(http::field::content_type, "application/json");
    response.body() = body.dump();
    return response;
}

}  // namespace riziki::api
