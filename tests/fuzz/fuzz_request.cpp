// libFuzzer target for request parsing: the bytes go through Beast's HTTP parser with the
// server's limits, then, as a body, through JSON parsing, the depth guard and the typed
// field readers (amounts, dates, codes) that every handler uses, and through the
// %-decoder of paths and queries. Nothing may crash, leak or trip a sanitizer.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "api/body.hpp"
#include "ledger/money.hpp"

namespace http = boost::beast::http;
using namespace riziki;

namespace {

void read_fields(const nlohmann::json& object) {
    std::vector<api::FieldError> errors;
    api::FieldReader reader(object, "", errors);
    reader.only({"effective_on", "memo", "postings"});
    (void)reader.date("effective_on", true);
    (void)reader.text("memo", true, 1000);
    const auto kes = *ledger::find_currency("KES");
    const auto ugx = *ledger::find_currency("UGX");
    if (const auto* postings = reader.array("postings", 500)) {
        for (const auto& item : *postings) {
            if (!item.is_object())
                continue;
            api::FieldReader posting(item, "p.", errors);
            (void)posting.amount("amount", kes, false);
            (void)posting.amount("amount", ugx, true);
            (void)posting.text("fund", true, 64);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);

    http::request_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    parser.header_limit(16 << 10);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(bytes), ec);

    api::Request request{http::verb::post, "/v1/entries", 11};
    request.set(http::field::content_type, "application/json");
    request.body() = bytes;
    const api::RequestContext context{"fuzz"};
    auto parsed = api::parse_json_object(request, context);
    if (const auto* object = std::get_if<nlohmann::json>(&parsed))
        read_fields(*object);

    (void)api::percent_decode(bytes, true);
    (void)ledger::parse_amount(bytes, *ledger::find_currency("BHD"));
    (void)ledger::parse_date(bytes);
    return 0;
}
