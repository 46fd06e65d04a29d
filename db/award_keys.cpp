#include "db/award_keys.hpp"

#include <stdexcept>

#include "db/awards_sql.hpp"
#include "db/sql.hpp"
#include "db/writer_columns.hpp"
#include "db/writer_sql.hpp"

namespace riziki::db {

namespace {

constexpr const char* kSelectListKeys =
    "SELECT award, oldest_unpaid_due_on::text, first_disbursed_on::text FROM award_list_keys";

/// The keys `figures` imply for `award`, its stored status deciding whether it is an active
/// loan (so the row's check, a date only on an active loan, holds whatever they say).
StoredListKeys implied_keys(const ledger::Award& award, const ledger::AwardFigures& figures) {
    return {award.status == ledger::AwardStatus::active
                ? ledger::oldest_unpaid_due_on(award, figures)
                : std::nullopt,
            figures.first_disbursed_on};
}

std::optional<ledger::Date> optional_date(const soci::row& row, std::size_t column) {
    if (row.get_indicator(column) != soci::i_ok)
        return std::nullopt;
    const auto day = ledger::parse_date(row.get<std::string>(column));
    if (!day)
        throw std::runtime_error("stored date out of range");
    return day;
}

std::string date_text(const std::optional<ledger::Date>& day) {
    return day ? ledger::format_date(*day) : "none";
}

}  // namespace

void add_award_key_update(Pipeline& writes, const AwardBooks& awards) {
    if (awards.empty())
        return;
    using Of = BinaryArray::Of;
    BinaryArray ids(Of::text), statuses(Of::text), unpaid(Of::text), first(Of::text);
    const auto add_date = [](BinaryArray& column, const std::optional<ledger::Date>& day) {
        if (day)
            column.add(ledger::format_date(*day));
        else
            column.add_null();
    };
    for (const auto& [id, book] : awards) {
        const auto keys = implied_keys(book.award, book.figures);
        ids.add(id);
        statuses.add(ledger::to_string(book.award.status));
        add_date(unpaid, keys.oldest_unpaid_due_on);
        add_date(first, keys.first_disbursed_on);
    }
    add_columns(writes, kUpdateAwardsQuery, {&statuses, &ids, &unpaid, &first});
}

std::map<std::string, StoredListKeys> select_award_list_keys(soci::session& sql) {
    std::map<std::string, StoredListKeys> keys;
    soci::rowset<soci::row> rows = (sql.prepare << kSelectListKeys);
    for (const auto& row : rows)
        keys[row.get<std::string>(0)] = {optional_date(row, 1), optional_date(row, 2)};
    return keys;
}

std::string list_keys_mismatch(const ledger::Award& award, const ledger::AwardFigures& figures,
                               const StoredListKeys& stored) {
    const auto implied = implied_keys(award, figures);
    if (implied.oldest_unpaid_due_on != stored.oldest_unpaid_due_on) {
        return "award " + award.id + " is stored with its oldest unpaid installment due " +
               date_text(stored.oldest_unpaid_due_on) + " but its postings make it " +
               date_text(implied.oldest_unpaid_due_on);
    }
    if (implied.first_disbursed_on != stored.first_disbursed_on) {
        return "award " + award.id + " is stored as first disbursed " +
               date_text(stored.first_disbursed_on) + " but its postings make it " +
               date_text(implied.first_disbursed_on);
    }
    return "";
}

std::size_t store_award_list_keys(soci::session& sql) {
    auto all = select_all_awards(sql);
    std::set<std::string> ids;
    for (const auto& [id, award] : all)
        ids.insert(id);
    auto figures = select_award_figures(sql, ids);
    AwardBooks books;
    for (auto& [id, award] : all)
        books[id] = {std::move(award), figures[id]};
    Pipeline writes(sql);
    add_award_key_update(writes, books);
    writes.run();
    return books.size();
}

}  // namespace riziki::db
