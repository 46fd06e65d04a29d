// The M-Pesa B2C result reader (issue 20 item 5): Daraja's result JSON read by key with exact
// amounts and nothing about the person paid; every refusal reason once.
#include <boost/test/unit_test.hpp>

#include <string>
#include <variant>

#include "reports/mpesa_b2c.hpp"

using riziki::ledger::Amount;
using riziki::reports::B2cError;
using riziki::reports::B2cResult;
using riziki::reports::read_b2c_result;

namespace {

// Synthetic, in Daraja's shape: the parameters in an unusual order, a receiver's name and
// phone (made up) that must not be kept, a utility balance with cents, and unknown keys.
const std::string kSuccess = R"({"Result":{"ResultType":0,"ResultCode":0,
 "ResultDesc":"The service request is processed successfully.",
 "OriginatorConversationID":"10571-7910404-1","ConversationID":"AG_20191219_00004e48cf7e3533f581",
 "TransactionID":"NLJ41HAY6Q",
 "ResultParameters":{"ResultParameter":[
  {"Key":"ReceiverPartyPublicName","Value":"254722000000 - Amani Example"},
  {"Key":"TransactionCompletedDateTime","Value":"19.12.2019 11:45:50"},
  {"Key":"B2CUtilityAccountAvailableFunds","Value":10116.00},
  {"Key":"TransactionAmount","Value":10116.05},
  {"Key":"TransactionReceipt","Value":"NLJ41HAY6Q"},
  {"Key":"B2CRecipientIsRegisteredCustomer","Value":"Y"},
  {"Key":"B2CChargesPaidAccountAvailableFunds","Value":-4510.00}]},
 "ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://example.invalid/t"}}}})";

const std::string kFailure = R"({"Result":{"ResultType":0,"ResultCode":2001,
 "ResultDesc":"The initiator information is invalid.",
 "OriginatorConversationID":"29112-34801843-1","ConversationID":"AG_20191219_00006c6fddb15123addf",
 "TransactionID":"NLJ0000000",
 "ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://example.invalid/t"}}}})";

B2cResult accepted(const std::variant<B2cResult, B2cError>& read) {
    if (const auto* error = std::get_if<B2cError>(&read))
        BOOST_TEST_REQUIRE(false, "refused: " << error->reason << " " << error->field);
    return std::get<B2cResult>(read);
}

B2cError refused(const std::string& body) {
    const auto read = read_b2c_result(body);
    BOOST_TEST_REQUIRE(std::holds_alternative<B2cError>(read), "accepted: " << body);
    return std::get<B2cError>(read);
}

/// A success result with `parameters` as its ResultParameter list (JSON text).
std::string success_with(const std::string& parameters, const std::string& extra = "") {
    return R"({"Result":{"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"O-1",)"
           R"("ConversationID":"AG_1",)" +
           extra + R"("ResultParameters":{"ResultParameter":)" + parameters + "}}}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mpesa_b2c)

BOOST_AUTO_TEST_CASE(a_success_reads_by_key_with_the_exact_amount) {
    const auto r = accepted(read_b2c_result(kSuccess));
    BOOST_TEST(r.result_code == 0);
    BOOST_TEST(r.succeeded());
    BOOST_TEST(r.result_desc == "The service request is processed successfully.");
    BOOST_TEST(r.originator_conversation_id == "10571-7910404-1");
    BOOST_TEST(r.conversation_id == "AG_20191219_00004e48cf7e3533f581");
    BOOST_TEST(r.transaction_id.value_or("") == "NLJ41HAY6Q");
    BOOST_TEST(r.receipt.value_or("") == "NLJ41HAY6Q");
    BOOST_TEST_REQUIRE(r.amount.has_value());
    BOOST_TEST(*r.amount == Amount(1'011'605));  // 10116.05 would be 10116.0499… as a double
    BOOST_TEST_REQUIRE(r.completed.has_value());
    BOOST_TEST(riziki::ledger::format_date(r.completed->day) == "2019-12-19");
    BOOST_TEST(r.completed->seconds == 11 * 3600 + 45 * 60 + 50);
}

