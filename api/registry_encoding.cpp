#include "api/registry_encoding.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <stdexcept>

#include "api/pii_vault.hpp"

namespace riziki::api {

namespace {

/// Honorifics dropped wherever they stand as a whole part.
constexpr std::array<std::string_view, 13> kTitles{
    "mr", "mrs", "ms", "miss", "dr", "prof", "rev", "sr", "fr", "bi", "bw", "mzee", "pastor"};
/// Honorifics that are also family names: dropped only before the first part that is a name.
constexpr std::array<std::string_view, 3> kLeadingTitles{"mama", "baba", "sheikh"};

/// The code points of `text`; nullopt when it is not valid UTF-8 (a stray or missing
/// continuation byte, an overlong form, a surrogate, a code point past U+10FFFF).
std::optional<std::u32string> decode_utf8(std::string_view text) {
    std::u32string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;  // continuation bytes
        char32_t cp = lead;
        char32_t min = 0;  // the least code point of this length (shorter is overlong)
        if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            cp = lead & 0x1FU;
            min = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            cp = lead & 0x0FU;
            min = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            cp = lead & 0x07U;
            min = 0x10000;
        } else if (lead >= 0x80) {
            return std::nullopt;  // a continuation byte without a lead, or 0xF8-0xFF
        }
        if (i + extra >= text.size())
            return std::nullopt;
        for (std::size_t j = 1; j <= extra; ++j) {
            const auto next = static_cast<unsigned char>(text[i + j]);
            if ((next & 0xC0) != 0x80)
                return std::nullopt;
            cp = (cp << 6) | (next & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return std::nullopt;
        out.push_back(cp);
        i += extra + 1;
    }
    return out;
}

bool is_separator(char32_t cp) {
    switch (cp) {
        case U' ':
        case U'\t':
        case U'\n':
        case U'\r':
        case U'\v':
        case U'\f':
        case U'-':
        case U'.':
        case U',':
        case U'/':
        case U'_':
        case U'(':
        case U')':
        case 0x00A0:  // no-break space
        case 0x202F:  // narrow no-break space
            return true;
        default:
            return (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x2015);
    }
}

/// The ASCII letter `cp` folds to, or 0 when it is dropped.
char folded(char32_t cp) {
    if (cp >= U'a' && cp <= U'z')
        return static_cast<char>(cp);
    if (cp >= U'A' && cp <= U'Z')
        return static_cast<char>(cp - U'A' + U'a');
    // Latin-1 Supplement: capitals at 0xC0-0xDE, small letters 0x20 above them.
    if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {
        const char32_t capital = cp >= 0xE0 && cp != 0xFF ? cp - 0x20 : cp;
        if (capital <= 0xC5)
            return 'a';
        if (capital == 0xC7)
            return 'c';
        if (capital >= 0xC8 && capital <= 0xCB)
            return 'e';
        if (capital >= 0xCC && capital <= 0xCF)
            return 'i';
        if (capital == 0xD1)
            return 'n';
        if (capital >= 0xD2 && capital <= 0xD6)
            return 'o';
        if (capital >= 0xD9 && capital <= 0xDC)
            return 'u';
        if (capital == 0xDD || capital == 0xFF)
            return 'y';
        return 0;  // Æ, Ð, Ø, Þ, ß and their small letters
    }
    switch (cp) {
        case 0x0100:  // Ā
        case 0x0101:
            return 'a';
        case 0x0112:  // Ē
        case 0x0113:
            return 'e';
        case 0x0128:  // Ĩ
        case 0x0129:
        case 0x012A:  // Ī
        case 0x012B:
            return 'i';
        case 0x014C:  // Ō
        case 0x014D:
            return 'o';
        case 0x0168:  // Ũ
        case 0x0169:
        case 0x016A:  // Ū
        case 0x016B:
            return 'u';
        case 0x0178:  // Ÿ
            return 'y';
        default:
            return 0;
    }
}

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view part) {
    return std::find(words.begin(), words.end(), part) != words.end();
}

/// The parts in written order, folded, honorifics kept.
std::vector<std::string> written_parts(const std::u32string& text) {
    std::vector<std::string> parts(1);
    for (const char32_t cp : text) {
        if (is_separator(cp)) {
            if (!parts.back().empty())
                parts.emplace_back();
        } else if (const char letter = folded(cp); letter != 0) {
            parts.back() += letter;
        }
    }
    if (parts.back().empty())
        parts.pop_back();
    return parts;
}

ledger::Hash hmac(const SecretBytes& key, std::string_view message) {
    ledger::Hash digest{};
    crypto_auth_hmacsha256(digest.data(), reinterpret_cast<const unsigned char*>(message.data()),
                           message.size(), key.data());
    return digest;
}

std::optional<ledger::Hash> token_of(const ConsortiumKey& key, ConsortiumPurpose purpose,
                                     const std::string& value) {
    if (value.empty())
        return std::nullopt;
    return hmac(key.subkey(purpose), value);
}

std::uint64_t little_endian(const unsigned char* bytes) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | bytes[i];
    return value;
}

