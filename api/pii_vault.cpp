#include "api/pii_vault.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace riziki::api {

namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "rizikipi";
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kIndexSubkey = 2;
constexpr std::uint64_t kIdSubkey = 3;

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

std::string subkey(const unsigned char* master, std::uint64_t id) {
    std::string key(32, '\0');
    crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(key.data()), key.size(), id,
                               kContext, master);
    return key;
}

std::string create_key_file(const std::filesystem::path& path) {
    unsigned char key[crypto_kdf_KEYBYTES];
    crypto_kdf_keygen(key);
    const std::string hex = to_hex(key, sizeof key);
    sodium_memzero(key, sizeof key);
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
    const auto old_mask = ::umask(077);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << hex << '\n';
        if (!out)
            throw std::runtime_error("cannot write the PII key file " + path.string());
    }
    ::umask(old_mask);
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return hex;
}

/// Kenya's country code, and the length of a Kenyan number after it (its trunk 0 dropped).
constexpr std::string_view kKenya = "254";
constexpr std::size_t kKenyanDigits = 9;
/// E.164: a country code and number of at most 15 digits; none shorter than 7 is in use.
constexpr std::size_t kInternationalDigitsMin = 7;
constexpr std::size_t kInternationalDigitsMax = 15;

/// A phone number as written, without its separators (spaces, tabs, dashes, dots,
/// parentheses) and international prefix (a leading `+` or `00`).
struct WrittenPhone {
    std::string digits;
    bool international = false;
};

/// nullopt for any character but digits and separators, or a `+` after the first digit.
std::optional<WrittenPhone> written_phone(std::string_view phone) {
    WrittenPhone out;
    bool plus = false;
    for (const char c : phone) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            out.digits += c;
        } else if (c == '+' && out.digits.empty() && !plus) {
            plus = true;
        } else if (std::string_view(" \t-.()").find(c) == std::string_view::npos) {
            return std::nullopt;
        }
    }
    out.international = plus || (out.digits.starts_with("00") && out.digits.size() > 2);
    if (!plus && out.international)
        out.digits.erase(0, 2);
    return out;
}

/// A Kenyan number after the country code: 9 digits, the first not 0, once a written trunk
/// 0 ("+254 0712 …") is dropped. Empty when it is not one.
std::string kenyan(std::string_view national) {
    if (national.size() == kKenyanDigits + 1 && national[0] == '0')
        national.remove_prefix(1);
    if (national.size() != kKenyanDigits || national[0] == '0')
        return "";
    return std::string(kKenya) + std::string(national);
}

}  // namespace

std::string normalise_phone(std::string_view phone) {
    const auto written = written_phone(phone);
    if (!written)
        return "";
    const std::string& digits = written->digits;
    // 254 without + or 00 (and long enough): a Kenyan number in international form.
    const bool long_enough = digits.size() >= kKenya.size() + kKenyanDigits;
    if (digits.starts_with(kKenya) && (written->international || long_enough))
        return kenyan(std::string_view(digits).substr(kKenya.size()));
    if (written->international) {
        const bool e164 = digits.size() >= kInternationalDigitsMin &&
                          digits.size() <= kInternationalDigitsMax && digits.front() != '0';
        return e164 ? digits : "";
    }
    // National form: 0 and 9 digits, or a mobile number's 9 digits alone (7…, 1…).
    if (digits.size() == kKenyanDigits && digits.front() != '7' && digits.front() != '1')
        return "";
    return kenyan(digits);
}

