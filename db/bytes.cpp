#include "db/bytes.hpp"

namespace riziki::db {

std::string hex_of(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string bytes_of_bytea(const std::string& text) {
    // bytea output "\x0a1b..." -> raw bytes
    std::string out;
    const std::size_t start = text.rfind("\\x", 0) == 0 ? 2 : 0;
    for (std::size_t i = start; i + 1 < text.size(); i += 2)
        out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
    return out;
}

}  // namespace riziki::db
