#pragma once
/// The M-Pesa B2C result callback's secret (SPEC §15, docs/security.md "The B2C callback"):
/// Safaricom is given the URL `<base>/v1/mpesa/b2c/result/<secret>`, where the secret is 64
/// hex digits (256 random bits from libsodium). The database keeps only its SHA-256
/// (migration 0027); the URL is printed once, by `riziki mpesa callback-url`.

#include <cstddef>
#include <string>
#include <string_view>

#include "ledger/journal.hpp"

namespace riziki::db {
struct DatabaseConfig;
}  // namespace riziki::db

namespace riziki::api {

/// The callback's path up to its secret.
inline constexpr std::string_view kCallbackPathPrefix = "/v1/mpesa/b2c/result/";
/// How an access-log line shows a callback's path: never with its secret.
inline constexpr std::string_view kCallbackPathLogged = "/v1/mpesa/b2c/result/<secret>";
inline constexpr std::size_t kCallbackSecretChars = 64;

/// A new secret: 64 lower-case hex digits.
std::string new_callback_secret();
/// The SHA-256 the database keeps of `secret`.
ledger::Hash callback_secret_digest(std::string_view secret);

/// riziki mpesa callback-url --base URL [--rotate]: makes a secret, stores its digest (as
/// the schema owner, audited as actor "cli") and prints the whole URL, once, on stdout.
/// Exit 0 when made; 3 when a secret exists and `rotate` is not set (nothing changes). A
/// base that is not an https:// URL without query or fragment is a UsageError.
int mpesa_callback_url_command(const std::string& base, bool rotate,
                               const db::DatabaseConfig& config);

}  // namespace riziki::api
