#pragma once
/// The PII vault (SPEC §8): survivors' name, phone and national id sealed with libsodium's
/// XChaCha20-Poly1305 under a key file that never enters the database, and keyed blind
/// indexes (HMAC-SHA-256 of the normalised phone and national id) that find a second
/// enrolment of the same person without decrypting anything.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/keyed_digest.hpp"
#include "db/program.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

struct Pii {
    std::string full_name;
    std::string phone;
    std::string national_id;
};

/// A phone number as the digits of its E.164 form (country code first, no `+`), so that
/// one number written differently gives one blind index: "+254712345678", "0712 345 678",
/// "00254-712-345-678", "+254 (0)712.345.678", "254712345678" and "712345678" all give
/// "254712345678". Separators (spaces, tabs, dashes, dots, parentheses) are dropped; a
/// leading `+` or `00` marks an international number. Numbers already in E.164 form give
/// the digits they gave before this normalisation existed. Empty when `phone` is not a
/// phone number: another character, a Kenyan number without 9 digits after 254 (or its
/// trunk 0), an international one outside 7-15 digits, a national one of another shape.
std::string normalise_phone(std::string_view phone);
/// Upper case, without spaces, dashes, dots or slashes.
std::string normalise_national_id(std::string_view id);

/// A credential keyed under one key of the ring (db/keyed_digest.hpp).
using KeyedDigest = db::KeyedDigest;

/// The vault's keys: a keyring (api/pii_keyring.hpp) whose first key seals new rows and
/// makes new blind indexes, and whose other keys (retired by a rotation under way) only
/// open the rows still sealed under them. Each sealed row names its key id; unseal picks
/// the key by it. Thread-safe. Every use checks, with one stat(2), whether the key file
/// changed (inode, size, modification or change time) and then reads it again, so a
/// running server follows `riziki pii rotate-key` without a restart. A changed file whose
/// ring shares no key with the ring in use is refused (logged, the old ring kept): that is
/// a swapped file, not a rotation.
class PiiVault {
  public:
    /// Reads the keyring in `key_file`, creating the file with one fresh random key and mode
    /// 0600 when absent. Throws std::runtime_error when the file is unreadable, malformed,
    /// or readable by others.
    static PiiVault open(const std::filesystem::path& key_file);
    PiiVault(PiiVault&&) noexcept;
    PiiVault& operator=(PiiVault&&) noexcept;
    ~PiiVault();

    /// Seals `pii` for `survivor` under the current key: the code is the associated data,
    /// so sealed PII moved onto another survivor's row does not open.
    db::SealedPii seal(const std::string& survivor, const Pii& pii) const;
    /// nullopt when the row was sealed under a key not in the ring or was tampered with.
    std::optional<Pii> unseal(const std::string& survivor, const db::SealedPii& sealed) const;
    /// One index per non-empty normalised identifier and key of the ring: while a rotation
    /// is under way a new enrolment is indexed under every key, so it collides both with
    /// survivors not yet re-sealed (old key) and with those already re-sealed (new key).
    std::vector<db::BlindIndex> blind_indexes(const Pii& pii) const;
    /// The indexes under the current key only (what a re-sealed row keeps).
    std::vector<db::BlindIndex> current_blind_indexes(const Pii& pii) const;
    /// A keyed digest (HMAC-SHA-256 under the current index key, apart from the blind
    /// indexes) of a request that holds PII: what an Idempotency-Key keeps of an enrolment,
    /// so the database holds nothing against which a guessed name or phone could be checked.
    ledger::Hash request_digest(std::string_view request) const;
    /// The digest of a credential (a token's SHA-256, a session id's, a password) under each
    /// key of the ring, current first: HMAC-SHA-256 under the key's subkey 4, the credential
    /// key, apart from the subkeys that seal and index PII. Whoever holds the database but
    /// not the key file cannot compute one, so cannot mint a credential by writing a row.
    std::vector<db::KeyedDigest> credential_digests(std::string_view secret) const;
    /// 16 hex digits naming the current key (not derived from it in a way that helps guess
    /// it).
    std::string key_id() const;
    /// The ids of the ring's keys, current first.
    std::vector<std::string> key_ids() const;

  private:
    struct State;
    explicit PiiVault(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace riziki::api
