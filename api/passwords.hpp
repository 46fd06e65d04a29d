#pragma once
/// Passwords of people who sign in (SPEC §12, docs/privacy.md "People who sign in"): the
/// rules a new password must meet, and Argon2id hashing (libsodium crypto_pwhash_str) over a
/// pepper, HMAC-SHA-256(credential key, password), so a stored hash is useless without the
/// key file. At most two hashes run at once: each takes 64 MiB.

#include <cstddef>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

#include "api/pii_vault.hpp"

namespace riziki::api {

/// Why a new password is refused; none when it may be used. The numbers are never reused.
enum class PasswordRule : std::uint8_t { none = 0, too_short = 1, too_long = 2, too_common = 3 };

inline constexpr std::size_t kPasswordCharactersMin = 12;
inline constexpr std::size_t kPasswordBytesMax = 1024;

/// Checks, in this order: at least 12 characters (UTF-8 code points), at most 1024 bytes,
/// and not common (passwords_common() says what that is). `username` (may be empty) is
/// refused inside the password too.
PasswordRule check_password(std::string_view password, std::string_view username = "");

/// The problem code of a rule: password_too_short, password_too_long, password_too_common.
std::string_view problem_code(PasswordRule rule);

/// Argon2id with opslimit 3 and memlimit 64 MiB; at most `concurrent` hashes at once (a
/// flood of logins waits instead of taking 64 MiB per request).
class PasswordHasher {
  public:
    static constexpr unsigned long long kOpsLimit = 3;
    static constexpr std::size_t kMemLimitBytes = 64U << 20;

    PasswordHasher() = default;
    /// The crypto_pwhash_str text of `peppered`.
    std::string hash(const KeyedDigest& peppered);
    /// Whether `stored` is the hash of `peppered`. A malformed `stored` is false.
    bool verify(const std::string& stored, const KeyedDigest& peppered);
    /// Costs what a verify costs, for a login whose account does not exist or has no
    /// password, so that its answer takes as long as a wrong password's.
    void verify_nothing();

  private:
    std::counting_semaphore<2> slots_{2};
    std::once_flag dummy_once_;
    std::string dummy_;
};

/// The pepper of `password`: HMAC under the key named `key_id`, or under the current key
/// when `key_id` is empty. nullopt when the ring no longer holds that key.
std::optional<KeyedDigest> pepper(const PiiVault& vault, std::string_view password,
                                  std::string_view key_id = "");

}  // namespace riziki::api
