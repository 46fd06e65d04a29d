#pragma once
/// The consortium key (SPEC §16, issue 21): 32 random bytes that the members of a consortium
/// share out of band and the hub never holds. Each member derives from it, locally, the keys
/// of the registry's match tokens and CLKs (api/registry_encoding.hpp), so equal identities
/// give equal tokens at every member and nothing the hub receives can be recomputed from a
/// guessed name or phone number without the key.
///
/// The file, mode 0600, is three lines:
///
///     riziki consortium key v1
///     <64 hex digits: the key>
///     <16 hex digits: the key id>
///
/// The id is derived from the key (subkey 7's first 8 bytes) and reveals nothing useful about
/// it; members compare it, out of band, to know they hold the same key, and reading the file
/// checks it against the key, so a key line damaged when copied by hand is refused rather than
/// silently giving tokens that never match another member's. As with the PII key
/// (api/pii_keyring.hpp), key bytes are read into and kept in libsodium guarded memory, never
/// in a std::string, and the master key is wiped once its subkeys are derived.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "api/pii_keyring.hpp"

namespace riziki::api {

/// What a subkey of the consortium key is for: its number under crypto_kdf_derive_from_key
/// (context "rizikirg"). Numbers are never reused: changing one changes every token.
enum class ConsortiumPurpose : std::uint64_t {
    id_token = 1,     ///< HMAC of the normalised national id
    phone_token = 2,  ///< HMAC of the normalised phone
    name_token = 3,   ///< HMAC of the sorted name parts and the birth year
    year_token = 4,   ///< HMAC of a birth year
    clk_name = 5,     ///< the CLK's name field: HMAC of each name bigram
    clk_year = 6,     ///< the CLK's birth year field
    key_id = 7,       ///< its first 8 bytes, in hex, are the key id
};

/// The subkeys of one consortium key, in guarded read-only memory. Movable, not copyable.
class ConsortiumKey {
  public:
    /// The key in `path`. Throws std::runtime_error when the file grants group or others any
    /// permission, cannot be read, is not the format above, or its id does not match its key.
    static ConsortiumKey read(const std::filesystem::path& path);
    /// A fresh random key (tests; `create` writes a key without keeping it).
    static ConsortiumKey fresh();

    /// 16 hex digits naming the key.
    const std::string& id() const { return id_; }
    /// The 32-byte subkey for `purpose` (not key_id, which is kept only as id()).
    const SecretBytes& subkey(ConsortiumPurpose purpose) const;

  private:
    explicit ConsortiumKey(const SecretBytes& master);
    std::string id_;
    std::vector<SecretBytes> subkeys_;  ///< index: purpose number - 1, id_token to clk_year
};

/// Writes a fresh random key to `path` in the format above, mode 0600, and answers its id.
/// Never replaces a file: throws std::runtime_error when `path` exists (a symlink included),
/// or its directory is missing or cannot be written. A write that fails removes the file.
std::string create_consortium_key_file(const std::filesystem::path& path);

/// riziki consortium-key create --output FILE: writes a new consortium key to FILE and prints
/// its id and how to share it. Exit 0; 2 when FILE exists (ConfigError).
int consortium_key_create_command(const std::filesystem::path& output);

}  // namespace riziki::api
