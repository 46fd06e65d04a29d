#pragma once
/// The wire names of an enum's values, listed once in the enum's order, for to_string and
/// parse. Every enum the API or the database spells as text goes through one of these.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace riziki::ledger {

template <typename E, std::size_t N>
struct EnumNames {
    std::array<std::string_view, N> names;

    constexpr std::string_view name(E value) const {
        return names.at(static_cast<std::size_t>(value));
    }
    constexpr std::optional<E> parse(std::string_view text) const {
        for (std::size_t i = 0; i < N; ++i) {
            if (names[i] == text)
                return static_cast<E>(i);
        }
        return std::nullopt;
    }
    static constexpr std::size_t size() { return N; }
};

}  // namespace riziki::ledger
