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

std::optional<IndexMatch> match_pair(const IndexQuery& query, const IndexedRecord& candidate) {
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
    if (near_year && score >= kProbableDice)
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
    unlink_token(by_year_, std::optional(record.year_token), record.id);
}

void RegistryIndex::put(const IndexedRecord& record) {
    std::unique_lock lock(mutex_);
    if (const auto it = records_.find(record.id); it != records_.end())
        unlink(it->second);
    records_.insert_or_assign(record.id, record);
    link(by_id_, record.id_token, record.id);
    link(by_phone_, record.phone_token, record.id);
    link(by_name_, record.name_token, record.id);
    link(by_year_, std::optional(record.year_token), record.id);
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
    std::vector<std::int64_t> candidates;
    gather(by_id_, query.id_token, candidates);
    gather(by_phone_, query.phone_token, candidates);
    gather(by_name_, query.name_token, candidates);
    for (const auto& year : query.year_tokens)
        gather(by_year_, std::optional(year), candidates);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::vector<IndexMatch> out;
    for (const auto id : candidates) {
        const auto& record = records_.at(id);
        if (record.member == query.member)
            continue;
        if (auto found = match_pair(query, record))
            out.push_back(*found);
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
