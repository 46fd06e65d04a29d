#pragma once
/// The cell key method (SPEC §17; the Australian Bureau of Statistics' TableBuilder): each
/// count of people the donor report publishes is its true count plus a small perturbation
/// looked up in the fixed table below by the cell's key and by the true count. A cell's key
/// is the sum of its contributors' record keys (random, drawn at enrolment, never
/// published) modulo ledger::kRecordKeyRange, so the same people always give the same key,
/// the same perturbation and the same published number, however many times and for
/// whichever period the report is asked; while one more or one fewer person in a cell
/// draws its perturbation afresh, so two reports never give an exact difference.
/// docs/privacy.md ("What a donor sees") documents the table and what it leaves.

#include <array>
#include <cstdint>
#include <limits>

#include "ledger/program.hpp"

namespace riziki::reports {

/// The smallest count of people shown as a number; 1-4 show as "<5".
inline constexpr long kSmallestShown = 5;

/// One perturbation and how many of the ledger::kRecordKeyRange cell keys give it.
struct PerturbationShare {
    int perturbation = 0;
    int keys = 0;
};

/// The perturbations of the true counts count_from..count_to, in order of cell key: the
/// first `keys` cell keys give the first perturbation, the next the second, and so on.
struct PerturbationRow {
    long count_from = 0;
    long count_to = 0;
    std::array<PerturbationShare, 5> shares{};
};

/// The table. Rows:
///  - 0 to 5: no perturbation. 0 has no contributors; 1-4 show as "<5" whatever their
///    value; 5 could only move up (a count shown must not go below 5), which would bias it.
///  - 6: -1, 0, +1 with chances 1/4, 1/2, 1/4 (a binomial(2, 1/2) less 1): mean 0, variance
///    1/2, never below 5.
///  - 7 and more: -2, -1, 0, +1, +2 with chances 1/16, 4/16, 6/16, 4/16, 1/16 (a binomial(4,
///    1/2) less 2): mean 0, variance 1, never below 5.
inline constexpr std::array<PerturbationRow, 3> kPerturbationTable{{
    {0, 5, {{{0, ledger::kRecordKeyRange}}}},
    {6, 6, {{{-1, 16384}, {0, 32768}, {1, 16384}}}},
    {7,
     std::numeric_limits<long>::max(),
     {{{-2, 4096}, {-1, 16384}, {0, 24576}, {1, 16384}, {2, 4096}}}},
}};

/// The perturbation the table gives a true count (0 or more) with `cell_key`
/// (0..ledger::kRecordKeyRange-1).
constexpr int perturbation(long count, int cell_key) {
    for (const auto& row : kPerturbationTable) {
        if (count < row.count_from || count > row.count_to)
            continue;
        long below = 0;
        for (const auto& share : row.shares) {
            below += share.keys;
            if (cell_key < below)
                return share.perturbation;
        }
    }
    return 0;  // unreachable for a count >= 0 and a key in range (static_asserts below)
}

/// The count as published: true count plus its perturbation.
constexpr long perturbed(long count, int cell_key) {
    return count + perturbation(count, cell_key);
}

/// The people a count counts: how many, and their cell key.
struct Contributors {
    long count = 0;
    int cell_key = 0;  ///< sum of their record keys modulo ledger::kRecordKeyRange

    constexpr void add(int record_key) {
        ++count;
        cell_key =
            static_cast<int>((static_cast<long>(cell_key) + record_key) % ledger::kRecordKeyRange);
    }
};

namespace detail {

/// Each row covers the key range exactly, has mean 0, never shows a count below 5, and the
/// rows follow on from 0 without gap or overlap.
constexpr bool table_holds() {
    long next = 0;
    for (const auto& row : kPerturbationTable) {
        if (row.count_from != next || row.count_to < row.count_from)
            return false;
        long keys = 0, weighted = 0;
        for (const auto& share : row.shares) {
            keys += share.keys;
            weighted += static_cast<long>(share.perturbation) * share.keys;
            const bool moved = share.keys > 0 && share.perturbation != 0;
            if (moved && row.count_from + share.perturbation < kSmallestShown)
                return false;
        }
        if (keys != ledger::kRecordKeyRange || weighted != 0)
            return false;
        next = row.count_to == std::numeric_limits<long>::max() ? -1 : row.count_to + 1;
    }
    return next == -1;
}

}  // namespace detail

static_assert(detail::table_holds(), "the perturbation table breaks one of its rules");
static_assert(perturbation(5, 0) == 0 && perturbation(6, 0) == -1 && perturbation(7, 0) == -2);
static_assert(perturbation(7, ledger::kRecordKeyRange - 1) == 2);

}  // namespace riziki::reports
