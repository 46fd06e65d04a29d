// Hostile POST /v1/entries bodies: each refused with its exact status and code, and the
// journal unchanged afterwards; the odd-but-valid ones (Unicode, limits) are written.

#include <boost/test/unit_test.hpp>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

/// A body with raw JSON text for postings[0].amount, the memo and the date.
std::string raw_entry(const std::string& amount, const std::string& memo = R"("m")",
                      const std::string& date = R"("2026-06-01")") {
    return R"({"effective_on":)" + date + R"(,"memo":)" + memo +
           R"(,"postings":[{"account":"1010","fund":"F-KES","amount":)" + amount +
           R"(},{"account":"4100","fund":"F-KES","amount":"-100.00"}]})";
}

/// A body whose first posting has these raw JSON members instead of the usual ones.
std::string raw_posting(const std::string& members) {
    return R"({"effective_on":"2026-06-01","memo":"m","postings":[{)" + members +
           R"(},{"account":"4100","fund":"F-KES","amount":"-100.00"}]})";
}

const std::string kValid = raw_entry(R"("100.00")");

struct Nasty {
    std::string name;
    std::string body;
    int status;
    std::string code;
    FieldErrors errors = {};  ///< checked when not empty
    std::string content_type = "application/json";
};

std::vector<Nasty> amount_cases() {
    const FieldErrors bad{{"postings[0].amount", "invalid_amount"}};
    std::vector<Nasty> out;
    for (const char* amount : {R"("1e400")",
                               R"("99999999999999999999999999999999999999")",
                               R"("1.001")",
                               R"("1e3")",
                               R"("1.0e2")",
                               "1500",
                               "1500.5",
                               "-100",
                               "0",
                               "1e2",
                               "true",
                               "false",
                               R"("NaN")",
                               R"("nan")",
                               R"("Infinity")",
                               R"("-Infinity")",
                               R"("")",
                               R"(" 1")",
                               R"("1 ")",
                               R"("1,000")",
                               R"("1 000")",
                               R"("1_000")",
                               R"("٣")",
                               R"("١٠٠")",
                               R"("१००")",
                               R"("１００")",
                               R"("+100.00")",
                               R"("100.")",
                               R"(".5")",
                               R"("-")",
                               R"("--100")",
                               R"("0x64")",
                               R"("100.00\u0000")",
                               R"("100.000")",
                               R"("100.00 KES")",
                               R"("KES 100")",
                               R"("$100")",
                               R"("100.00\n")",
                               R"("10000000000000000000000000000.00")",
                               R"(["100.00"])",
                               R"({"value":"100.00"})"}) {
        out.push_back(
            {std::string("amount ") + amount, raw_entry(amount), 422, "validation_failed", bad});
    }
    out.push_back({"amount null",
                   raw_entry("null"),
                   422,
                   "validation_failed",
                   {{"postings[0].amount", "required"}}});
    out.push_back({"amount missing",
                   raw_posting(R"("account":"1010","fund":"F-KES")"),
                   422,
                   "validation_failed",
                   {{"postings[0].amount", "required"}}});
    out.push_back({"both negative", raw_entry(R"("-100.00")"), 422, "unbalanced_entry"});
    out.push_back({"negative zero", raw_entry(R"("-0.00")"), 422, "zero_posting"});
    out.push_back({"zero", raw_entry(R"("0")"), 422, "zero_posting"});
    out.push_back({"one cent off", raw_entry(R"("100.01")"), 422, "unbalanced_entry"});
    for (const char* token : {"NaN", "Infinity", "-", "01", "+1", ".5", "0x10", "1.", "'1'"}) {
        out.push_back({std::string("bare ") + token, raw_entry(token), 400, "malformed_json"});
    }
    return out;
}

