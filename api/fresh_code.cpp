#include "api/fresh_code.hpp"

#include <sodium.h>

#include <stdexcept>

namespace riziki::api {

std::string random_code(std::string_view prefix) {
    static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::string code(prefix);
    for (int i = 0; i < 8; ++i)
        code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    return code;
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
