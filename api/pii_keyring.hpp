#pragma once
/// The PII vault's keyring file and the memory its keys live in (SPEC §8, issue 17).
///
/// The file (RIZIKI_PII_KEY_FILE) holds one key per line, 64 hex digits each, the current
/// key first and then the retired keys still needed to open older rows; a file of one line
/// is a ring of one key. Key bytes never sit in a std::string: they are read, parsed and
/// kept in libsodium guarded memory (sodium_malloc: guard pages, mlock'd so never swapped,
/// read-only once filled, wiped when freed), and the hex text read from the file is wiped
/// once parsed.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace riziki::api {

/// Bytes in libsodium guarded memory, wiped and freed on destruction.
class SecretBytes {
  public:
    /// `size` writable bytes. Throws std::bad_alloc when sodium_malloc fails.
    explicit SecretBytes(std::size_t size);
    ~SecretBytes();
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    unsigned char* data() { return bytes_; }
    const unsigned char* data() const { return bytes_; }
    std::size_t size() const { return size_; }
    /// No more writes: the pages become read-only (a stray write crashes instead of
    /// changing a key). Not no-access, because request threads read keys concurrently.
    void make_read_only();

  private:
    unsigned char* bytes_ = nullptr;
    std::size_t size_ = 0;
};

/// The most keys a ring holds: a current key and the retired keys of rotations under way.
inline constexpr std::size_t kKeyringKeysMax = 8;

/// A 32-byte master key and the id naming it.
struct MasterKey {
    std::string id;  ///< 16 hex digits, derived from the key (reveals nothing useful about it)
    SecretBytes bytes{32};
};

/// Subkey `number` of `key` (crypto_kdf_derive_from_key, context "rizikipi"): 1 seals PII,
/// 2 keys the blind indexes, 3 names the key (its first 8 bytes are the key id), 4 keys
/// credentials (tokens, session ids, password peppers: PiiVault::credential_digests).
SecretBytes derive_subkey(const MasterKey& key, std::uint64_t number);

/// Closes a file descriptor on every path out.
struct Descriptor {
    int fd;
    ~Descriptor();
};

/// The whole of `path`, read with read(2) into guarded memory of `bytes_max` + 1 bytes (a
/// length past `bytes_max` tells a file too large); its size in `length`. Throws
/// std::runtime_error, calling the file `what`, when it cannot be opened or read.
SecretBytes read_secret_file(const std::filesystem::path& path, std::size_t bytes_max,
                             std::size_t& length, std::string_view what);

/// Writes all `size` bytes to `fd`, again after EINTR. Throws std::runtime_error naming `path`.
void write_all(int fd, const unsigned char* bytes, std::size_t size,
               const std::filesystem::path& path);

/// Throws std::runtime_error when group or others hold any permission on `path` (it must be
/// private to the user the server runs as); the message calls the file `what`.
void check_key_file_private(const std::filesystem::path& path,
                            std::string_view what = "the PII key file");

/// The keys of `path`, current first. Throws std::runtime_error when the file is readable by
/// others, unreadable, empty, larger than a ring, or holds a line that is not 64 hex digits
/// or the same key twice.
std::vector<MasterKey> read_keyring(const std::filesystem::path& path);

/// A fresh random key.
MasterKey fresh_master_key();

/// Replaces `path` with `keys` (current first), atomically: a temporary file in the same
/// directory (mode 0600) is written and fsync'd, renamed over `path`, and the directory is
/// fsync'd, so a crash leaves the old file or the new one, never a mix. Creates the
/// directory when missing.
void write_keyring(const std::filesystem::path& path, const std::vector<const MasterKey*>& keys);

}  // namespace riziki::api
