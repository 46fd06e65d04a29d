// A batch's first round trip: BEGIN, the head locks and the reads that depend only on the
// batch's requests, sent together; and its answers, each read as what it is.
#include "db/awards_sql.hpp"
#include "db/sql.hpp"
#include "db/writer_impl.hpp"
#include "db/writer_sql.hpp"

namespace riziki::db {

namespace {

using Of = BinaryArray::Of;

/// Adds the lookup of the batch's idempotency keys to `pipeline`; false when it has none.
bool add_claims(Pipeline& pipeline, const std::vector<Pending*>& items) {
    BinaryArray actors(Of::text), keys(Of::text);
    bool any = false;
    for (const auto* item : items) {
        if (!item->request.idempotency)
            continue;
        actors.add(item->request.idempotency->actor);
        keys.add(item->request.idempotency->key);
        any = true;
    }
    if (any)
        add_columns(pipeline, kSelectClaimsQuery, {&actors, &keys});
    return any;
}

std::map<ClaimKey, StoredClaim> claims_from(const TextRows& rows) {
    std::map<ClaimKey, StoredClaim> found;
    for (int i = 0; i < rows.size(); ++i) {
        StoredClaim claim{hash_from_bytea(rows.text(i, 2)),
                          {static_cast<int>(rows.integer(i, 3)), rows.string(i, 4)}};
        found.emplace(ClaimKey{rows.string(i, 0), rows.string(i, 1)}, std::move(claim));
    }
    return found;
}

/// Adds the lookup of which of the batch's reversal targets are reversed already; false
/// when it reverses nothing.
bool add_reversed(Pipeline& pipeline, const std::vector<Pending*>& items) {
    BinaryArray targets(Of::int8);
    bool any = false;
    for (const auto* item : items) {
        if (!item->request.draft.reverses)
            continue;
        targets.add(static_cast<long long>(*item->request.draft.reverses));
        any = true;
    }
    if (any)
        add_columns(pipeline, kSelectReversedQuery, {&targets});
    return any;
}

std::set<std::int64_t> reversed_from(const TextRows& rows) {
    std::set<std::int64_t> reversed;
    for (int i = 0; i < rows.size(); ++i)
        reversed.insert(rows.integer(i, 0));
    return reversed;
}

/// The payment references the batch's commands would use.
std::set<std::pair<ledger::Channel, std::string>> references_of(
    const std::vector<Pending*>& items) {
    std::set<std::pair<ledger::Channel, std::string>> references;
    for (const auto* item : items) {
        if (item->request.command) {
            if (auto reference = ledger::command_reference(*item->request.command))
                references.insert(*reference);
        }
    }
    return references;
}

/// What the batch's items name.
Touched touched_by(const std::vector<Pending*>& items) {
    Touched touched;
    for (const auto* item : items) {
        const auto& request = item->request;
        if (request.command) {
            if (auto award = ledger::command_award(*request.command); !award.empty())
                touched.awards.insert(award);
            if (auto fund = ledger::command_fund(*request.command); !fund.empty())
                touched.funds.insert(fund);
            continue;
        }
        for (const auto& p : request.draft.postings) {
            if (!p.award.empty())
                touched.awards.insert(p.award);
        }
        if (request.draft.reverses)
            touched.reversed.insert(*request.draft.reverses);
    }
    return touched;
}

Heads heads_from(const TextRows& rows) {
    Heads heads;
    heads.seq = rows.integer(0, 0);
    heads.hash_hex = rows.string(0, 1);
    heads.catalog_version = rows.integer(0, 2);
    heads.audit.seq = rows.integer(0, 3);
    heads.audit.hash = hash_from_bytea(rows.text(0, 4));
    heads.audit.at_us = rows.integer(0, 5);
    return heads;
}

}  // namespace

FirstRound JournalWriter::Impl::send_first_round(const std::vector<Pending*>& items) {
    FirstRound round;
    round.touched = touched_by(items);
    round.pipeline = std::make_unique<Pipeline>(sql);
    auto& begin = *round.pipeline;
    begin.add("BEGIN");
    round.added(FirstRead::begin);
    begin.add(kLockHeadsQuery, {});
    round.added(FirstRead::heads);
    if (add_claims(begin, items))
        round.added(FirstRead::claims);
    if (add_reversed(begin, items))
        round.added(FirstRead::reversed);
    if (add_used_references(begin, references_of(items)))
        round.added(FirstRead::references);
    round.award_ids = kept.unkept(round.touched.awards);
    if (add_awards(begin, round.award_ids))
        round.added(FirstRead::awards);
    if (add_award_sums(begin, round.award_ids))
        round.added(FirstRead::award_sums);
    begin.send();
    return round;
}

FirstRoundAnswers read_first_round(FirstRound round) {
    const auto answers = round.pipeline->run();
    RIZIKI_ASSERT(answers.size() == round.sent_count);
    FirstRoundAnswers first;
    first.award_ids = std::move(round.award_ids);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& rows = answers[i];
        switch (round.sent[i]) {
            case FirstRead::begin:
                break;
            case FirstRead::heads:
                first.heads = heads_from(rows);
                break;
            case FirstRead::claims:
                first.claims = claims_from(rows);
                break;
            case FirstRead::reversed:
                first.reversed = reversed_from(rows);
                break;
            case FirstRead::references:
                first.used_references = used_references(rows);
                break;
            case FirstRead::awards:
                first.awards = awards_from(rows);
                break;
            case FirstRead::award_sums:
                first.award_sums = award_sums_from(rows, first.award_ids);
                break;
        }
    }
    RIZIKI_ASSERT(first.heads.has_value());
    return first;
}

}  // namespace riziki::db