std::vector<Nasty> shape_cases() {
    const std::string deep17 = R"({"x":)" + std::string(16, '[') + std::string(16, ']') + "}";
    const std::string deep16 = kValid.substr(0, kValid.size() - 1) + R"(,"x":)" +
                               std::string(15, '[') + std::string(15, ']') + "}";
    std::string ten_thousand = R"({"effective_on":"2026-06-01","memo":"m","postings":[)";
    for (int i = 0; i < 10000; ++i) {
        ten_thousand +=
            std::string(i ? "," : "") + R"({"account":"1010","fund":"F-KES","amount":"1.00"})";
    }
    ten_thousand += "]}";
    return {
        {"empty object",
         "{}",
         422,
         "validation_failed",
         {{"effective_on", "required"}, {"memo", "required"}, {"postings", "required"}}},
        {"array body", "[]", 422, "body_not_object"},
        {"array of the entry", "[" + kValid + "]", 422, "body_not_object"},
        {"string body", R"("entry")", 422, "body_not_object"},
        {"null body", "null", 422, "body_not_object"},
        {"number body", "42", 422, "body_not_object"},
        {"true body", "true", 422, "body_not_object"},
        {"empty body", "", 400, "malformed_json"},
        {"blank body", " \r\n\t", 400, "malformed_json"},
        {"open brace", "{", 400, "malformed_json"},
        {"close brace", "}", 400, "malformed_json"},
        {"key without value", R"({"memo"})", 400, "malformed_json"},
        {"trailing garbage", kValid + "x", 400, "malformed_json"},
        {"two objects", kValid + "{}", 400, "malformed_json"},
        {"trailing NUL", kValid + std::string(1, '\0'), 400, "malformed_json"},
        {"NUL then more JSON", kValid + std::string(1, '\0') + R"({"memo":"hidden"})", 400,
         "malformed_json"},
        {"NUL then garbage", kValid + std::string(1, '\0') + "\xff\xfe garbage", 400,
         "malformed_json"},
        {"trailing comma", R"({"memo":"m",})", 400, "malformed_json"},
        {"single quotes", R"({'memo':'m'})", 400, "malformed_json"},
        {"comment", "/* c */" + kValid, 400, "malformed_json"},
        {"raw newline in string", raw_entry(R"("100.00")", "\"a\nb\""), 400, "malformed_json"},
        {"17 levels", deep17, 400, "json_too_deep"},
        {"17 bare arrays", std::string(17, '[') + std::string(17, ']'), 400, "json_too_deep"},
        {"100k open brackets", std::string(100000, '['), 400, "json_too_deep"},
        {"16 levels", deep16, 422, "validation_failed", {{"x", "unknown_field"}}},
        {"10k postings", ten_thousand, 422, "validation_failed", {{"postings", "invalid_length"}}},
        {"postings object",
         R"({"effective_on":"2026-06-01","memo":"m","postings":{}})",
         422,
         "validation_failed",
         {{"postings", "invalid_type"}}},
        {"postings string",
         R"({"effective_on":"2026-06-01","memo":"m","postings":"1010"})",
         422,
         "validation_failed",
         {{"postings", "invalid_type"}}},
        {"postings empty",
         R"({"effective_on":"2026-06-01","memo":"m","postings":[]})",
         422,
         "validation_failed",
         {{"postings", "invalid_length"}}},
        {"postings of scalars",
         R"({"effective_on":"2026-06-01","memo":"m","postings":[1,"x",null,[]]})",
         422,
         "validation_failed",
         {{"postings[0]", "invalid_type"},
          {"postings[1]", "invalid_type"},
          {"postings[2]", "invalid_type"},
          {"postings[3]", "invalid_type"}}},
        {"empty posting",
         raw_posting(""),
         422,
         "validation_failed",
         {{"postings[0].account", "required"}, {"postings[0].fund", "required"}}},
        {"one posting",
         R"({"effective_on":"2026-06-01","memo":"m","postings":)"
         R"([{"account":"1010","fund":"F-KES","amount":"1.00"}]})",
         422, "postings_too_few"},
    };
}

