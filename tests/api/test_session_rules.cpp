// The pure parts of sign-in (SPEC §12), with injected clocks: the session expiry policy,
// the login throttle's delays, the password rules, cookies and the CSRF check.

#include <boost/test/unit_test.hpp>

#include <chrono>

#include "api/login_throttle.hpp"
#include "api/passwords.hpp"
#include "api/sessions.hpp"
#include "api/users.hpp"

using namespace riziki::api;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(session_rules)

BOOST_AUTO_TEST_CASE(a_session_ends_after_30_minutes_idle_or_12_hours_in_all) {
    const std::chrono::system_clock::time_point begun{std::chrono::hours(500000)};
    BOOST_TEST((session_state(begun, begun, begun) == SessionState::live));
    BOOST_TEST((session_state(begun, begun, begun + 29min + 59s) == SessionState::live));
    BOOST_TEST((session_state(begun, begun, begun + 30min) == SessionState::idle_expired));
    // Busy all day: seen a minute ago, but begun 12 hours ago.
    const auto late = begun + 12h;
    BOOST_TEST((session_state(begun, late - 1min, late - 1s) == SessionState::live));
    BOOST_TEST((session_state(begun, late - 1min, late) == SessionState::absolute_expired));
    BOOST_TEST((session_state(begun, begun, late) == SessionState::absolute_expired));
}

BOOST_AUTO_TEST_CASE(five_failures_then_delays_that_double_up_to_15_minutes) {
    LoginThrottle throttle;
    const LoginThrottle::Clock::time_point t0{std::chrono::hours(1000)};
    for (int i = 0; i < 4; ++i) {
        throttle.fail("user:1", t0);
        BOOST_TEST(throttle.wait("user:1", t0).count() == 0);
    }
    throttle.fail("user:1", t0);  // the fifth
    BOOST_TEST(throttle.wait("user:1", t0).count() == 1);
    BOOST_TEST(throttle.wait("user:1", t0 + 1s).count() == 0);
    BOOST_TEST(throttle.wait("user:2", t0).count() == 0);  // another key is not held up
    throttle.fail("user:1", t0 + 1s);
    BOOST_TEST(throttle.wait("user:1", t0 + 1s).count() == 2);
    BOOST_TEST(throttle.wait("user:1", t0 + 2500ms).count() == 1);  // rounded up
    throttle.fail("user:1", t0 + 3s);
    BOOST_TEST(throttle.wait("user:1", t0 + 3s).count() == 4);
    BOOST_TEST(LoginThrottle::delay_after(4).count() == 0);
    BOOST_TEST(LoginThrottle::delay_after(5).count() == 1);
    BOOST_TEST(LoginThrottle::delay_after(14).count() == 512);
    BOOST_TEST(LoginThrottle::delay_after(15).count() == 900);
    BOOST_TEST(LoginThrottle::delay_after(1000).count() == 900);
    throttle.succeed("user:1");
    BOOST_TEST(throttle.wait("user:1", t0 + 3s).count() == 0);
}

BOOST_AUTO_TEST_CASE(failures_are_forgotten_after_a_quiet_day_not_after_the_delay) {
    LoginThrottle throttle;
    const LoginThrottle::Clock::time_point t0{std::chrono::hours(1000)};
    for (int i = 0; i < 15; ++i)
        throttle.fail("address:10.0.0.1", t0);
    BOOST_TEST(throttle.wait("address:10.0.0.1", t0).count() == 900);
    // Waiting out the delay buys one more try, not five.
    throttle.fail("address:10.0.0.1", t0 + 16min);
    BOOST_TEST(throttle.wait("address:10.0.0.1", t0 + 16min).count() == 900);
    throttle.fail("address:10.0.0.1", t0 + 16min + 25h);
    BOOST_TEST(throttle.wait("address:10.0.0.1", t0 + 16min + 25h).count() == 0);
}

BOOST_AUTO_TEST_CASE(passwords_need_12_characters_and_must_not_be_common) {
    BOOST_TEST((check_password("short-pass1") == PasswordRule::too_short));
    // Characters, not bytes: 11 Swahili-with-accents characters are still too few.
    BOOST_TEST((check_password("ñáéíóúñáéíó") == PasswordRule::too_short));
    BOOST_TEST((check_password(std::string(1025, 'x') + "Q7") == PasswordRule::too_long));
    for (const char* common : {"Password2024!", "password1234", "123456789012", "qwertyuiop12",
                               "aaaaaaaaaaaa", "abcdefghijklmnop", "iloveyou!!!!", "passpasspass",
                               "Riziki-2026-!", "1qaz2wsx3edc", "210987654321", "!!!!----1234"}) {
        BOOST_TEST_CONTEXT(common) {
            BOOST_TEST((check_password(common) == PasswordRule::too_common));
        }
    }
    BOOST_TEST((check_password("amina.w-2026!x", "amina.w") == PasswordRule::too_common));
    BOOST_TEST((check_password("mango tree by the river") == PasswordRule::none));
    BOOST_TEST((check_password("Tr0ub4dor&3x9") == PasswordRule::none));
    BOOST_TEST(problem_code(PasswordRule::too_common) == "password_too_common");
}

BOOST_AUTO_TEST_CASE(usernames_are_lower_case_and_of_a_small_alphabet) {
    BOOST_TEST(normal_username("Amina.W").value_or("?") == "amina.w");
    BOOST_TEST(!normal_username("ab"));
    BOOST_TEST(!normal_username(".amina"));
    BOOST_TEST(!normal_username("amina wanjiru"));
    BOOST_TEST(!normal_username(std::string(65, 'a')));
}

BOOST_AUTO_TEST_CASE(the_session_cookie_is_found_among_others_and_csrf_guards_unsafe_methods) {
    Request request{http::verb::post, "/v1/cohorts", 11};
    request.insert(http::field::cookie, "theme=dark; riziki_session=abc123 ;x=1");
    BOOST_TEST(cookie_value(request, "riziki_session").value_or("?") == "abc123");
    BOOST_TEST(!cookie_value(request, "missing"));
    const SessionCaller caller{{}, csrf_token_for("abc123")};
    BOOST_TEST(caller.csrf_token.size() == 64U);
    BOOST_TEST(caller.csrf_token != csrf_token_for("abc124"));
    BOOST_TEST(!csrf_satisfied(request, caller));
    request.set("X-CSRF-Token", csrf_token_for("other"));
    BOOST_TEST(!csrf_satisfied(request, caller));
    request.set("X-CSRF-Token", caller.csrf_token);
    BOOST_TEST(csrf_satisfied(request, caller));
    Request read{http::verb::get, "/v1/me", 11};
    BOOST_TEST(csrf_satisfied(read, caller));
}

BOOST_AUTO_TEST_SUITE_END()
