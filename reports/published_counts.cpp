// Publishing counts of people (docs/privacy.md, "What a donor sees"): the report is built
// with true counts and their cell keys; publish_counts hides and perturbs them in one place.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "reports/donor_report.hpp"
#include "reports/perturbation.hpp"

namespace riziki::reports {

namespace {

/// splitmix64's finaliser over the running digest and one more value.
std::uint64_t mix(std::uint64_t digest, std::uint64_t value) {
    std::uint64_t z = digest ^ (value + 0x9e3779b97f4a7c15ULL + (digest << 6) + (digest >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t mix(std::uint64_t digest, std::string_view text) {
    digest = mix(digest, text.size());
    for (const char c : text)
        digest = mix(digest, static_cast<unsigned char>(c));
    return digest;
}

std::uint64_t mix(std::uint64_t digest, const Count& c) {
    return mix(mix(digest, static_cast<std::uint64_t>(c.value)),
               static_cast<std::uint64_t>(c.cell_key));
}

/// Every count of people but the breakdowns' cells, in a fixed order.
template <typename Report>
auto counts_of(Report& r) {
    return std::array{&r.survivors_reached, &r.awards_approved,   &r.active_loans,
                      &r.loans_written_off, &r.observed_6_months, &r.observed_12_months,
                      &r.jobs_latest};
}

int key_of(const Count& c, int report_key) {
    return static_cast<int>((static_cast<long>(c.cell_key) + report_key) % ledger::kRecordKeyRange);
}

/// A breakdown by county: each county that would be shown (5 or more, and so after its
/// perturbation) keeps its row; the others are counted together on one kOtherCounties row,
/// always present.
void roll_up_counties(Breakdown& b, int report_key) {
    std::vector<std::pair<std::string, Count>> rows;
    Count other;
    for (const auto& [county, c] : b.cells) {
        Count shown = c;
        publish_count(shown, report_key);
        if (c.value >= kSmallestShown && !shown.suppressed) {
            rows.emplace_back(county, c);
            continue;
        }
        other.value += c.value;
        other.cell_key = (other.cell_key + c.cell_key) % ledger::kRecordKeyRange;
    }
    rows.emplace_back(kOtherCounties, other);
    b.cells = std::move(rows);
}

/// Whether a reader who knows the total (when shown), the shown cells, and that each hidden
/// cell is 0-4 ("<5") or at least 5 ("suppressed") can pin down some hidden cell to a number
/// of people other than 0.
bool recoverable(const std::vector<std::pair<std::string, Count>>& cells, const Count& total) {
    if (total.suppressed)
        return false;
    long hidden = total.value;
    std::vector<const Count*> hidden_cells;
    for (const auto& [key, c] : cells) {
        if (c.suppressed)
            hidden_cells.push_back(&c);
        else
            hidden -= c.value;
    }
    const auto low = [](const Count* c) { return c->value < kSmallestShown ? 0L : kSmallestShown; };
    const auto high = [&](const Count* c) {
        return c->value < kSmallestShown ? kSmallestShown - 1 : hidden;
    };
    for (const auto* c : hidden_cells) {
        long others_low = 0, others_high = 0;
        for (const auto* o : hidden_cells) {
            if (o == c)
                continue;
            others_low += low(o);
            others_high += high(o);
        }
        const long lo = std::max(low(c), hidden - others_high);
        const long hi = std::min(high(c), hidden - others_low);
        // Pinned to 0 is no small group given away: an empty category shows as "<5" only so
        // that its first survivor does not show where they went.
        if (lo >= hi && hi > 0)
            return true;
    }
    return false;
}

}  // namespace

void publish_count(Count& c, int key) {
    if (c.suppressed || c.value == 0)
        return;
    c.value = perturbed(c.value, key_of(c, key));
    c.suppressed = c.value < kSmallestShown;
}

int counts_key(const std::vector<Count>& counts) {
    std::uint64_t digest = 0;
    for (const auto& c : counts)
        digest = mix(digest, c);
    return static_cast<int>(digest % ledger::kRecordKeyRange);
}

void suppress(std::vector<std::pair<std::string, Count>>& cells, Count& total) {
    for (auto& [key, c] : cells)
        c.suppressed = c.suppressed || c.value < kSmallestShown;
    total.suppressed = total.suppressed || (total.value > 0 && total.value < kSmallestShown);
    if (total.suppressed) {
        for (auto& [key, c] : cells)
            c.suppressed = true;
        return;
    }
    while (recoverable(cells, total)) {
        std::pair<std::string, Count>* smallest = nullptr;
        for (auto& cell : cells) {
            if (!cell.second.suppressed && cell.second.value > 0 &&
                (smallest == nullptr || cell.second.value < smallest->second.value)) {
                smallest = &cell;
            }
        }
        if (smallest == nullptr) {
            total.suppressed = true;  // hiding every cell was not enough
            break;
        }
        smallest->second.suppressed = true;
    }
}

int report_key(const DonorReport& r) {
    std::uint64_t digest = 0;
    for (const auto* c : counts_of(r))
        digest = mix(digest, *c);
    for (const auto& b : r.reach) {
        digest = mix(digest, b.dimension);
        for (const auto& [key, c] : b.cells)
            digest = mix(mix(digest, key), c);
    }
    return static_cast<int>(digest % ledger::kRecordKeyRange);
}

void publish_counts(DonorReport& r) {
    const int key = report_key(r);
    // Hiding is decided on the true counts, so that the proof that no hidden cell can be
    // worked out from its total (suppress) holds even for a reader who knew them; only then
    // are the shown counts perturbed.
    const Count true_total = r.survivors_reached;
    for (auto& b : r.reach) {
        if (b.dimension == "county")
            roll_up_counties(b, key);
        Count total = true_total;
        suppress(b.cells, total);
        for (auto& [label, c] : b.cells)
            publish_count(c, key);
        if (total.suppressed)
            r.survivors_reached.suppressed = true;
    }
    for (auto* c : counts_of(r))
        publish_count(*c, key);
}

}  // namespace riziki::reports
