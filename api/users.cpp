#include "api/users.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "api/auth.hpp"

namespace riziki::api {

namespace {

constexpr std::size_t kUsernameMin = 3;
constexpr std::size_t kUsernameMax = 64;
constexpr std::size_t kSecretBytes = 32;

}  // namespace

std::optional<std::string> normal_username(std::string_view typed) {
    if (typed.size() < kUsernameMin || typed.size() > kUsernameMax)
        return std::nullopt;
    std::string out;
    for (char c : typed) {
        const auto lowered = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const bool alnum = (lowered >= 'a' && lowered <= 'z') || (lowered >= '0' && lowered <= '9');
        if (!alnum && (out.empty() || std::string_view("._-").find(c) == std::string_view::npos))
            return std::nullopt;
        out += lowered;
    }
    return out;
}

std::string random_secret() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    unsigned char bytes[kSecretBytes];
    randombytes_buf(bytes, sizeof bytes);
    char hex[kSecretBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    return hex;
}

std::vector<KeyedDigest> secret_digests(const PiiVault& vault, std::string_view secret) {
    // Keyed as a token is (api/auth): HMAC(credential subkey, SHA-256(secret)).
    auto sha = token_digest(secret);
    auto digests = token_digests(vault, sha);
    sodium_memzero(sha.data(), sha.size());
    return digests;
}

std::vector<std::string> digests_hex(const std::vector<KeyedDigest>& digests) {
    std::vector<std::string> out;
    for (const auto& keyed : digests)
        out.push_back(ledger::to_hex(keyed.digest));
    return out;
}

std::optional<SetPasswordLink> issue_link(db::Users& users, const PiiVault& vault,
                                          std::int64_t user, bool reset) {
    SetPasswordLink link;
    link.code = random_secret();
    link.path = "/set-password#" + link.code;
    const auto current = secret_digests(vault, link.code).front();
    if (users.issue_link(user, ledger::to_hex(current.digest), current.key_id, link.valid_hours,
                         reset) == 0)
        return std::nullopt;
    return link;
}

bool store_password(db::Users& users, const PiiVault& vault, PasswordHasher& hasher,
                    std::int64_t user, std::string_view password) {
    const auto peppered = pepper(vault, password);
    return users.set_password(user, hasher.hash(*peppered), peppered->key_id);
}

}  // namespace riziki::api
