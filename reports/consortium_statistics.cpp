// The consortium statistics (reports/consortium_statistics.hpp): people joined across
// members by a union-find over their records, counted per month and kind of support, and
// published with the donor report's publish_count.

#include "reports/consortium_statistics.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "reports/count_json.hpp"
#include "reports/csv.hpp"
#include "reports/display.hpp"

namespace riziki::reports {

namespace {

using display::markup_escape;

/// YYYY-MM as a number of months since year 0.
int month_number(std::string_view month) {
    return std::stoi(std::string(month.substr(0, 4))) * 12 +
           std::stoi(std::string(month.substr(5, 2))) - 1;
}

/// The distinct records of the rows and the people they make up.
class People {
  public:
    explicit People(const std::vector<ConsortiumActivity>& rows) {
        for (const auto& row : rows) {
            if (index_.emplace(row.record, records_.size()).second)
                records_.push_back(&row);
        }
        parent_.resize(records_.size());
        std::iota(parent_.begin(), parent_.end(), std::size_t{0});
        join_by(&ConsortiumActivity::id_token);
        join_by(&ConsortiumActivity::phone_token);
        join_by(&ConsortiumActivity::name_token);
        person_key_.assign(records_.size(), ledger::kRecordKeyRange);
        for (std::size_t i = 0; i < records_.size(); ++i) {
            auto& key = person_key_[root(i)];
            key = std::min(key, records_[i]->record_key);
        }
    }

    /// The person (a root record's index) of a record id among the rows.
    std::size_t person(std::int64_t record) { return root(index_.at(record)); }
    int person_key(std::size_t person) const { return person_key_[person]; }

  private:
    std::size_t root(std::size_t i) {
        while (parent_[i] != i) {
            parent_[i] = parent_[parent_[i]];
            i = parent_[i];
        }
        return i;
    }

    /// Joins the records that share a value of `token` when they belong to more than one
    /// member: a member's own records are its own survivors, so two of its records with one
    /// name token are namesakes, not one person. A third member's record joins them all.
    void join_by(std::optional<ledger::Hash> ConsortiumActivity::*token) {
        std::map<ledger::Hash, std::vector<std::size_t>> groups;
        for (std::size_t i = 0; i < records_.size(); ++i) {
            if (const auto& value = records_[i]->*token)
                groups[*value].push_back(i);
        }
        for (const auto& [value, members] : groups) {
            const auto first_member = records_[members.front()]->member;
            const bool shared = std::any_of(members.begin(), members.end(), [&](std::size_t i) {
                return records_[i]->member != first_member;
            });
            for (std::size_t k = 1; shared && k < members.size(); ++k)
                parent_[root(members[k])] = root(members.front());
        }
    }

