#include "api/pii_vault.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "api/pii_keyring.hpp"

namespace riziki::api {

namespace {

constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kIndexSubkey = 2;
/// Keys credentials (tokens, session ids, password peppers, set-password codes; issue 18).
constexpr std::uint64_t kCredentialSubkey = 4;

/// How the key file looked when it was last read: a change to any of these reads it again.
struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = -1;
    timespec modified{};
    timespec changed{};

    bool operator==(const FileStamp& other) const {
        return device == other.device && inode == other.inode && size == other.size &&
               modified.tv_sec == other.modified.tv_sec &&
               modified.tv_nsec == other.modified.tv_nsec &&
               changed.tv_sec == other.changed.tv_sec && changed.tv_nsec == other.changed.tv_nsec;
    }
};

std::optional<FileStamp> stamp_of(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    return FileStamp{info.st_dev, info.st_ino, info.st_size, info.st_mtim, info.st_ctim};
}

/// One key of the ring, as subkeys (its master key is wiped once they are derived).
struct RingKey {
    std::string id;
    SecretBytes seal_key;
    SecretBytes index_key;
    SecretBytes credential_key;
};

using Ring = std::vector<RingKey>;

std::shared_ptr<const Ring> load_ring(const std::filesystem::path& path) {
    auto ring = std::make_shared<Ring>();
    for (const auto& key : read_keyring(path))
        ring->push_back({key.id, derive_subkey(key, kSealSubkey), derive_subkey(key, kIndexSubkey),
                         derive_subkey(key, kCredentialSubkey)});
    return ring;
}

bool share_a_key(const Ring& a, const Ring& b) {
    return std::any_of(a.begin(), a.end(), [&](const RingKey& x) {
        return std::any_of(b.begin(), b.end(), [&](const RingKey& y) { return x.id == y.id; });
    });
}

ledger::Hash hmac(const RingKey& key, const std::string& message) {
    ledger::Hash digest{};
    crypto_auth_hmacsha256(digest.data(), reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), key.index_key.data());
    return digest;
}

void add_indexes(const RingKey& key, const Pii& pii, std::vector<db::BlindIndex>& indexes) {
    const auto add = [&](const char* kind, const std::string& value) {
        if (value.empty())
            return;
        const auto digest = hmac(key, std::string(kind) + ":" + value);
        indexes.push_back({kind, std::string(digest.begin(), digest.end()), key.id});
    };
    add("national_id", normalise_national_id(pii.national_id));
    add("phone", normalise_phone(pii.phone));
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

struct PiiVault::State {
    std::filesystem::path path;
    std::mutex mutex;
    std::optional<FileStamp> stamp;
    std::shared_ptr<const Ring> ring;

    /// The ring, read again first when the file changed since it was last read.
    std::shared_ptr<const Ring> current() {
        const std::lock_guard lock(mutex);
        const auto now = stamp_of(path);
        if (!now || now == stamp)
            return ring;  // a file gone for a moment keeps the ring in use
        stamp = now;
        try {
            auto next = load_ring(path);
            if (!share_a_key(*next, *ring)) {
                spdlog::error(
                    "the PII key file {} changed to keys that share none with the "
                    "ring in use: ignored (a rotation keeps one key in common)",
                    path.string());
                return ring;
            }
            ring = std::move(next);
            spdlog::info("PII keyring read again: current key {}, {} key(s)", ring->front().id,
                         ring->size());
        } catch (const std::exception& error) {
            spdlog::error(
                "the PII key file changed but cannot be used, keeping the ring in "
                "use: {}",
                error.what());
        }
        return ring;
    }
};

PiiVault::PiiVault(std::unique_ptr<State> state) : state_(std::move(state)) {}
PiiVault::PiiVault(PiiVault&&) noexcept = default;
PiiVault& PiiVault::operator=(PiiVault&&) noexcept = default;
PiiVault::~PiiVault() = default;

PiiVault PiiVault::open(const std::filesystem::path& key_file) {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    if (!std::filesystem::exists(key_file)) {
        const auto key = fresh_master_key();
        write_keyring(key_file, {&key});
    }
    auto state = std::make_unique<State>();
    state->path = key_file;
    state->stamp = stamp_of(key_file);
    state->ring = load_ring(key_file);
    return PiiVault(std::move(state));
}

std::string PiiVault::key_id() const {
    return state_->current()->front().id;
}

std::vector<std::string> PiiVault::key_ids() const {
    std::vector<std::string> ids;
    for (const auto& key : *state_->current())
        ids.push_back(key.id);
    return ids;
}

db::SealedPii PiiVault::seal(const std::string& survivor, const Pii& pii) const {
    const auto ring = state_->current();
    const RingKey& key = ring->front();
    std::string plain = nlohmann::json{
        {"full_name", pii.full_name},
        {"phone", pii.phone},
        {"national_id",
         pii.national_id}}.dump();
    db::SealedPii sealed;
    sealed.key_id = key.id;
    sealed.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    randombytes_buf(sealed.nonce.data(), sealed.nonce.size());
    sealed.ciphertext.resize(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(sealed.ciphertext.data()), &length,
        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(survivor.data()), survivor.size(), nullptr,
        reinterpret_cast<const unsigned char*>(sealed.nonce.data()), key.seal_key.data());
    sodium_memzero(plain.data(), plain.size());
    sealed.ciphertext.resize(length);
    return sealed;
}

std::optional<Pii> PiiVault::unseal(const std::string& survivor,
                                    const db::SealedPii& sealed) const {
    const auto ring = state_->current();
    const auto key = std::find_if(ring->begin(), ring->end(),
                                  [&](const RingKey& k) { return k.id == sealed.key_id; });
    if (key == ring->end() || sealed.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
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
            key->seal_key.data()) != 0) {
        return std::nullopt;
    }
    plain.resize(length);
    const auto json = nlohmann::json::parse(plain, nullptr, false);
    sodium_memzero(plain.data(), plain.size());
    if (!json.is_object())
        return std::nullopt;
    return Pii{json.value("full_name", ""), json.value("phone", ""), json.value("national_id", "")};
}

std::vector<db::BlindIndex> PiiVault::blind_indexes(const Pii& pii) const {
    std::vector<db::BlindIndex> indexes;
    for (const auto& key : *state_->current())
        add_indexes(key, pii, indexes);
    return indexes;
}

std::vector<db::BlindIndex> PiiVault::current_blind_indexes(const Pii& pii) const {
    std::vector<db::BlindIndex> indexes;
    add_indexes(state_->current()->front(), pii, indexes);
    return indexes;
}

ledger::Hash PiiVault::request_digest(std::string_view request) const {
    // "request:" keeps these digests apart from the blind indexes' "phone:" and
    // "national_id:" under the same key.
    return hmac(state_->current()->front(), "request:" + std::string(request));
}

std::vector<db::KeyedDigest> PiiVault::credential_digests(std::string_view secret) const {
    std::vector<db::KeyedDigest> digests;
    for (const auto& key : *state_->current()) {
        db::KeyedDigest keyed{key.id, {}};
        crypto_auth_hmacsha256(keyed.digest.data(),
                               reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                               key.credential_key.data());
        digests.push_back(std::move(keyed));
    }
    return digests;
}

}  // namespace riziki::api
