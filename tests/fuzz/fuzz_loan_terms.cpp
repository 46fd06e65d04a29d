// libFuzzer target for the loan terms on the wire: the bytes as a JSON body go through the
// one reader of `loan{…}` terms (api::read_schedule_preview, as POST /v1/schedules/preview,
// `riziki schedule` and POST /v1/awards read them), then, when they read well, through
// generate_schedule and its JSON writer. A body the reader refuses must name at least one
// field; one it accepts must make a schedule or say why not; nothing may crash.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "api/body.hpp"
#include "api/loan_terms.hpp"
#include "tests/fuzz/require.hpp"

using namespace riziki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    api::Request request{api::http::verb::post, "/v1/schedules/preview", 11};
    request.set(api::http::field::content_type, "application/json");
    request.body().assign(reinterpret_cast<const char*>(data), size);
    const api::RequestContext context{"fuzz"};
    auto parsed = api::parse_json_object(request, context);
    const auto* body = std::get_if<nlohmann::json>(&parsed);
    if (body == nullptr)
        return 0;
    std::vector<api::FieldError> errors;
    const auto preview = api::read_schedule_preview(*body, errors);
    REQUIRE(preview.has_value() == errors.empty());
    if (!preview)
        return 0;
    const auto currency = ledger::find_currency(preview->currency);
    REQUIRE(currency.has_value());
    const auto result = ledger::generate_schedule(preview->amount, *currency, preview->disbursed_on,
                                                  preview->terms);
    if (!result.ok()) {
        REQUIRE(api::schedule_problem(result.error, context).result_int() == 422);
        return 0;
    }
    const auto json = api::schedule_json(result.schedule, *currency);
    REQUIRE(json["installments"].size() == result.schedule.installments.size());
    return 0;
}
