// riziki mpesa callback-url --base URL [--rotate] (docs/operations.md): the B2C result URL
// to give Safaricom, with a new secret whose SHA-256 alone is stored.

#include <algorithm>
#include <iostream>

#include "api/commands.hpp"
#include "api/mpesa_callback.hpp"
#include "db/database.hpp"
#include "db/mpesa_b2c.hpp"
#include "db/pool.hpp"

namespace riziki::api {

namespace {

/// `base` without a trailing '/', or a UsageError when it is no https:// URL of a host.
std::string checked_base(std::string base) {
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    constexpr std::string_view kScheme = "https://";
    const bool plain = std::none_of(base.begin(), base.end(), [](char c) {
        return c == '?' || c == '#' || static_cast<unsigned char>(c) <= 0x20 ||
               static_cast<unsigned char>(c) >= 0x7F;
    });
    if (!base.starts_with(kScheme) || base.size() == kScheme.size() || base.size() > 200 ||
        !plain) {
        throw UsageError(
            "--base must be the https:// URL Safaricom reaches this server at "
            "(e.g. https://riziki.example.org), without query or fragment");
    }
    return base;
}

}  // namespace

int mpesa_callback_url_command(const std::string& base, bool rotate,
                               const db::DatabaseConfig& config) {
    const std::string checked = checked_base(base);
    db::Database database(config);
    // The app role may only read the secrets: the owner stores them.
    db::Pool owner(database.owner_conninfo(), 1);
    db::MpesaB2c mpesa(owner);
    const std::string secret = new_callback_secret();
    if (!mpesa.store_callback_secret(callback_secret_digest(secret), rotate)) {
        std::cerr << "riziki: a B2C callback URL exists already; it is not shown again. Give "
                     "--rotate to make a new one (the old one stops working at once)\n";
        return 3;
    }
    std::cout << checked << kCallbackPathPrefix << secret << "\n";
    return 0;
}

}  // namespace riziki::api
