#include "api/auth.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "api/auth_failures.hpp"
#include "api/pii_vault.hpp"
#include "db/credentials.hpp"

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

std::string random_hex(std::size_t digits) {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    std::vector<unsigned char> bytes(digits / 2);
    randombytes_buf(bytes.data(), bytes.size());
    std::string hex(digits + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
    sodium_memzero(bytes.data(), bytes.size());
    hex.pop_back();  // the terminating NUL sodium_bin2hex writes
    return hex;
}

std::string generate_token() {
    return std::string(kTokenPrefix) + random_hex(kTokenHexDigits);
}

ledger::Hash token_digest(std::string_view token) {
    ledger::Hash out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size());
    return out;
}

std::vector<db::KeyedDigest> token_digests(const PiiVault& vault,
                                           const ledger::Hash& token_sha256) {
    return vault.credential_digests(
        std::string_view(reinterpret_cast<const char*>(token_sha256.data()), token_sha256.size()));
}

std::optional<std::int64_t> parse_token_id(std::string_view text) {
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc{} || end != text.data() + text.size() || id <= 0)
        return std::nullopt;
    return id;
}

std::optional<std::int64_t> parse_token_lifetime(std::string_view text) {
    if (text.size() < 2 || text.size() > 6)
        return std::nullopt;
    const char unit = text.back();
    const std::int64_t seconds_per = unit == 'd' ? 86400 : unit == 'h' ? 3600 : 0;
    const auto count = parse_token_id(text.substr(0, text.size() - 1));
    if (seconds_per == 0 || !count || *count * seconds_per > kTokenLifetimeMaxS)
        return std::nullopt;
    return *count * seconds_per;
}

std::pair<std::int64_t, std::string> issue_token(db::Credentials& credentials,
                                                 const PiiVault& vault, const std::string& name,
                                                 Role role, const std::vector<std::string>& funds,
                                                 std::int64_t lifetime_s) {
    std::string token = generate_token();
    const auto id =
        credentials.create_token({name, std::string(to_string(role)), funds,
                                  token_digests(vault, token_digest(token)).front(), lifetime_s});
    return {id, std::move(token)};
}

void Authenticator::record_failure(const Request& request, const RequestContext& context) {
    // Without a bearer token, what failed was a session cookie (or nothing at all).
    const bool bearer = !request[http::field::authorization].empty();
    const bool cookie = !request[http::field::cookie].empty();
    const auto kind = !bearer && cookie ? AuthFailures::Kind::session : AuthFailures::Kind::token;
    failures_.record(kind, context.client_address, context.request_id);
}

void Authenticator::forget(std::int64_t token_id) {
    std::lock_guard lock(mutex_);
    std::erase_if(cache_,
                  [&](const auto& entry) { return entry.second.principal.token_id == token_id; });
}

std::optional<Principal> Authenticator::authenticate(const Request& request,
                                                     const RequestContext&) {
    const auto header = request[http::field::authorization];
    const std::string_view authorization(header.data(), header.size());
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
    auto principal = look_up(token);
    // Expiry is checked here as well as in the lookup's SQL: a cached principal expires too.
    const auto now_us =
        std::chrono::duration_cast<std::chrono::microseconds>(clocks_.wall().time_since_epoch())
            .count();
    if (principal && principal->expires_at_us <= now_us)
        return std::nullopt;
    return principal;
}

std::optional<Principal> Authenticator::look_up(std::string_view token) {
    const auto plain = token_digest(token);
    const auto now = clocks_.steady();
    // A rotation that begins makes the cached key id stale: the token is read again, and so
    // re-keyed, on its next use. Else a token used without a second's pause through a whole
    // rotation stays under the retired key and stops working when the rotation ends.
    const auto current_key = vault_.key_id();
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(plain); it != cache_.end()) {
            if (now - it->second.read_at < kCacheLifetime && it->second.key_id == current_key)
                return it->second.principal;
            cache_.erase(it);
        }
    }
    const auto digests = token_digests(vault_, plain);
    const auto record = credentials_.find_token(digests);
    if (!record || record->revoked_at_us)
        return std::nullopt;
    const auto role = parse_role(record->role);
    if (!role)
        return std::nullopt;
    if (record->key_id != digests.front().key_id &&
        credentials_.rekey_token(record->id, record->key_id, digests.front())) {
        spdlog::info("token {} re-keyed from key {} to {}", record->id, record->key_id,
                     digests.front().key_id);
    }
    Principal principal{record->id, record->name, *role, record->funds, record->expires_at_us};
    std::lock_guard lock(mutex_);
    if (cache_.size() >= kCacheMax)
        cache_.clear();
    // Under the current key now, whether this request or a concurrent one re-keyed it.
    cache_.insert_or_assign(plain, Cached{principal, now, digests.front().key_id});
    return principal;
}

}  // namespace riziki::api