std::vector<Nasty> field_cases() {
    const std::string c64(64, 'C');
    const std::string c65(65, 'C');
    std::string euros;
    for (int i = 0; i < 333; ++i)
        euros += "\xe2\x82\xac";
    return {
        {"no memo",
         R"({"effective_on":"2026-06-01","postings":[]})",
         422,
         "validation_failed",
         {{"memo", "required"}, {"postings", "invalid_length"}}},
        {"memo 1001 bytes",
         raw_entry(R"("100.00")", "\"" + std::string(1001, 'm') + "\""),
         422,
         "validation_failed",
         {{"memo", "invalid_length"}}},
        {"memo 1001 bytes of euros",
         raw_entry(R"("100.00")", "\"" + euros + "ab\""),
         422,
         "validation_failed",
         {{"memo", "invalid_length"}}},
        {"memo empty",
         raw_entry(R"("100.00")", R"("")"),
         422,
         "validation_failed",
         {{"memo", "invalid_length"}}},
        {"memo NUL",
         raw_entry(R"("100.00")", R"("\u0000")"),
         422,
         "validation_failed",
         {{"memo", "invalid_text"}}},
        {"memo inner NUL",
         raw_entry(R"("100.00")", R"("ab\u0000cd")"),
         422,
         "validation_failed",
         {{"memo", "invalid_text"}}},
        {"memo lone high surrogate", raw_entry(R"("100.00")", R"("\ud800")"), 400,
         "malformed_json"},
        {"memo lone low surrogate", raw_entry(R"("100.00")", R"("\udc00")"), 400, "malformed_json"},
        {"memo surrogate then letter", raw_entry(R"("100.00")", R"("\ud800\u0041")"), 400,
         "malformed_json"},
        {"memo byte FF", raw_entry(R"("100.00")", "\"\xff\""), 400, "malformed_json"},
        {"memo overlong slash", raw_entry(R"("100.00")", "\"\xc0\xaf\""), 400, "malformed_json"},
        {"memo truncated euro", raw_entry(R"("100.00")", "\"\xe2\x82\""), 400, "malformed_json"},
        {"memo CESU surrogate", raw_entry(R"("100.00")", "\"\xed\xa0\x80\""), 400,
         "malformed_json"},
        {"memo above U+10FFFF", raw_entry(R"("100.00")", "\"\xf4\x90\x80\x80\""), 400,
         "malformed_json"},
        {"key with byte FE", "{\"\xfe\":1}", 400, "malformed_json"},
        {"memo number",
         raw_entry(R"("100.00")", "5"),
         422,
         "validation_failed",
         {{"memo", "invalid_type"}}},
        {"memo array",
         raw_entry(R"("100.00")", R"(["m"])"),
         422,
         "validation_failed",
         {{"memo", "invalid_type"}}},
        {"memo object",
         raw_entry(R"("100.00")", "{}"),
         422,
         "validation_failed",
         {{"memo", "invalid_type"}}},
        {"unknown Memo",
         R"({"effective_on":"2026-06-01","Memo":"m","postings":[]})",
         422,
         "validation_failed",
         {{"Memo", "unknown_field"}, {"memo", "required"}, {"postings", "invalid_length"}}},
        {"event smuggled",
         kValid.substr(0, kValid.size() - 1) + R"(,"event":"reversal"})",
         422,
         "validation_failed",
         {{"event", "unknown_field"}}},
        {"reverses smuggled",
         kValid.substr(0, kValid.size() - 1) + R"(,"reverses":1})",
         422,
         "validation_failed",
         {{"reverses", "unknown_field"}}},
        {"recorded_by smuggled",
         kValid.substr(0, kValid.size() - 1) + R"(,"recorded_by":"x"})",
         422,
         "validation_failed",
         {{"recorded_by", "unknown_field"}}},
        {"posting currency",
         raw_posting(R"("account":"1010","fund":"F-KES","amount":"100.00","currency":"USD")"),
         422,
         "validation_failed",
         {{"postings[0].currency", "unknown_field"}}},
        {"account number",
         raw_posting(R"("account":1010,"fund":"F-KES","amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].account", "invalid_type"}}},
        {"account 64 bytes",
         raw_posting(R"("account":")" + c64 + R"(","fund":"F-KES","amount":"100.00")"), 422,
         "unknown_account"},
        {"account 65 bytes",
         raw_posting(R"("account":")" + c65 + R"(","fund":"F-KES","amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].account", "invalid_length"}}},
        {"fund 64 bytes",
         raw_posting(R"("account":"1010","fund":")" + c64 + R"(","amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].fund", "unknown_fund"}}},
        {"fund 65 bytes",
         raw_posting(R"("account":"1010","fund":")" + c65 + R"(","amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].fund", "invalid_length"}}},
        {"fund null",
         raw_posting(R"("account":"1010","fund":null,"amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].fund", "required"}}},
        {"fund lower case",
         raw_posting(R"("account":"1010","fund":"f-kes","amount":"100.00")"),
         422,
         "validation_failed",
         {{"postings[0].fund", "unknown_fund"}}},
        {"survivor 65 bytes",
         raw_posting(R"("account":"1010","fund":"F-KES","amount":"100.00","survivor":")" + c65 +
                     "\""),
         422,
         "validation_failed",
         {{"postings[0].survivor", "invalid_length"}}},
        {"survivor number",
         raw_posting(R"("account":"1010","fund":"F-KES","amount":"100.00","survivor":7)"),
         422,
         "validation_failed",
         {{"postings[0].survivor", "invalid_type"}}},
        {"award empty",
         raw_posting(R"("account":"1010","fund":"F-KES","amount":"100.00","award":"")"),
         422,
         "validation_failed",
         {{"postings[0].award", "invalid_length"}}},
        {"USD three decimals",
         raw_posting(R"("account":"1010","fund":"F-USD","amount":"1.005")"),
         422,
         "validation_failed",
         {{"postings[0].amount", "invalid_amount"}}},
    };
}

std::vector<Nasty> date_and_type_cases() {
    std::vector<Nasty> out;
    for (const char* date :
         {R"("2026-02-29")", R"("2026-06-31")", R"("2026-13-01")", R"("2026-00-10")",
          R"("2026-06-01T00:00:00Z")", R"("2026/06/01")", R"("01-06-2026")", R"("1899-12-31")",
          R"("")", R"("２０２６-06-01")", R"("2026-6-1")", R"(" 2026-06-01")", "20260601",
          R"(["2026-06-01"])", "true"}) {
        out.push_back({std::string("date ") + date,
                       raw_entry(R"("100.00")", R"("m")", date),
                       422,
                       "validation_failed",
                       {{"effective_on", "invalid_date"}}});
    }
    for (const char* type :
         {"text/plain", "application/x-www-form-urlencoded", "application/jsonp",
          "application/json-patch+json", "application/json, text/plain", "text/json", "*/*", ""}) {
        out.push_back({std::string("content type '") + type + "'",
                       kValid,
                       415,
                       "unsupported_media_type",
                       {},
                       type});
    }
    return out;
}

void check_nasty(HttpClient& client, const Nasty& c) {
    BOOST_TEST_CONTEXT("case '" << c.name << "'") {
        auto headers = with(server().auth("finance"), "Idempotency-Key", fresh_key("nasty"));
        if (!c.content_type.empty())
            headers.emplace_back("Content-Type", c.content_type);
        const auto response =
            client.request("POST", "/v1/entries", headers, std::string_view(c.body));
        const auto problem = check_problem(response, c.status, c.code);
        if (!c.errors.empty()) {
            BOOST_TEST(field_errors(problem) == c.errors, describe(field_errors(problem)));
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corpus, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(nasty_bodies_are_refused_and_write_nothing) {
    auto client = server().client();
    BOOST_TEST_REQUIRE(post_entry(client, server(), kValid).status == 201);
    const auto before = all_entries(server());
    const auto seq = server().journal_seq();
    std::size_t count = 0;
    for (const auto& cases :
         {amount_cases(), shape_cases(), field_cases(), date_and_type_cases()}) {
        for (const auto& c : cases) {
            check_nasty(client, c);
            ++count;
        }
    }
    BOOST_TEST(count == 145u);  // the corpus cannot shrink unnoticed
    BOOST_TEST(server().journal_seq() == seq);
    BOOST_TEST(all_entries(server()) == before);
    // The server still works normally afterwards.
    BOOST_TEST(post_entry(client, server(), kValid).status == 201);
}

// A JSON object with a repeated name is ambiguous (RFC 8259 §4: receivers disagree on
// which value wins). For money, a body two parsers can read differently must be refused,
// not silently resolved to the last value.
BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused) {
    auto client = server().client();
    const auto seq = server().journal_seq();
    const std::vector<std::string> bodies{
        raw_posting(R"("account":"1010","fund":"F-KES","amount":"1.00","amount":"100.00")"),
        R"({"effective_on":"2026-06-01","memo":"first","memo":"second","postings":[)"
        R"({"account":"1010","fund":"F-KES","amount":"100.00"},)"
        R"({"account":"4100","fund":"F-KES","amount":"-100.00"}]})",
        raw_posting(R"("account":"1010","account":"5100","fund":"F-KES","amount":"100.00")"),
    };
    for (const auto& body : bodies) {
        BOOST_TEST_CONTEXT(body) {
            const auto response = post_entry(client, server(), body);
            BOOST_TEST((response.status >= 400 && response.status < 500),
                       response.status << " " << response.body);
            BOOST_TEST(response.header("Content-Type") == "application/problem+json");
        }
    }
    BOOST_TEST(server().journal_seq() == seq);
}

BOOST_AUTO_TEST_CASE(odd_but_valid_bodies_are_written_exactly) {
    auto client = server().client();
    const auto seq = server().journal_seq();
    struct Valid {
        std::string name;
        std::string body;
        std::string memo;    ///< as it must come back
        std::string amount;  ///< postings[0].amount as it must come back
        std::string content_type = "application/json";
    };
    std::string emoji;
    for (int i = 0; i < 250; ++i)
        emoji += "\xf0\x9f\x98\x80";
    const std::string top = "9999999999999999999999999999.99";  // 10^30 - 1 minor units
    const std::vector<Valid> cases{
        {"unicode memo",
         raw_entry(R"("100.00")",
                   "\"Mama Mboga \xf0\x9f\xa5\xac \xe2\x80\x94 "
                   "\xc3\xb1"
                   "and\xc3\xba \xe4\xb8\xad\xe6\x96\x87\""),
         "Mama Mboga \xf0\x9f\xa5\xac \xe2\x80\x94 \xc3\xb1"
         "and\xc3\xba \xe4\xb8\xad\xe6\x96\x87",
         "100.00"},
        {"escaped surrogate pair", raw_entry(R"("100.00")", R"("\ud83d\ude00 ok")"),
         "\xf0\x9f\x98\x80 ok", "100.00"},
        {"memo 1000 bytes", raw_entry(R"("100.00")", "\"" + std::string(1000, 'm') + "\""),
         std::string(1000, 'm'), "100.00"},
        {"memo 250 emoji", raw_entry(R"("100.00")", "\"" + emoji + "\""), emoji, "100.00"},
        {"brackets in a string", raw_entry(R"("100.00")", "\"" + std::string(40, '[') + "\""),
         std::string(40, '['), "100.00"},
        {"escapes", raw_entry(R"("100.00")", R"("a\"b\\c\/d\n\t\u0001")"), "a\"b\\c/d\n\t\x01",
         "100.00"},
        {"bidi controls", raw_entry(R"("100.00")", R"("\u202eabc\u200d")"),
         "\xe2\x80\xae"
         "abc\xe2\x80\x8d",
         "100.00"},
        {"whole amount", raw_entry(R"("100")"), "m", "100.00"},
        {"leading zeros", raw_entry(R"("000100.00")"), "m", "100.00"},
        {"one decimal", raw_entry(R"("100.0")"), "m", "100.00"},
        {"largest amount",
         R"({"effective_on":"2026-06-01","memo":"max","postings":[)"
         R"({"account":"1010","fund":"F-KES2","amount":")" +
             top +
             R"("},)"
             R"({"account":"4100","fund":"F-KES2","amount":"-)" +
             top + R"("}]})",
         "max", top},
        {"white space around", " \r\n\t" + kValid + "\n\n ", "m", "100.00"},
        {"charset parameter", kValid, "m", "100.00", "application/json; charset=utf-8"},
        {"upper-case type", kValid, "m", "100.00", "Application/JSON"},
        {"64-byte survivor and award",
         raw_posting(R"("account":"1010","fund":"F-KES","amount":"100.00","survivor":")" +
                     std::string(64, 'S') + R"(","award":")" + std::string(64, 'A') + "\""),
         "m", "100.00"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        BOOST_TEST_CONTEXT("case '" << c.name << "'") {
            const auto response = client.request(
                "POST", "/v1/entries",
                with(with(server().auth("finance"), "Idempotency-Key", fresh_key("valid")),
                     "Content-Type", c.content_type),
                std::string_view(c.body));
            BOOST_TEST_REQUIRE(response.status == 201, response.body);
            const auto entry = body_json(response);
            BOOST_TEST(entry.value("memo", "") == c.memo);
            BOOST_TEST(entry.at("postings").at(0).value("amount", "") == c.amount);
            BOOST_TEST(entry.value("seq", 0LL) == seq + static_cast<long long>(i) + 1);
        }
    }
    // 500 postings is the most an entry may have.
    std::vector<PostingSpec> postings;
    for (int i = 0; i < 250; ++i)
        postings.push_back({"1010", "F-KES", "0.01"});
    for (int i = 0; i < 250; ++i)
        postings.push_back({"4100", "F-KES", "-0.01"});
    const auto big =
        post_entry(client, server(), entry_body("2026-06-02", "500 postings", postings));
    BOOST_TEST_REQUIRE(big.status == 201, big.body);
    BOOST_TEST(body_json(big).at("postings").size() == 500u);
    BOOST_TEST(server().journal_seq() == seq + static_cast<long long>(cases.size()) + 1);
    const auto tb = client.get("/v1/audit/trial-balance?fund=F-KES2", server().auth("auditor"));
    BOOST_TEST(
        body_json(tb).at("totals") ==
        json::array({{{"currency", "KES"}, {"debit", top}, {"credit", top}, {"balanced", true}}}));
}

