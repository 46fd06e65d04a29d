#include "api/registry_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_set>

namespace riziki::api {

namespace {

bool equal_present(const std::optional<ledger::Hash>& a, const std::optional<ledger::Hash>& b) {
    return a && b && *a == *b;
}

template <typename Postings>
void link(Postings& postings, const std::optional<ledger::Hash>& token, std::int64_t id) {
    if (token)
        postings[*token].push_back(id);
}

template <typename Postings>
void unlink_token(Postings& postings, const std::optional<ledger::Hash>& token, std::int64_t id) {
    if (!token)
        return;
    const auto it = postings.find(*token);
    if (it == postings.end())
        return;
    std::erase(it->second, id);
    if (it->second.empty())
        postings.erase(it);
}

template <typename Postings>
void gather(const Postings& postings, const std::optional<ledger::Hash>& token,
            std::vector<std::int64_t>& out) {
    if (!token)
        return;
    const auto it = postings.find(*token);
    if (it != postings.end())
        out.insert(out.end(), it->second.begin(), it->second.end());
}

}  // namespace

IndexedRecord indexed_record(const RegistryEncoding& encoding, std::int64_t id,
                             std::int64_t member) {
    return {id,
            member,
            encoding.id_token,
            encoding.phone_token,
            encoding.name_token,
            encoding.year_tokens[1],
            encoding.clk};
}

IndexQuery index_query(const RegistryEncoding& encoding, std::int64_t member) {
    return {member,
            encoding.id_token,
            encoding.phone_token,
            encoding.name_token,
            encoding.year_tokens,
            encoding.clk};
}

std::optional<IndexMatch> match_pair(const IndexQuery& query, const IndexedRecord& candidate,
                                     double probable_dice) {
    if (equal_present(query.id_token, candidate.id_token) ||
        equal_present(query.phone_token, candidate.phone_token))
        return IndexMatch{candidate.id, MatchKind::exact, 1.0};
    // Both ids known and different (the phones, if any, differ too: equal ones matched above).
    if (query.id_token && candidate.id_token)
        return std::nullopt;
    const double score = dice(query.clk, candidate.clk);
    if (equal_present(query.name_token, candidate.name_token))
        return IndexMatch{candidate.id, MatchKind::probable, score};
    const bool near_year = std::find(query.year_tokens.begin(), query.year_tokens.end(),
                                     candidate.year_token) != query.year_tokens.end();
    if (near_year && score >= probable_dice)
        return IndexMatch{candidate.id, MatchKind::probable, score};
    return std::nullopt;
}

const char* to_string(MatchKind kind) {
    return kind == MatchKind::exact ? "exact" : "probable";
}

std::string score_text(double score) {
    const double thousandths = std::floor(std::clamp(score, 0.0, 1.0) * 1000.0 + 1e-9);
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", thousandths / 1000.0);
    return text;
}

std::size_t RegistryIndex::HashOfToken::operator()(const ledger::Hash& hash) const {
    // Tokens are HMAC outputs: any 8 of their bytes are already uniform.
    std::size_t out = 0;
    std::memcpy(&out, hash.data(), sizeof out);
    return out;
}

void RegistryIndex::unlink(const IndexedRecord& record) {
    unlink_token(by_id_, record.id_token, record.id);
    unlink_token(by_phone_, record.phone_token, record.id);
    unlink_token(by_name_, record.name_token, record.id);
    if (const auto it = by_year_.find(record.year_token); it != by_year_.end()) {
        std::erase_if(it->second, [&](const YearEntry& e) { return e.id == record.id; });
        if (it->second.empty())
            by_year_.erase(it);
    }
}

void RegistryIndex::put(const IndexedRecord& record) {
    std::unique_lock lock(mutex_);
    if (const auto it = records_.find(record.id); it != records_.end())
        unlink(it->second);
    records_.insert_or_assign(record.id, record);
    link(by_id_, record.id_token, record.id);
    link(by_phone_, record.phone_token, record.id);
    link(by_name_, record.name_token, record.id);
    by_year_[record.year_token].push_back(
        {record.id, record.member, record.id_token.has_value(), record.clk});
}

void RegistryIndex::remove(std::int64_t id) {
    std::unique_lock lock(mutex_);
    const auto it = records_.find(id);
    if (it == records_.end())
        return;
    unlink(it->second);
    records_.erase(it);
}

std::vector<IndexMatch> RegistryIndex::find(const IndexQuery& query) const {
    std::shared_lock lock(mutex_);
    // The records sharing a token: match_pair decides each.
    std::vector<std::int64_t> by_token;
    gather(by_id_, query.id_token, by_token);
    gather(by_phone_, query.phone_token, by_token);
    gather(by_name_, query.name_token, by_token);
    std::sort(by_token.begin(), by_token.end());
    by_token.erase(std::unique(by_token.begin(), by_token.end()), by_token.end());
    std::vector<IndexMatch> out;
    for (const auto id : by_token) {
        const auto& record = records_.at(id);
        if (record.member == query.member)
            continue;
        if (auto found = match_pair(query, record))
            out.push_back(*found);
    }
    // The others born within a year: none shares a token with the query, so match_pair's
    // rule comes down to the id veto and the Dice threshold. A record is in one year's list
    // and the query's three years differ, so none is seen twice.
    for (const auto& year : query.year_tokens) {
        const auto it = by_year_.find(year);
        if (it == by_year_.end())
            continue;
        for (const auto& entry : it->second) {
            if (entry.member == query.member || (query.id_token && entry.has_id_token) ||
                std::binary_search(by_token.begin(), by_token.end(), entry.id))
                continue;
            const double score = dice(query.clk, entry.clk);
            if (score >= kProbableDice)
                out.push_back({entry.id, MatchKind::probable, score});
        }
    }
    std::sort(out.begin(), out.end(), [](const IndexMatch& a, const IndexMatch& b) {
        if (a.kind != b.kind)
            return a.kind == MatchKind::exact;
        if (a.score != b.score)
            return a.score > b.score;
        return a.record < b.record;
    });
    return out;
}

std::size_t RegistryIndex::size() const {
    std::shared_lock lock(mutex_);
    return records_.size();
}

}  // namespace riziki::api
