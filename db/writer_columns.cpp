#include "db/writer_columns.hpp"

#include "db/award_keys.hpp"
#include "db/hash.hpp"
#include "db/writer_sql.hpp"

namespace riziki::db {

namespace {

void add_optional(BinaryArray& column, const std::string& text) {
    if (text.empty()) {
        column.add_null();
    } else {
        column.add(text);
    }
}

}  // namespace

void add_columns(Pipeline& writes, const PreparedQuery& query,
                 std::initializer_list<BinaryArray*> columns) {
    std::vector<std::string> arrays;
    arrays.reserve(columns.size());
    for (auto* column : columns)
        arrays.push_back(std::move(*column).finish());
    writes.add_binary(query, arrays);
}

void BatchColumns::add_entry(const ledger::Entry& entry, ledger::Event counts_as) {
    const auto& d = entry.draft;
    const std::string day = ledger::format_date(d.effective_on);
    seq_.add(entry.seq);
    effective_on_.add(day);
    memo_.add(d.memo);
    event_.add(ledger::to_string(d.event));
    recorded_by_.add(d.recorded_by);
    recorded_at_.add(entry.recorded_at_us);
    if (d.reverses) {
        reverses_.add(*d.reverses);
    } else {
        reverses_.add_null();
    }
    count_.add(static_cast<long long>(d.postings.size()));
    prev_hash_.add(entry.prev_hash);
    hash_.add(entry.hash);
    for (std::size_t line = 0; line < d.postings.size(); ++line) {
        const auto& p = d.postings[line];
        p_seq_.add(entry.seq);
        p_line_.add(static_cast<long long>(line));
        p_account_.add(p.account);
        p_fund_.add(p.fund);
        p_currency_.add(p.currency);
        p_amount_.add(ledger::to_decimal_string(p.amount));
        add_optional(p_survivor_, p.survivor);
        add_optional(p_award_, p.award);
        p_effective_on_.add(day);
        p_counts_as_.add(ledger::to_string(counts_as));
    }
}

void BatchColumns::add_reference(const std::pair<ledger::Channel, std::string>& reference,
                                 std::int64_t entry_seq) {
    ref_channel_.add(ledger::to_string(reference.first));
    ref_text_.add(reference.second);
    ref_seq_.add(static_cast<long long>(entry_seq));
}

void BatchColumns::add_claim(const IdempotencyClaim& claim, const StoredResponse& response,
                             std::int64_t entry_seq) {
    c_actor_.add(claim.actor);
    c_key_.add(claim.key);
    c_hash_.add(claim.request_hash);
    c_status_.add(static_cast<long long>(response.status));
    c_response_.add(response.body);
    c_seq_.add(entry_seq);
}

void BatchColumns::insert(Pipeline& writes) {
    if (seq_.empty())
        return;
    add_columns(writes, kInsertEntriesQuery,
                {&seq_, &effective_on_, &memo_, &event_, &recorded_by_, &recorded_at_, &reverses_,
                 &count_, &prev_hash_, &hash_});
    add_columns(writes, kInsertPostingsQuery,
                {&p_seq_, &p_line_, &p_account_, &p_fund_, &p_currency_, &p_amount_, &p_survivor_,
                 &p_award_, &p_effective_on_, &p_counts_as_});
}

void BatchColumns::insert_side_writes(Pipeline& writes, const ledger::Books& books,
                                      const AuditHead& audit_head) {
    add_award_key_update(writes, books.awards);
    if (!audit_.empty())
        insert_audit(writes, audit_head);
    if (!ref_channel_.empty())
        add_columns(writes, kInsertReferencesQuery, {&ref_channel_, &ref_text_, &ref_seq_});
}

void BatchColumns::insert_audit(Pipeline& writes, const AuditHead& audit_head) const {
    // The writer chains its audit lines itself, under the audit head's lock; PostgreSQL
    // checks the chain once per INSERT (migration 0009), and the date (0014): the server's
    // clock when the head was locked.
    std::int64_t seq = audit_head.seq;
    ledger::Hash prev = audit_head.hash;
    BinaryArray seqs(Of::int8), ats(Of::int8), actors(Of::text), requests(Of::text),
        subjects(Of::text), details(Of::text), prevs(Of::bytea), hashes(Of::bytea);
    for (const auto& line : audit_) {
        const AuditLine fields{++seq,         audit_head.at_us, line.actor, line.request_id,
                               "entry.write", line.subject,     line.detail};
        const auto hash = audit_hash(prev, fields);
        seqs.add(static_cast<long long>(seq));
        ats.add(static_cast<long long>(audit_head.at_us));
        actors.add(line.actor);
        requests.add(line.request_id);
        subjects.add(line.subject);
        details.add(line.detail);
        prevs.add(prev);
        hashes.add(hash);
        prev = hash;
    }
    add_columns(writes, kInsertAuditQuery,
                {&seqs, &ats, &actors, &requests, &subjects, &details, &prevs, &hashes});
}

void BatchColumns::insert_claims(Pipeline& writes) {
    if (!c_actor_.empty()) {
        add_columns(writes, kInsertClaimsQuery,
                    {&c_actor_, &c_key_, &c_hash_, &c_status_, &c_response_, &c_seq_});
    }
}

}  // namespace riziki::db