// Codes are data the API does not choose (funds come from donors' agreements): the CSV
// trial balance must quote what would otherwise split or break a row (RFC 4180).
BOOST_AUTO_TEST_CASE(csv_quotes_fund_codes_with_commas_quotes_and_line_breaks) {
    for (const char* fund : {"F,COMMA", "F\"QUOTE", "F\nLINE"})
        server().create_fund(fund, "USD");
    auto client = server().client();
    for (const char* fund : {"F,COMMA", "F\"QUOTE", "F\nLINE"}) {
        BOOST_TEST(post_entry(client, server(), receipt_body(fund, "1.00", "2026-06-03")).status ==
                   201);
    }
    const auto csv =
        client.get("/v1/audit/trial-balance?format=csv&as_of=2026-06-03", server().auth("auditor"));
    BOOST_TEST(csv.status == 200);
    // Row order follows the database's collation; each row must be there, quoted.
    for (const char* row : {"\r\n1010,Bank,asset,\"F\nLINE\",USD,1.00,0.00\r\n",
                            "\r\n1010,Bank,asset,\"F\"\"QUOTE\",USD,1.00,0.00\r\n",
                            "\r\n1010,Bank,asset,\"F,COMMA\",USD,1.00,0.00\r\n"}) {
        BOOST_TEST(csv.body.find(row) != std::string::npos, "missing row " << row << csv.body);
    }
    const auto listed = client.get("/v1/entries?fund=F%2CCOMMA", server().auth("auditor"));
    BOOST_TEST(body_json(listed).at("items").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
