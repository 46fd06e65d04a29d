#pragma once
/// What a member's Riziki sends the consortium registry about a survivor (SPEC §16, issue 21;
/// docs/privacy.md "Consortium registry encoding"): keyed exact-match tokens and a keyed
/// Bloom-filter encoding of the name (a CLK, as clkhash's schema v3 makes), all under subkeys
/// of the consortium key (api/consortium_key.hpp). Pure: no network, no database, no clock.
///
/// Every member must compute the same bytes from the same identity, in every version of
/// Riziki: a change to a normalisation rule, a k, a message layout or a subkey number makes
/// old and new encodings stop matching, so it needs every member to re-send every survivor.
/// tests/registry pins the bytes for a fixed key.

#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/consortium_key.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

/// A survivor's identity as the registry encodes it (never stored, never sent).
struct RegistryIdentity {
    std::string full_name;
    std::string phone;
    std::string national_id;
    int birth_year = 0;
};

/// The name's parts as compared: lower case ASCII letters, diacritics folded, honorifics,
/// punctuation, hyphens and spaces removed between parts, sorted.
/// "Bi. Wanjikũ  Mwangi-Kamau" -> {"kamau","mwangi","wanjiku"}.
///
/// The rules, in order:
/// - The text must be valid UTF-8 (no overlong form, surrogate or code point past U+10FFFF):
///   otherwise the answer is empty, so the name is not encoded at all rather than encoded
///   from a guess. JSON bodies reach here already checked by the parser.
/// - Parts are split at whitespace, `-`, `.`, `,`, `/`, `_`, `(`, `)`, the no-break and other
///   Unicode spaces (U+00A0, U+2000-U+200A, U+202F) and Unicode dashes (U+2010-U+2015).
/// - ASCII letters are lower-cased. The Latin letters with diacritics below fold to their
///   base letter, capitals too: àáâãäåā a, ç c, èéêëē e, ìíîïĩī i, ñ n, òóôõöō o,
///   ùúûüũū u, ýÿŸ y. Every other character is dropped without splitting the part:
///   apostrophes ("Ng'ang'a" and "Ngʼangʼa" are "nganga"), digits, other punctuation, letters
///   of other scripts, and combining marks (so decomposed "u" + U+0303 is "u" as "ũ" is).
/// - A part that is an honorific is dropped: mr, mrs, ms, miss, dr, prof, rev, sr, fr,
///   bi (bibi), bw (bwana), mzee, pastor anywhere; mama, baba and sheikh only before the
///   first part that is
///   not an honorific ("Mama Wanjiku", "Bi Mama Achieng"), since after it they are more
///   likely a family name than the title they are in front of a name.
/// - The parts left are sorted (byte order), so the order a name was written in does not
///   matter; duplicates are kept.
std::vector<std::string> normalise_name(std::string_view full_name);

inline constexpr std::size_t kClkBits = 1024;
using Clk = std::bitset<kClkBits>;

/// Bits set per name bigram in the CLK. The Dice of two unrelated names is about the share of
/// bits set (the chance overlap of two filters) plus what their shared bigrams add, so a lower
/// k separates better, while too low a k lets a few chance collisions weigh as much as a
/// bigram. Measured on 300 made-up Kenyan names of two or three parts, one fixed key
/// (`tests/registry/reference.py measure`): k = 20 sets 27% of the bits on average; a
/// one-letter change keeps a Dice of 0.90 on average (0.82 at worst) while names with no part
/// in common average 0.37 (99th percentile 0.58).
/// At k = 30, clkhash's usual upper end for names, 37% are set and unrelated names rise to
/// 0.45 (0.63) with the changed names barely moving (0.91, 0.82): a narrower gap.
inline constexpr std::size_t kClkNameBitsPerBigram = 20;
/// Bits set for the birth year, one token: half a bigram's weight, so a birth year off by one
/// lowers the Dice a little without outweighing the name (the hub checks the year apart, with
/// the year tokens).
inline constexpr std::size_t kClkYearBits = 10;

/// What a member sends the hub about one survivor: only keyed values.
struct RegistryEncoding {
    std::optional<ledger::Hash> id_token;     ///< none without a national id
    std::optional<ledger::Hash> phone_token;  ///< none without a phone
    std::optional<ledger::Hash> name_token;   ///< sorted name parts + birth year
    std::array<ledger::Hash, 3> year_tokens;  ///< birth year - 1, the year, + 1
    Clk clk;
};

/// Birth years encode() takes: those the survivors table holds.
inline constexpr int kBirthYearMin = 1900;
inline constexpr int kBirthYearMax = 2100;

/// The encoding of `who` under `key`. Each token is HMAC-SHA-256 under its own subkey:
/// id_token of normalise_national_id(national_id), phone_token of normalise_phone(phone) (the
/// digits of the E.164 form, "254712345678"), name_token of the normalised name parts joined
/// by single spaces, a space and the birth year ("kamau mwangi wanjiku 1990"), year_tokens of
/// each year in decimal. A value that normalises to nothing gives no token: an empty or
/// invalid phone (normalise_phone refuses it) gives no phone_token, not an error, since the
/// survivor is still worth matching by id and name; likewise for an id of only separators and
/// a name without letters (no name_token, and an empty CLK, whose Dice with any CLK is 0: a
/// CLK of the year alone would match every other nameless survivor born that year).
/// The CLK: each name part padded with a space at each end gives its letter bigrams
/// (" wanjiku " -> " w", "wa", ..., "u "); each distinct bigram sets kClkNameBitsPerBigram
/// bits, at positions (h1 + i * h2) mod 1024 for i = 0..k-1, where h1 and h2 are the first and
/// second 8 bytes (little-endian) of HMAC-SHA-256(CLK name subkey, bigram), h2 made odd so the
/// k positions are distinct; the birth year in decimal sets kClkYearBits bits the same way
/// under the CLK year subkey. The work is bounded whatever the name's length: at most 27 * 27
/// distinct bigrams. Throws std::invalid_argument when birth_year is outside
/// kBirthYearMin..kBirthYearMax (the caller passes a stored survivor's, which always is in).
RegistryEncoding encode(const ConsortiumKey& key, const RegistryIdentity& who);

/// Dice coefficient 2|A∩B| / (|A|+|B|), 0 when both are empty.
double dice(const Clk& a, const Clk& b);

/// The CLK as standard base64 with padding (172 characters) of its 128 bytes, bit 0 the most
/// significant bit of the first byte (clkhash's serialisation), for the wire.
std::string clk_text(const Clk& clk);
/// The CLK of clk_text's form; nullopt for anything else (a wrong length, another alphabet,
/// missing padding, whitespace).
std::optional<Clk> parse_clk(std::string_view text);

}  // namespace riziki::api