std::string normalise_national_id(std::string_view id) {
    std::string out;
    for (char c : id) {
        if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '\t')
            continue;
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

PiiVault PiiVault::open(const std::filesystem::path& key_file) {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    std::string hex;
    if (!std::filesystem::exists(key_file)) {
        hex = create_key_file(key_file);
    } else {
        const auto perms = std::filesystem::status(key_file).permissions();
        using std::filesystem::perms;
        if ((perms & (perms::group_all | perms::others_all)) != perms::none) {
            throw std::runtime_error("the PII key file " + key_file.string() +
                                     " is readable by others: chmod 600 it");
        }
        std::ifstream in(key_file, std::ios::binary);
        std::getline(in, hex);
    }
    unsigned char master[crypto_kdf_KEYBYTES];
    std::size_t length = 0;
    if (hex.size() != 2 * sizeof master ||
        sodium_hex2bin(master, sizeof master, hex.data(), hex.size(), nullptr, &length, nullptr) !=
            0 ||
        length != sizeof master) {
        throw std::runtime_error("the PII key file " + key_file.string() +
                                 " does not hold a 64-hex-digit key");
    }
    PiiVault vault;
    vault.seal_key_ = subkey(master, kSealSubkey);
    vault.index_key_ = subkey(master, kIndexSubkey);
    const std::string id = subkey(master, kIdSubkey);
    vault.key_id_ = to_hex(reinterpret_cast<const unsigned char*>(id.data()), 8);
    sodium_memzero(master, sizeof master);
    return vault;
}

db::SealedPii PiiVault::seal(const std::string& survivor, const Pii& pii) const {
    const std::string plain = nlohmann::json{
        {"full_name", pii.full_name},
        {"phone", pii.phone},
        {"national_id",
         pii.national_id}}.dump();
    db::SealedPii sealed;
    sealed.key_id = key_id_;
    sealed.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    randombytes_buf(sealed.nonce.data(), sealed.nonce.size());
    sealed.ciphertext.resize(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(sealed.ciphertext.data()), &length,
        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(survivor.data()), survivor.size(), nullptr,
        reinterpret_cast<const unsigned char*>(sealed.nonce.data()),
        reinterpret_cast<const unsigned char*>(seal_key_.data()));
    sealed.ciphertext.resize(length);
    return sealed;
}

std::optional<Pii> PiiVault::unseal(const std::string& survivor,
                                    const db::SealedPii& sealed) const {
    if (sealed.key_id != key_id_ ||
        sealed.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        sealed.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
        return std::nullopt;
    }
    std::string plain(sealed.ciphertext.size(), '\0');
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
            reinterpret_cast<const unsigned char*>(sealed.ciphertext.data()),
            sealed.ciphertext.size(), reinterpret_cast<const unsigned char*>(survivor.data()),
            survivor.size(), reinterpret_cast<const unsigned char*>(sealed.nonce.data()),
            reinterpret_cast<const unsigned char*>(seal_key_.data())) != 0) {
        return std::nullopt;
    }
    plain.resize(length);
    const auto json = nlohmann::json::parse(plain, nullptr, false);
    if (!json.is_object())
        return std::nullopt;
    return Pii{json.value("full_name", ""), json.value("phone", ""), json.value("national_id", "")};
}

std::vector<db::BlindIndex> PiiVault::blind_indexes(const Pii& pii) const {
    std::vector<db::BlindIndex> indexes;
    const auto add = [&](const char* kind, const std::string& value) {
        if (value.empty())
            return;
        const std::string message = std::string(kind) + ":" + value;
        std::string digest(crypto_auth_hmacsha256_BYTES, '\0');
        crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(digest.data()),
                               reinterpret_cast<const unsigned char*>(message.data()),
                               message.size(),
                               reinterpret_cast<const unsigned char*>(index_key_.data()));
        indexes.push_back({kind, digest, key_id_});
    };
    add("national_id", normalise_national_id(pii.national_id));
    add("phone", normalise_phone(pii.phone));
    return indexes;
}

ledger::Hash PiiVault::request_digest(std::string_view request) const {
    // "request:" keeps these digests apart from the blind indexes' "phone:" and
    // "national_id:" under the same key.
    const std::string message = "request:" + std::string(request);
    ledger::Hash digest{};
    crypto_auth_hmacsha256(digest.data(), reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(),
                           reinterpret_cast<const unsigned char*>(index_key_.data()));
    return digest;
}

}  // namespace riziki::api