    std::vector<const ConsortiumActivity*> records_;
    std::unordered_map<std::int64_t, std::size_t> index_;
    std::vector<std::size_t> parent_;
    std::vector<int> person_key_;
};

/// The true counts of one month and kind of support.
ConsortiumCell count_cell(const std::string& month, const std::string& support,
                          const std::vector<const ConsortiumActivity*>& rows, People& people) {
    std::set<std::size_t> persons;
    std::set<std::int64_t> records;
    Contributors reach, separately;
    for (const auto* row : rows) {
        if (support != "all" && row->support != support)
            continue;
        if (records.insert(row->record).second)
            separately.add(row->record_key);
        const auto person = people.person(row->record);
        if (persons.insert(person).second)
            reach.add(people.person_key(person));
    }
    return {month, support, count_of(reach), count_of(separately)};
}

}  // namespace

std::vector<std::string> whole_months(std::string_view from, std::string_view to) {
    std::vector<std::string> out;
    for (int n = month_number(from); n <= month_number(to); ++n) {
        const int year = n / 12;
        const int month = n % 12 + 1;
        out.push_back(std::to_string(year) + (month < 10 ? "-0" : "-") + std::to_string(month));
    }
    return out;
}

ConsortiumStatistics count_consortium_statistics(const std::string& from, const std::string& to,
                                                 const std::vector<ConsortiumActivity>& rows) {
    People people(rows);
    std::map<std::string, std::vector<const ConsortiumActivity*>> by_month;
    for (const auto& row : rows)
        by_month[row.month].push_back(&row);
    ConsortiumStatistics out{from, to, {}};
    for (const auto& month : whole_months(from, to)) {
        for (const char* support : kConsortiumSupports)
            out.cells.push_back(count_cell(month, support, by_month[month], people));
    }
    return out;
}

ConsortiumStatistics build_consortium_statistics(const std::string& from, const std::string& to,
                                                 const std::vector<ConsortiumActivity>& rows) {
    auto statistics = count_consortium_statistics(from, to, rows);
    const std::size_t per_month = kConsortiumSupports.size();
    for (std::size_t start = 0; start < statistics.cells.size(); start += per_month) {
        std::vector<Count> month_counts;
        for (std::size_t i = start; i < start + per_month; ++i) {
            month_counts.push_back(statistics.cells[i].reach);
            month_counts.push_back(statistics.cells[i].reported_separately);
        }
        const int key = counts_key(month_counts);
        for (std::size_t i = start; i < start + per_month; ++i) {
            for (Count* c :
                 {&statistics.cells[i].reach, &statistics.cells[i].reported_separately}) {
                // An empty cell is hidden too, so that its first person does not show.
                c->suppressed = c->suppressed || c->value < kSmallestShown;
                publish_count(*c, key);
            }
        }
    }
    return statistics;
}

std::string consortium_statistics_note() {
    return std::string(kPerturbationNote) +
           " Counts under 5 are shown as \"<5\". Reach counts each person once, however many "
           "members supported them; reported_separately adds up the members' own counts.";
}

std::string consortium_statistics_json(const ConsortiumStatistics& statistics) {
    nlohmann::json months = nlohmann::json::array();
    for (const auto& cell : statistics.cells) {
        months.push_back({{"month", cell.month},
                          {"support", cell.support},
                          {"reach", count_json(cell.reach)},
                          {"reported_separately", count_json(cell.reported_separately)}});
    }
    return nlohmann::json{{"from", statistics.from},
                          {"to", statistics.to},
                          {"note", consortium_statistics_note()},
                          {"months", std::move(months)}}
        .dump();
}

std::string consortium_statistics_csv(const ConsortiumStatistics& statistics) {
    std::string out = "month,support,reach,reported_separately\r\n";
    for (const auto& cell : statistics.cells) {
        out += cell.month + "," + cell.support + "," + csv_field(cell.reach.text()) + "," +
               csv_field(cell.reported_separately.text()) + "\r\n";
    }
    out += "note," + csv_field(consortium_statistics_note()) + ",,\r\n";
    return out;
}

std::string consortium_statistics_html(const ConsortiumStatistics& statistics) {
    const std::string period =
        markup_escape(statistics.from) + " to " + markup_escape(statistics.to);
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Consortium statistics " +
        period +
        "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #999;padding:.3em .6em;text-align:right}"
        "th:first-child,td:first-child,td:nth-child(2){text-align:left}</style></head><body>"
        "<h1>Consortium statistics, " +
        period + "</h1><p>" + markup_escape(consortium_statistics_note()) +
        "</p><table><thead><tr><th>Month</th><th>Support</th><th>Reach</th>"
        "<th>As reported separately</th></tr></thead><tbody>";
    for (const auto& cell : statistics.cells) {
        out += "<tr><td>" + markup_escape(cell.month) + "</td><td>" + markup_escape(cell.support) +
               "</td><td>" + markup_escape(cell.reach.text()) + "</td><td>" +
               markup_escape(cell.reported_separately.text()) + "</td></tr>";
    }
    out += "</tbody></table></body></html>\n";
    return out;
}

}  // namespace riziki::reports
