#include "api/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "db/credentials.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

constexpr std::string_view kTokenPrefix = "rzk_";
constexpr std::size_t kTokenHexDigits = 64;
constexpr std::size_t kCacheMax = 10000;

bool well_formed_token(std::string_view token) {
    if (!token.starts_with(kTokenPrefix))
        return false;
    token.remove_prefix(kTokenPrefix.size());
    return token.size() == kTokenHexDigits && std::all_of(token.begin(), token.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

}  // namespace

std::string_view to_string(Role role) {
    switch (role) {
        case Role::admin:
            return "admin";
        case Role::finance:
            return "finance";
        case Role::field:
            return "field";
        case Role::donor:
            return "donor";
        case Role::auditor:
            return "auditor";
        case Role::metrics:
            return "metrics";
    }
    return "auditor";
}

std::optional<Role> parse_role(std::string_view text) {
    for (Role role : kAllRoles) {
        if (to_string(role) == text)
            return role;
    }
    return std::nullopt;
}

bool Principal::may_see_fund(std::string_view fund) const {
    if (role != Role::donor)
        return true;
    return std::find(funds.begin(), funds.end(), fund) != funds.end();
}

std::string generate_token() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    unsigned char bytes[kTokenHexDigits / 2];
    randombytes_buf(bytes, sizeof bytes);
    char hex[kTokenHexDigits + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    return std::string(kTokenPrefix) + hex;
}

ledger::Hash token_digest(std::string_view token) {
    ledger::Hash out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size());
    return out;
}

void Authenticator::record_failure(const std::string& request_id, bool had_credentials) {
    programme_.audit({"anonymous", request_id, "auth.failed", "",
                      had_credentials ? "unknown or malformed token" : "no token"});
}

std::optional<Principal> Authenticator::authenticate(std::string_view authorization) {
    // The scheme name is case-insensitive (RFC 7235 §2.1).
    constexpr std::string_view kBearer = "bearer ";
    if (authorization.size() <= kBearer.size())
        return std::nullopt;
    for (std::size_t i = 0; i < kBearer.size(); ++i) {
        const auto c = static_cast<unsigned char>(authorization[i]);
        if (std::tolower(c) != kBearer[i])
            return std::nullopt;
    }
    const std::string_view token = authorization.substr(kBearer.size());
    if (!well_formed_token(token))
        return std::nullopt;
    const auto digest = token_digest(token);
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(digest); it != cache_.end())
            return it->second;
    }
    const auto record = credentials_.find_token(digest);
    if (!record)
        return std::nullopt;
    const auto role = parse_role(record->role);
    if (!role)
        return std::nullopt;
    Principal principal{record->id, record->name, *role, record->funds};
    std::lock_guard lock(mutex_);
    if (cache_.size() >= kCacheMax)
        cache_.clear();
    cache_.emplace(digest, principal);
    return principal;
}

}  // namespace riziki::api