/// Sets `k` bits of `clk` for `token`: clkhash's double hashing, h1 + i * h2 mod 1024.
void set_bits(Clk& clk, const SecretBytes& field_key, std::string_view token, std::size_t k) {
    const auto digest = hmac(field_key, token);
    const std::uint64_t h1 = little_endian(digest.data());
    // Odd, so coprime with 1024: the k positions are k distinct bits. clkhash's double hash
    // lets h2 be even, and an h2 of 0 mod 1024 then sets a single bit k times.
    const std::uint64_t h2 = little_endian(digest.data() + 8) | 1U;
    for (std::uint64_t i = 0; i < k; ++i)
        clk.set(static_cast<std::size_t>((h1 + i * h2) % kClkBits));
}

/// The distinct bigrams of the parts, each padded with a space at both ends.
std::set<std::string> bigrams(const std::vector<std::string>& parts) {
    std::set<std::string> out;
    for (const auto& part : parts) {
        const std::string padded = " " + part + " ";
        for (std::size_t i = 0; i + 1 < padded.size(); ++i)
            out.insert(padded.substr(i, 2));
    }
    return out;
}

}  // namespace

std::vector<std::string> normalise_name(std::string_view full_name) {
    const auto text = decode_utf8(full_name);
    if (!text)
        return {};
    std::vector<std::string> parts;
    bool name_seen = false;
    for (auto& part : written_parts(*text)) {
        if (one_of(kTitles, part) || (!name_seen && one_of(kLeadingTitles, part)))
            continue;
        name_seen = true;
        parts.push_back(std::move(part));
    }
    std::sort(parts.begin(), parts.end());
    return parts;
}

RegistryEncoding encode(const ConsortiumKey& key, const RegistryIdentity& who) {
    if (who.birth_year < kBirthYearMin || who.birth_year > kBirthYearMax)
        throw std::invalid_argument("the registry encodes birth years 1900-2100 only, not " +
                                    std::to_string(who.birth_year));
    RegistryEncoding out;
    out.id_token =
        token_of(key, ConsortiumPurpose::id_token, normalise_national_id(who.national_id));
    out.phone_token = token_of(key, ConsortiumPurpose::phone_token, normalise_phone(who.phone));
    const auto parts = normalise_name(who.full_name);
    const std::string year = std::to_string(who.birth_year);
    if (!parts.empty()) {
        std::string joined;
        for (const auto& part : parts)
            joined += part + " ";
        out.name_token = hmac(key.subkey(ConsortiumPurpose::name_token), joined + year);
    }
    for (int offset = -1; offset <= 1; ++offset) {
        out.year_tokens[static_cast<std::size_t>(offset + 1)] = hmac(
            key.subkey(ConsortiumPurpose::year_token), std::to_string(who.birth_year + offset));
    }
    // No name, no CLK: a CLK of the year alone would be a probable match (Dice 1) for every
    // other nameless survivor born that year; an empty CLK has a Dice of 0 with anything.
    if (parts.empty())
        return out;
    for (const auto& bigram : bigrams(parts))
        set_bits(out.clk, key.subkey(ConsortiumPurpose::clk_name), bigram, kClkNameBitsPerBigram);
    set_bits(out.clk, key.subkey(ConsortiumPurpose::clk_year), year, kClkYearBits);
    return out;
}

double dice(const Clk& a, const Clk& b) {
    const auto total = a.count() + b.count();
    if (total == 0)
        return 0.0;
    return 2.0 * static_cast<double>((a & b).count()) / static_cast<double>(total);
}

std::string clk_text(const Clk& clk) {
    std::array<unsigned char, kClkBits / 8> bytes{};
    for (std::size_t i = 0; i < kClkBits; ++i) {
        if (clk.test(i))
            bytes[i / 8] |= static_cast<unsigned char>(0x80U >> (i % 8));
    }
    std::string text(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    text.pop_back();  // the terminating NUL
    return text;
}

std::optional<Clk> parse_clk(std::string_view text) {
    std::array<unsigned char, kClkBits / 8> bytes{};
    const std::size_t expected =
        sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL) - 1;
    if (text.size() != expected)
        return std::nullopt;
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        length != bytes.size() || end != text.data() + text.size())
        return std::nullopt;
    Clk clk;
    for (std::size_t i = 0; i < kClkBits; ++i) {
        if ((bytes[i / 8] & (0x80U >> (i % 8))) != 0)
            clk.set(i);
    }
    return clk;
}

}  // namespace riziki::api
