#include "db/hash.hpp"

#include <sodium.h>

#include <stdexcept>

namespace riziki::db {

ledger::Hash sha256(std::string_view bytes) {
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw std::runtime_error("libsodium failed to initialise");
    ledger::Hash out{};
    crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    return ledger::to_hex(sha256(bytes));
}

}  // namespace riziki::db