BOOST_AUTO_TEST_CASE(nothing_about_the_person_paid_is_kept) {
    const auto r = accepted(read_b2c_result(kSuccess));
    for (const auto* text : {&r.result_desc, &r.originator_conversation_id, &r.conversation_id}) {
        BOOST_TEST(text->find("Amani") == std::string::npos);
        BOOST_TEST(text->find("254722") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_failure_needs_no_amount_or_receipt) {
    const auto r = accepted(read_b2c_result(kFailure));
    BOOST_TEST(r.result_code == 2001);
    BOOST_TEST(!r.succeeded());
    BOOST_TEST(r.result_desc == "The initiator information is invalid.");
    BOOST_TEST(r.conversation_id == "AG_20191219_00006c6fddb15123addf");
    BOOST_TEST(r.transaction_id.value_or("") == "NLJ0000000");
    BOOST_TEST(!r.receipt.has_value());
    BOOST_TEST(!r.amount.has_value());
    BOOST_TEST(!r.completed.has_value());
}

BOOST_AUTO_TEST_CASE(values_may_be_strings_and_the_list_one_object) {
    const auto r = accepted(read_b2c_result(
        R"({"Result":{"ResultCode":"0","OriginatorConversationID":"O-1","ConversationID":"AG_1",)"
        R"("TransactionID":"SJ1ABCDEF0","ResultParameters":{"ResultParameter":)"
        R"({"Key":"TransactionAmount","Value":"1500.00"}}}})"));
    BOOST_TEST(r.result_code == 0);
    BOOST_TEST(*r.amount == Amount(150'000));
    BOOST_TEST(r.receipt.value_or("") == "SJ1ABCDEF0");  // TransactionID stands in
    BOOST_TEST(r.result_desc.empty());
}

BOOST_AUTO_TEST_CASE(amounts_are_exact_decimals_of_kes) {
    const auto amount = [](const std::string& value) {
        const auto read = read_b2c_result(success_with(
            R"([{"Key":"TransactionReceipt","Value":"R1"},{"Key":"TransactionAmount","Value":)" +
            value + "}]"));
        const auto* r = std::get_if<B2cResult>(&read);
        return r == nullptr ? Amount(-1) : *r->amount;
    };
    BOOST_TEST(amount("10") == Amount(1000));
    BOOST_TEST(amount("10.5") == Amount(1050));
    BOOST_TEST(amount("10116.00") == Amount(1'011'600));
    BOOST_TEST(amount("10116.000") == Amount(1'011'600));  // zeros past the cents dropped
    BOOST_TEST(amount("\"99999999.99\"") == Amount(9'999'999'999));
    // 2^64 + 1: past every integer type nlohmann has, and 2^64 as a double; read exactly.
    BOOST_TEST(amount("18446744073709551617") == Amount("1844674407370955161700"));
    BOOST_TEST(amount("1" + std::string(40, '0')) == Amount(-1));  // past the amount limit
    for (const char* bad : {"0", "-10", "1e3", "10.001", "\"1,000\"", "\" 10\"", "true", "\"\""}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(amount(bad) == Amount(-1));
        }
    }
}

BOOST_AUTO_TEST_CASE(times_in_darajas_and_compact_form) {
    const auto completed = [](const std::string& value) {
        const auto read = read_b2c_result(success_with(
            R"([{"Key":"TransactionReceipt","Value":"R1"},{"Key":"TransactionAmount","Value":1},)"
            R"({"Key":"TransactionCompletedDateTime","Value":)" +
            value + "}]"));
        const auto* r = std::get_if<B2cResult>(&read);
        return r == nullptr || !r->completed ? std::string("refused")
                                             : riziki::ledger::format_date(r->completed->day) +
                                                   " " + std::to_string(r->completed->seconds);
    };
    BOOST_TEST(completed("\"01.02.2026 00:00:01\"") == "2026-02-01 1");
    BOOST_TEST(completed("20260201000002") == "2026-02-01 2");
    BOOST_TEST(completed("\"2026-02-01 00:00:03\"") == "2026-02-01 3");
    BOOST_TEST(completed("\"31.02.2026 00:00:01\"") == "refused");
    BOOST_TEST(completed("\"yesterday\"") == "refused");
}

BOOST_AUTO_TEST_CASE(descriptions_are_cut_and_phone_numbers_masked) {
    const std::string long_desc(300, 'x');
    const auto body = [](const std::string& desc) {
        return R"({"Result":{"ResultCode":1,"ResultDesc":)" + desc +
               R"(,"OriginatorConversationID":"O-1","ConversationID":"AG_1"}})";
    };
    BOOST_TEST(accepted(read_b2c_result(body("\"" + long_desc + "\""))).result_desc ==
               std::string(200, 'x'));
    // A two-byte character across the cut is left out whole.
    const std::string cut = std::string(199, 'x') + "\xC3\xA9" + "tail";
    BOOST_TEST(accepted(read_b2c_result(body("\"" + cut + "\""))).result_desc ==
               std::string(199, 'x'));
    BOOST_TEST(accepted(read_b2c_result(body(R"("Receiver 254722000111 invalid, code 2001\t.")")))
                   .result_desc == "Receiver ############ invalid, code 2001 .");
}

BOOST_AUTO_TEST_CASE(every_refusal_has_its_reason_and_field) {
    const std::vector<std::pair<std::string, B2cError>> cases{
        {std::string(riziki::reports::kB2cBodyBytesMax + 1, ' '), {"body_too_large", ""}},
        {"{\"Result\":", {"malformed_json", ""}},
        {std::string("{\"Result\":{}}\0", 14), {"malformed_json", ""}},
        {"\"\xFF\"", {"malformed_json", ""}},
        {std::string(17, '[') + std::string(17, ']'), {"json_too_deep", ""}},
        {R"({"Result":{"ResultCode":0,"ResultCode":1}})", {"duplicate_key", ""}},
        {"{}", {"required", "Result"}},
        {R"({"Result":[]})", {"invalid_type", "Result"}},
        {R"({"Result":{"OriginatorConversationID":"O","ConversationID":"C"}})",
         {"required", "Result.ResultCode"}},
        {R"({"Result":{"ResultCode":1.5,"OriginatorConversationID":"O","ConversationID":"C"}})",
         {"invalid_result_code", "Result.ResultCode"}},
        {R"({"Result":{"ResultCode":-1,"OriginatorConversationID":"O","ConversationID":"C"}})",
         {"invalid_result_code", "Result.ResultCode"}},
        {R"({"Result":{"ResultCode":1,"ResultDesc":{},"OriginatorConversationID":"O",)"
         R"("ConversationID":"C"}})",
         {"invalid_type", "Result.ResultDesc"}},
        {R"({"Result":{"ResultCode":1,"ConversationID":"C"}})",
         {"required", "Result.OriginatorConversationID"}},
        {R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O"}})",
         {"required", "Result.ConversationID"}},
        {R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O","ConversationID":"C D"}})",
         {"invalid_id", "Result.ConversationID"}},
        {R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O","ConversationID":")" +
             std::string(65, 'A') + "\"}}",
         {"invalid_id", "Result.ConversationID"}},
        {R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O","ConversationID":"C",)"
         R"("TransactionID":"a/b"}})",
         {"invalid_id", "Result.TransactionID"}},
        {R"({"Result":{"ResultCode":1,"OriginatorConversationID":"O","ConversationID":"C",)"
         R"("ResultParameters":[]}})",
         {"invalid_type", "Result.ResultParameters"}},
        {success_with("\"x\""), {"invalid_type", "Result.ResultParameters.ResultParameter"}},
        {success_with(R"([{"Value":1}])"),
         {"invalid_type", "Result.ResultParameters.ResultParameter"}},
        {success_with(R"([{"Key":"TransactionAmount","Value":1},)"
                      R"({"Key":"TransactionAmount","Value":2}])"),
         {"duplicate_parameter", "Result.ResultParameters.TransactionAmount"}},
        {success_with("[]"), {"required", "Result.ResultParameters.TransactionReceipt"}},
        {success_with(R"([{"Key":"TransactionReceipt","Value":"R1"}])"),
         {"required", "Result.ResultParameters.TransactionAmount"}},
        {success_with(R"([{"Key":"TransactionReceipt","Value":"R 1"}])"),
         {"invalid_id", "Result.ResultParameters.TransactionReceipt"}},
        {success_with(R"([{"Key":"TransactionReceipt","Value":"R1"},)"
                      R"({"Key":"TransactionAmount","Value":"ten"}])"),
         {"invalid_amount", "Result.ResultParameters.TransactionAmount"}},
        {success_with(R"([{"Key":"TransactionReceipt","Value":"R1"},)"
                      R"({"Key":"TransactionAmount","Value":1},)"
                      R"({"Key":"TransactionCompletedDateTime","Value":"soon"}])"),
         {"invalid_time", "Result.ResultParameters.TransactionCompletedDateTime"}},
    };
    for (const auto& [body, expected] : cases) {
        BOOST_TEST_CONTEXT(body.substr(0, 120)) {
            const auto got = refused(body);
            BOOST_TEST(got.reason == expected.reason);
            BOOST_TEST(got.field == expected.field);
        }
    }
}

BOOST_AUTO_TEST_CASE(too_many_parameters_are_refused) {
    std::string list = "[";
    for (std::size_t i = 0; i <= riziki::reports::kB2cParametersMax; ++i)
        list += std::string(i == 0 ? "" : ",") + R"({"Key":"K)" + std::to_string(i) + "\"}";
    list += "]";
    const auto got = refused(success_with(list));
    BOOST_TEST(got.reason == "too_many_parameters");
    BOOST_TEST(got.field == "Result.ResultParameters.ResultParameter");
}

BOOST_AUTO_TEST_CASE(ids_are_of_a_safe_charset) {
    using riziki::reports::is_b2c_id;
    BOOST_TEST(is_b2c_id("AG_20191219_00004e48cf7e3533f581"));
    BOOST_TEST(is_b2c_id("10571-7910404-1"));
    BOOST_TEST(is_b2c_id("a.b:c"));
    BOOST_TEST(is_b2c_id(std::string(64, 'Z')));
    BOOST_TEST(!is_b2c_id(""));
    BOOST_TEST(!is_b2c_id(std::string(65, 'Z')));
    for (const char* bad : {"a b", "a/b", "a%2F", "a\nb", "a\"b", "é"})
        BOOST_TEST(!is_b2c_id(bad), bad);
}

BOOST_AUTO_TEST_SUITE_END()
