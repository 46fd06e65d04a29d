// encode, dice and the CLK's text form (api/registry_encoding.hpp).

#include <sodium.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "api/consortium_key.hpp"
#include "api/registry_encoding.hpp"

using riziki::api::Clk;
using riziki::api::ConsortiumKey;
using riziki::api::dice;
using riziki::api::encode;
using riziki::api::RegistryIdentity;

namespace {

const ConsortiumKey& shared_key() {
    static const ConsortiumKey key = ConsortiumKey::fresh();
    return key;
}

RegistryIdentity person(std::string name, int year = 1990) {
    return {std::move(name), "0712345678", "12345678", year};
}

Clk clk_of(const std::string& name, int year = 1990) {
    return encode(shared_key(), {name, "", "", year}).clk;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(registry_tokens)

BOOST_AUTO_TEST_CASE(phone_formats_give_one_phone_token) {
    const auto& key = shared_key();
    const auto expected = encode(key, {"", "+254712345678", "", 1990}).phone_token;
    BOOST_TEST_REQUIRE(expected.has_value());
    for (const char* phone :
         {"0712345678", "0712 345 678", "254712345678", "+254 712 345 678", "+254 7 12 34 56 78",
          "00254712345678", "00254-712-345-678", "+254 (0)712.345.678", "712345678"}) {
        BOOST_TEST_CONTEXT(phone) {
            BOOST_TEST((encode(key, {"", phone, "", 1990}).phone_token == expected));
        }
    }
    BOOST_TEST((encode(key, {"", "0712345679", "", 1990}).phone_token != expected));
}

BOOST_AUTO_TEST_CASE(an_empty_or_invalid_phone_gives_no_phone_token_and_the_rest) {
    for (const char* phone : {"", "12345", "0712 345 67x", "+254 712", "ext. 12"}) {
        BOOST_TEST_CONTEXT(phone) {
            const auto encoding = encode(shared_key(), {"Achieng Otieno", phone, "12345678", 1990});
            BOOST_TEST(!encoding.phone_token.has_value());
            BOOST_TEST(encoding.id_token.has_value());
            BOOST_TEST(encoding.name_token.has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(national_ids_written_differently_give_one_id_token) {
    const auto& key = shared_key();
    const auto expected = encode(key, {"", "", "A1234567", 1990}).id_token;
    BOOST_TEST_REQUIRE(expected.has_value());
    for (const char* id : {"a1234567", "A 123 4567", "A-123-4567", "a.123/4567"})
        BOOST_TEST((encode(key, {"", "", id, 1990}).id_token == expected));
    BOOST_TEST(!encode(key, {"", "", " - / ", 1990}).id_token.has_value());
    BOOST_TEST(!encode(key, {"", "", "", 1990}).id_token.has_value());
}

BOOST_AUTO_TEST_CASE(the_name_token_is_of_the_normalised_name_and_the_birth_year) {
    const auto& key = shared_key();
    const auto token = encode(key, person("Wanjiku Mwangi")).name_token;
    BOOST_TEST_REQUIRE(token.has_value());
    BOOST_TEST((encode(key, person("Bi. MWANGI  wanjik\u0169")).name_token == token));
    BOOST_TEST((encode(key, person("Wanjiku Mwangie")).name_token != token));
    BOOST_TEST((encode(key, person("Wanjiku Mwangi", 1991)).name_token != token));
    BOOST_TEST(!encode(key, person("Mr. 42")).name_token.has_value());
    BOOST_TEST(!encode(key, person("Wanjiku \xC3")).name_token.has_value());
}

BOOST_AUTO_TEST_CASE(year_tokens_overlap_exactly_for_years_within_one) {
    const auto& key = shared_key();
    const auto tokens = encode(key, person("Achieng", 1990)).year_tokens;
    const auto has = [&](int year) {
        const auto own = encode(key, person("Achieng", year)).year_tokens[1];
        return std::find(tokens.begin(), tokens.end(), own) != tokens.end();
    };
    BOOST_TEST(has(1989));
    BOOST_TEST(has(1990));
    BOOST_TEST(has(1991));
    BOOST_TEST(!has(1988));
    BOOST_TEST(!has(1992));
    BOOST_TEST((tokens[0] != tokens[1]));
    BOOST_TEST((tokens[2] == encode(key, person("Achieng", 1991)).year_tokens[1]));
}

BOOST_AUTO_TEST_CASE(every_token_differs_under_another_consortium_key) {
    const auto one = encode(shared_key(), person("Wanjiku Mwangi"));
    const auto other = encode(ConsortiumKey::fresh(), person("Wanjiku Mwangi"));
    BOOST_TEST((one.id_token != other.id_token));
    BOOST_TEST((one.phone_token != other.phone_token));
    BOOST_TEST((one.name_token != other.name_token));
    for (std::size_t i = 0; i < 3; ++i)
        BOOST_TEST((one.year_tokens[i] != other.year_tokens[i]));
    BOOST_TEST((one.clk != other.clk));
    BOOST_TEST(dice(one.clk, other.clk) < 0.5);
}

BOOST_AUTO_TEST_CASE(the_same_digits_give_different_tokens_as_id_and_as_phone) {
    const auto encoding = encode(shared_key(), {"", "254712345678", "254712345678", 1990});
    BOOST_TEST((encoding.id_token != encoding.phone_token));
}

BOOST_AUTO_TEST_CASE(birth_years_outside_the_survivors_range_are_refused) {
    for (int year : {0, 1899, 2101})
        BOOST_CHECK_THROW(encode(shared_key(), person("Achieng", year)), std::invalid_argument);
    BOOST_CHECK_NO_THROW(encode(shared_key(), person("Achieng", 1900)));
    BOOST_CHECK_NO_THROW(encode(shared_key(), person("Achieng", 2100)));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(registry_clk)

BOOST_AUTO_TEST_CASE(the_issues_three_names_compare_as_asked) {
    const auto wanjiku = clk_of("Wanjiku Mwangi");
    BOOST_TEST(dice(wanjiku, clk_of("Mwangi Wanjiku")) == 1.0);
    BOOST_TEST(dice(wanjiku, clk_of("Bi. WANJIK\u0168 mwangi")) == 1.0);
    BOOST_TEST(dice(wanjiku, clk_of("Wanjiku Mwangie")) >= 0.8);
    BOOST_TEST(dice(wanjiku, clk_of("Achieng Otieno")) < 0.5);
    // The year weighs less than a bigram: a year off by one stays close.
    BOOST_TEST(dice(wanjiku, clk_of("Wanjiku Mwangi", 1991)) >= 0.9);
    BOOST_TEST(dice(wanjiku, clk_of("Wanjiku Mwangi", 1991)) < 1.0);
}

BOOST_AUTO_TEST_CASE(a_name_without_letters_sets_the_years_bits_alone) {
    const auto clk = encode(shared_key(), {"", "", "", 1990}).clk;
    BOOST_TEST(clk.count() == riziki::api::kClkYearBits);  // h2 odd: k distinct positions
    BOOST_TEST((encode(shared_key(), {"Dr. 7", "", "", 1990}).clk == clk));
}

BOOST_AUTO_TEST_CASE(dice_counts_shared_bits) {
    Clk a, b;
    BOOST_TEST(dice(a, b) == 0.0);
    a.set(0).set(1);
    b.set(1).set(2);
    BOOST_TEST(dice(a, b) == 0.5);
    BOOST_TEST(dice(a, a) == 1.0);
    BOOST_TEST(dice(a, Clk{}) == 0.0);
    b.reset().set(1000);
    BOOST_TEST(dice(a, b) == 0.0);
}

BOOST_AUTO_TEST_CASE(clk_text_round_trips_and_puts_bit_0_first) {
    const auto clk = clk_of("Wanjiku Mwangi");
    const auto text = riziki::api::clk_text(clk);
    BOOST_TEST(text.size() == 172U);
    const auto parsed = riziki::api::parse_clk(text);
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST((*parsed == clk));
    Clk first;
    first.set(0);
    BOOST_TEST(riziki::api::clk_text(first) == "g" + std::string(170, 'A') + "=");
    Clk last;
    last.set(riziki::api::kClkBits - 1);
    BOOST_TEST(riziki::api::clk_text(last) == std::string(170, 'A') + "E=");
    BOOST_TEST(riziki::api::clk_text(Clk{}) == std::string(171, 'A') + "=");
}

BOOST_AUTO_TEST_CASE(parse_clk_refuses_anything_but_clk_texts_form) {
    const auto text = riziki::api::clk_text(clk_of("Achieng Otieno"));
    for (const auto& wrong :
         {text.substr(1), text + "A", text + "\n", text.substr(0, 171) + "A", "-" + text.substr(1),
          " " + text.substr(1), std::string{}, std::string(172, 'A'), std::string(172, '=')}) {
        BOOST_TEST_CONTEXT("'" << wrong << "'") {
            BOOST_TEST(!riziki::api::parse_clk(wrong).has_value());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
