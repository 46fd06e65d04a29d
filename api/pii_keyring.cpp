#include "api/pii_keyring.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace riziki::api {

namespace {

constexpr std::size_t kHexDigits = 64;
constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "rizikipi";
constexpr std::uint64_t kIdSubkey = 3;
/// A full ring's lines with room for a \r each: anything larger is not a keyring.
constexpr std::size_t kFileBytesMax = kKeyringKeysMax * (kHexDigits + 2);

void init_sodium() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
}

std::string system_error(const std::string& what, const std::filesystem::path& path) {
    return what + " " + path.string() + ": " + std::strerror(errno);
}

void derive(const unsigned char* master, std::uint64_t number, unsigned char* out) {
    crypto_kdf_derive_from_key(out, 32, number, kContext, master);
}

/// The first 8 bytes of subkey 3, in hex.
std::string key_id_of(const unsigned char* master) {
    SecretBytes id(32);
    derive(master, kIdSubkey, id.data());
    char hex[17];
    sodium_bin2hex(hex, sizeof hex, id.data(), 8);
    return hex;
}

MasterKey parse_line(const unsigned char* hex, const std::filesystem::path& path) {
    MasterKey key;
    std::size_t length = 0;
    if (sodium_hex2bin(key.bytes.data(), key.bytes.size(), reinterpret_cast<const char*>(hex),
                       kHexDigits, nullptr, &length, nullptr) != 0 ||
        length != key.bytes.size()) {
        throw std::runtime_error("the PII key file " + path.string() +
                                 " holds a line that is not a 64-hex-digit key");
    }
    key.id = key_id_of(key.bytes.data());
    key.bytes.make_read_only();
    return key;
}

void fsync_or_throw(int fd, const std::filesystem::path& path) {
    if (::fsync(fd) != 0)
        throw std::runtime_error(system_error("cannot fsync", path));
}

}  // namespace

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
    init_sodium();
    bytes_ = static_cast<unsigned char*>(sodium_malloc(size));
    if (bytes_ == nullptr)
        throw std::bad_alloc();
}

SecretBytes::~SecretBytes() {
    if (bytes_ != nullptr)
        sodium_free(bytes_);  // wipes the bytes first, read-only or not
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        if (bytes_ != nullptr)
            sodium_free(bytes_);
        bytes_ = std::exchange(other.bytes_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void SecretBytes::make_read_only() {
    sodium_mprotect_readonly(bytes_);
}

Descriptor::~Descriptor() {
    if (fd >= 0)
        ::close(fd);
}

SecretBytes read_secret_file(const std::filesystem::path& path, std::size_t bytes_max,
                             std::size_t& length, std::string_view what) {
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    const std::string cannot = "cannot read " + std::string(what);
    if (file.fd < 0)
        throw std::runtime_error(system_error(cannot, path));
    SecretBytes text(bytes_max + 1);
    length = 0;
    while (length < text.size()) {
        const auto n = ::read(file.fd, text.data() + length, text.size() - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw std::runtime_error(system_error(cannot, path));
        if (n == 0)
            break;
        length += static_cast<std::size_t>(n);
    }
    return text;
}

void write_all(int fd, const unsigned char* bytes, std::size_t size,
               const std::filesystem::path& path) {
    while (size > 0) {
        const auto n = ::write(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw std::runtime_error(system_error("cannot write", path));
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
}

SecretBytes derive_subkey(const MasterKey& key, std::uint64_t number) {
    SecretBytes subkey(32);
    derive(key.bytes.data(), number, subkey.data());
    subkey.make_read_only();
    return subkey;
}

void check_key_file_private(const std::filesystem::path& path, std::string_view what) {
    const auto perms = std::filesystem::status(path).permissions();
    using std::filesystem::perms;
    if ((perms & (perms::group_all | perms::others_all)) != perms::none) {
        throw std::runtime_error(std::string(what) + " " + path.string() +
                                 " is readable by group or others: chmod 600 it");
    }
}

std::vector<MasterKey> read_keyring(const std::filesystem::path& path) {
    check_key_file_private(path);
    std::size_t length = 0;
    SecretBytes text = read_secret_file(path, kFileBytesMax, length, "the PII key file");
    if (length > kFileBytesMax)
        throw std::runtime_error("the PII key file " + path.string() + " is too large for a ring");
    std::vector<MasterKey> keys;
    std::size_t at = 0;
    while (at < length) {
        std::size_t end = at;
        while (end < length && text.data()[end] != '\n')
            ++end;
        std::size_t line = end - at;
        if (line > 0 && text.data()[at + line - 1] == '\r')
            --line;
        if (line != kHexDigits) {
            throw std::runtime_error("the PII key file " + path.string() +
                                     " does not hold a 64-hex-digit key on each line");
        }
        keys.push_back(parse_line(text.data() + at, path));
        for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
            if (keys[i].id == keys.back().id)
                throw std::runtime_error("the PII key file " + path.string() + " holds key " +
                                         keys.back().id + " twice");
        }
        at = end + 1;
    }
    if (keys.empty()) {
        throw std::runtime_error("the PII key file " + path.string() +
                                 " does not hold a 64-hex-digit key");
    }
    return keys;
}

MasterKey fresh_master_key() {
    MasterKey key;
    crypto_kdf_keygen(key.bytes.data());
    key.id = key_id_of(key.bytes.data());
    key.bytes.make_read_only();
    return key;
}

void write_keyring(const std::filesystem::path& path, const std::vector<const MasterKey*>& keys) {
    const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::filesystem::create_directories(directory);
    SecretBytes text(keys.size() * (kHexDigits + 1) + 1);
    std::size_t length = 0;
    for (const auto* key : keys) {
        sodium_bin2hex(reinterpret_cast<char*>(text.data() + length), kHexDigits + 1,
                       key->bytes.data(), key->bytes.size());
        length += kHexDigits;
        text.data()[length++] = '\n';
    }
    std::string temporary = (directory / ("." + path.filename().string() + ".XXXXXX")).string();
    const Descriptor file{::mkstemp(temporary.data())};  // mode 0600
    if (file.fd < 0)
        throw std::runtime_error(system_error("cannot create a file beside", path));
    try {
        write_all(file.fd, text.data(), length, temporary);
        fsync_or_throw(file.fd, temporary);
        if (::rename(temporary.c_str(), path.c_str()) != 0)
            throw std::runtime_error(system_error("cannot rename a new key file onto", path));
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    const Descriptor dir{::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd < 0)
        throw std::runtime_error(system_error("cannot open the directory of", path));
    fsync_or_throw(dir.fd, directory);
}

}  // namespace riziki::api
