#include "db/hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace riziki::db {

namespace {

/// OpenSSL's SHA-256 uses the CPU's SHA extensions where there are any: about four times
/// libsodium's portable code on the entries verify hashes. The digest is fetched once and
/// each thread reuses one context, since per-call setup would cost as much as the hash.
struct Digest {
    Digest() : md(EVP_MD_fetch(nullptr, "SHA256", nullptr)), context(EVP_MD_CTX_new()) {
        if (md == nullptr || context == nullptr)
            throw std::runtime_error("OpenSSL has no SHA-256");
    }
    ~Digest() {
        EVP_MD_CTX_free(context);
        EVP_MD_free(md);
    }
    Digest(const Digest&) = delete;
    Digest& operator=(const Digest&) = delete;

    EVP_MD* md;
    EVP_MD_CTX* context;
};

}  // namespace

ledger::Hash sha256(std::string_view bytes) {
    thread_local Digest digest;
    ledger::Hash out{};
    unsigned int size = 0;
    if (EVP_DigestInit_ex2(digest.context, digest.md, nullptr) != 1 ||
        EVP_DigestUpdate(digest.context, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(digest.context, out.data(), &size) != 1 || size != out.size()) {
        throw std::runtime_error("SHA-256 failed");
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    return ledger::to_hex(sha256(bytes));
}

ledger::Hash audit_hash(const ledger::Hash& prev_hash, const AuditLine& line) {
    const auto characters = [](std::string_view text) {
        return std::count_if(text.begin(), text.end(),
                             [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    };
    std::string input(prev_hash.begin(), prev_hash.end());
    input += "riziki.audit.v1|" + std::to_string(line.seq) + "|" +
             ledger::format_timestamp_us(line.at_us);
    for (const auto field : {line.actor, line.request_id, line.action, line.subject, line.detail}) {
        input += "|" + std::to_string(characters(field)) + "|";
        input += field;
    }
    return sha256(input);
}

}  // namespace riziki::db
