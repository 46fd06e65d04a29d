#include "api/fresh_code.hpp"

#include <sodium.h>

#include <stdexcept>
#include <string>

#include "ledger/program.hpp"

namespace riziki::api {

std::string random_code(std::string_view prefix) {
    static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::string code(prefix);
    for (int i = 0; i < 8; ++i)
        code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    return code;
}

int random_record_key() {
    return static_cast<int>(randombytes_uniform(ledger::kRecordKeyRange));
}

int demo_record_key(unsigned seed, std::string_view code) {
    const std::string material =
        "riziki demo record key " + std::to_string(seed) + " " + std::string(code);
    unsigned char generator_seed[randombytes_SEEDBYTES];
    crypto_generichash(generator_seed, sizeof generator_seed,
                       reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                       nullptr, 0);
    unsigned char bytes[2];
    randombytes_buf_deterministic(bytes, sizeof bytes, generator_seed);
    static_assert(ledger::kRecordKeyRange == 65536, "two bytes make a record key");
    return bytes[0] * 256 + bytes[1];
}

ledger::Rejection insert_with_fresh_code(
    std::string_view prefix, std::string_view what,
    const std::function<ledger::Rejection(const std::string& code)>& insert) {
    for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
        const auto rule = insert(random_code(prefix));
        if (rule != ledger::Rejection::already_exists)
            return rule;
    }
    throw std::runtime_error("could not draw a free " + std::string(what));
}

}  // namespace riziki::api
