#include "api/passwords.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace riziki::api {

namespace {

/// Words that, padded with digits and symbols (or repeated), make most of the long passwords
/// in public breach lists: "Password2024!", "qwerty123456", "iloveyouiloveyou". 40 words.
constexpr std::array<std::string_view, 40> kCommonWords{
    "password", "passw",    "pass",     "qwerty",  "qwertyuiop",    "asdf",     "asdfgh",
    "zxcvbn",   "letmein",  "welcome",  "admin",   "administrator", "iloveyou", "monkey",
    "dragon",   "football", "baseball", "soccer",  "sunshine",      "princess", "master",
    "shadow",   "superman", "batman",   "trustno", "whatever",      "freedom",  "abc",
    "secret",   "changeme", "default",  "login",   "user",          "test",     "riziki",
    "kenya",    "nairobi",  "mombasa",  "jesus",   "love"};

/// Runs along which many people type: "abcdefghijkl", "123456789012", "qwertyuiopas",
/// "1qaz2wsx3edc", and the same backwards.
constexpr std::array<std::string_view, 4> kRuns{
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "01234567890123456789012345678901234567890123456789",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p1qaz2wsx3edc4rfv"};

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
    }));
}

std::string lower(std::string_view text) {
    std::string out;
    for (char c : text)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_run(const std::string& text) {
    std::string reversed(text.rbegin(), text.rend());
    return std::any_of(kRuns.begin(), kRuns.end(), [&](std::string_view run) {
        return run.find(text) != std::string_view::npos ||
               run.find(reversed) != std::string_view::npos;
    });
}

/// `letters` is one common word, or the same word (of any kind) repeated.
bool common_letters(const std::string& letters) {
    if (letters.empty())
        return true;  // digits and symbols only
    for (std::size_t width = 1; width <= letters.size() / 2; ++width) {
        if (letters.size() % width != 0)
            continue;
        bool repeated = true;
        for (std::size_t i = width; i < letters.size() && repeated; ++i)
            repeated = letters[i] == letters[i - width];
        if (repeated && width <= 8)
            return true;  // "abcabcabcabc", "passpasspass"
    }
    return std::find(kCommonWords.begin(), kCommonWords.end(), letters) != kCommonWords.end();
}

bool common(std::string_view password, std::string_view username) {
    const std::string text = lower(password);
    if (std::all_of(text.begin(), text.end(), [&](char c) { return c == text.front(); }))
        return true;
    if (is_run(text))
        return true;
    const std::string name = lower(username);
    if (name.size() >= 3 && text.find(name) != std::string::npos)
        return true;
    std::string letters;
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80U))
            letters += c;
    }
    return common_letters(letters);
}

void require_sodium() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

PasswordRule check_password(std::string_view password, std::string_view username) {
    if (code_points(password) < kPasswordCharactersMin)
        return PasswordRule::too_short;
    if (password.size() > kPasswordBytesMax)
        return PasswordRule::too_long;
    if (common(password, username))
        return PasswordRule::too_common;
    return PasswordRule::none;
}

std::string_view problem_code(PasswordRule rule) {
    switch (rule) {
        case PasswordRule::too_short:
            return "password_too_short";
        case PasswordRule::too_long:
            return "password_too_long";
        case PasswordRule::too_common:
            return "password_too_common";
        case PasswordRule::none:
            break;
    }
    return "";
}

std::string PasswordHasher::hash(const KeyedDigest& peppered) {
    require_sodium();
    char out[crypto_pwhash_STRBYTES];
    slots_.acquire();
    const int failed = crypto_pwhash_str(out, reinterpret_cast<const char*>(peppered.digest.data()),
                                         peppered.digest.size(), kOpsLimit, kMemLimitBytes);
    slots_.release();
    if (failed != 0)
        throw std::runtime_error("password hashing ran out of memory");
    return out;
}

bool PasswordHasher::verify(const std::string& stored, const KeyedDigest& peppered) {
    require_sodium();
    slots_.acquire();
    const bool ok = crypto_pwhash_str_verify(stored.c_str(),
                                             reinterpret_cast<const char*>(peppered.digest.data()),
                                             peppered.digest.size()) == 0;
    slots_.release();
    return ok;
}

void PasswordHasher::verify_nothing() {
    std::call_once(dummy_once_, [this] {
        KeyedDigest random;
        randombytes_buf(random.digest.data(), random.digest.size());
        dummy_ = hash(random);
    });
    KeyedDigest nothing;
    (void)verify(dummy_, nothing);
}

std::optional<KeyedDigest> pepper(const PiiVault& vault, std::string_view password,
                                  std::string_view key_id) {
    for (auto& digest : vault.credential_digests(password)) {
        if (key_id.empty() || digest.key_id == key_id)
            return std::move(digest);
    }
    return std::nullopt;
}

}  // namespace riziki::api
