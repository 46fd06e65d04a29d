#include "api/consortium_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "api/config.hpp"

namespace riziki::api {

namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "rizikirg";
constexpr std::string_view kHeader = "riziki consortium key v1";
constexpr std::string_view kWhat = "the consortium key file";
constexpr std::size_t kKeyBytes = crypto_kdf_KEYBYTES;
constexpr std::size_t kKeyHexDigits = 2 * kKeyBytes;
constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kIdHexDigits = 2 * kIdBytes;
/// The three lines with a \r each and a final newline fit; anything larger is not a key file.
constexpr std::size_t kFileBytesMax = 128;
/// The subkeys kept: id_token (1) to clk_year (6).
constexpr std::uint64_t kKeptSubkeys = 6;

std::string system_error(const std::string& what, const std::filesystem::path& path) {
    return what + " " + path.string() + ": " + std::strerror(errno);
}

std::runtime_error malformed(const std::filesystem::path& path, const std::string& why) {
    return std::runtime_error(std::string(kWhat) + " " + path.string() + " " + why +
                              " (it must be '" + std::string(kHeader) +
                              "', the key's 64 hex digits and its 16-hex-digit id, one a line)");
}

/// The first 8 bytes of subkey 7 of `master`, in hex.
std::string id_of(const SecretBytes& master) {
    SecretBytes subkey(32);
    crypto_kdf_derive_from_key(subkey.data(), subkey.size(),
                               static_cast<std::uint64_t>(ConsortiumPurpose::key_id), kContext,
                               master.data());
    char hex[kIdHexDigits + 1];
    sodium_bin2hex(hex, sizeof hex, subkey.data(), kIdBytes);
    return hex;
}

/// The lines of `text` (a final newline ends the last line; a \r before each \n is dropped).
std::vector<std::string_view> lines_of(const SecretBytes& text, std::size_t length) {
    std::vector<std::string_view> lines;
    const std::string_view all(reinterpret_cast<const char*>(text.data()), length);
    std::size_t at = 0;
    while (at < all.size()) {
        auto end = all.find('\n', at);
        if (end == std::string_view::npos)
            end = all.size();
        auto line = all.substr(at, end - at);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        lines.push_back(line);
        at = end + 1;
    }
    return lines;
}

/// The file's text for `master`, in guarded memory; its size in `length`.
SecretBytes file_text(const SecretBytes& master, std::size_t& length) {
    SecretBytes text(kFileBytesMax);
    auto* out = reinterpret_cast<char*>(text.data());
    std::memcpy(out, kHeader.data(), kHeader.size());
    length = kHeader.size();
    out[length++] = '\n';
    sodium_bin2hex(out + length, kKeyHexDigits + 1, master.data(), master.size());
    length += kKeyHexDigits;
    out[length++] = '\n';
    const auto id = id_of(master);
    std::memcpy(out + length, id.data(), id.size());
    length += id.size();
    out[length++] = '\n';
    return text;
}

}  // namespace

ConsortiumKey::ConsortiumKey(const SecretBytes& master) : id_(id_of(master)) {
    for (std::uint64_t number = 1; number <= kKeptSubkeys; ++number) {
        SecretBytes subkey(32);
        crypto_kdf_derive_from_key(subkey.data(), subkey.size(), number, kContext, master.data());
        subkey.make_read_only();
        subkeys_.push_back(std::move(subkey));
    }
}

ConsortiumKey ConsortiumKey::read(const std::filesystem::path& path) {
    check_key_file_private(path, kWhat);
    std::size_t length = 0;
    const SecretBytes text = read_secret_file(path, kFileBytesMax, length, kWhat);
    if (length > kFileBytesMax)
        throw malformed(path, "is too large");
    const auto lines = lines_of(text, length);
    if (lines.size() != 3 || lines[0] != kHeader)
        throw malformed(path, "is not a consortium key file");
    SecretBytes master(kKeyBytes);
    std::size_t decoded = 0;
    if (lines[1].size() != kKeyHexDigits ||
        sodium_hex2bin(master.data(), master.size(), lines[1].data(), lines[1].size(), nullptr,
                       &decoded, nullptr) != 0 ||
        decoded != master.size())
        throw malformed(path, "does not hold a 64-hex-digit key on its second line");
    const auto id = id_of(master);
    if (lines[2] != id)
        throw malformed(path, "holds a key whose id is " + id + ", not " + std::string(lines[2]) +
                                  ": the key or its id was damaged when copied");
    return ConsortiumKey(master);
}

ConsortiumKey ConsortiumKey::fresh() {
    SecretBytes master(kKeyBytes);
    crypto_kdf_keygen(master.data());
    return ConsortiumKey(master);
}

const SecretBytes& ConsortiumKey::subkey(ConsortiumPurpose purpose) const {
    const auto number = static_cast<std::uint64_t>(purpose);
    if (number < 1 || number > kKeptSubkeys)
        throw std::logic_error("no consortium subkey kept for purpose " + std::to_string(number));
    return subkeys_[number - 1];
}

std::string create_consortium_key_file(const std::filesystem::path& path) {
    SecretBytes master(kKeyBytes);
    crypto_kdf_keygen(master.data());
    std::size_t length = 0;
    const SecretBytes text = file_text(master, length);
    // O_EXCL: an existing file, or a symlink even to nowhere, is never replaced or followed.
    const Descriptor file{
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (file.fd < 0 && errno == EEXIST)
        throw std::runtime_error(path.string() +
                                 " exists: a consortium key file is never replaced (members "
                                 "would lose the key they share); give another file name");
    if (file.fd < 0)
        throw std::runtime_error(system_error("cannot create", path));
    try {
        if (::fchmod(file.fd, 0600) != 0)  // whatever the umask
            throw std::runtime_error(system_error("cannot chmod 600", path));
        write_all(file.fd, text.data(), length, path);
        if (::fsync(file.fd) != 0)
            throw std::runtime_error(system_error("cannot fsync", path));
    } catch (...) {
        ::unlink(path.c_str());
        throw;
    }
    const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const Descriptor dir{::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd < 0 || ::fsync(dir.fd) != 0)
        throw std::runtime_error(system_error("cannot fsync the directory of", path));
    return id_of(master);
}

int consortium_key_create_command(const std::filesystem::path& output) {
    std::string id;
    try {
        id = create_consortium_key_file(output);
    } catch (const std::runtime_error& error) {
        throw ConfigError(error.what());
    }
    std::cout << "wrote consortium key " << id << " to " << output.string()
              << " (mode 0600).\n"
                 "Give a copy to each member of the consortium out of band (in person, on a\n"
                 "USB stick), never through the hub, e-mail or chat: whoever holds it can test\n"
                 "guessed names and phone numbers against what the hub stores. Each member\n"
                 "checks that its copy has id "
              << id << ".\n";
    return 0;
}

}  // namespace riziki::api
