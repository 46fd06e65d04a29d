#include "api/registry_member.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "api/pii_vault.hpp"
#include "api/registry_encoding.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

/// A new ref: 16 random bytes as unpadded base64url, 22 characters.
std::string fresh_ref() {
    std::array<unsigned char, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string text(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), kVariant);
    text.resize(std::char_traits<char>::length(text.c_str()));
    return text;
}

/// A text member of `object` matching `shape`, or HubRefused: the hub's answer is checked
/// as any input is before it is kept.
std::string hub_text(const nlohmann::json& object, const char* name, const std::regex& shape) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string() || !std::regex_match(it->get<std::string>(), shape))
        throw HubRefused(std::string("the hub's answer has no valid \"") + name + "\"", 502);
    return it->get<std::string>();
}

db::RegistryMatchRow match_from_json(const nlohmann::json& m) {
    static const std::regex kMatch("RM-[0-9a-f]{16}");
    static const std::regex kOrganisation(".{1,64}");
    static const std::regex kName(".{1,200}");
    static const std::regex kMonth("[0-9]{4}-(0[1-9]|1[0-2])");
    static const std::regex kSupport("none|grant|loan");
    static const std::regex kKind("exact|probable");
    static const std::regex kScore("(0\\.[0-9]{3}|1\\.000)");
    if (!m.is_object())
        throw HubRefused("the hub's answer has a match that is not an object", 502);
    db::RegistryMatchRow row;
    row.match = hub_text(m, "match", kMatch);
    row.organisation = hub_text(m, "organisation", kOrganisation);
    row.organisation_name = hub_text(m, "organisation_name", kName);
    row.since = hub_text(m, "since", kMonth);
    row.support = hub_text(m, "support", kSupport);
    row.kind = hub_text(m, "kind", kKind);
    row.score = hub_text(m, "score", kScore);
    return row;
}

/// The hub's JSON answer to a request it took (2xx); HubRefused for any other.
nlohmann::json answer_json(const HubAnswer& answer, const char* what) {
    if (answer.status == 401 || answer.status == 403)
        throw HubRefused(std::string("the hub refused this member's token (") + what + ")",
                         answer.status);
    if (answer.status == 429)
        throw HubRefused(std::string("the hub's rate limit was reached (") + what + "), retry in " +
                             std::to_string(answer.retry_after_s.value_or(60)) + " s",
                         answer.status);
    if (answer.status < 200 || answer.status > 299) {
        const auto body = nlohmann::json::parse(answer.body, nullptr, false);
        const std::string code =
            body.is_object() && body.contains("code") && body["code"].is_string()
                ? body["code"].get<std::string>()
                : "";
        throw HubRefused(std::string("the hub answered ") + std::to_string(answer.status) + " " +
                             code + " (" + what + ")",
                         answer.status);
    }
    auto json = nlohmann::json::parse(answer.body, nullptr, false);
    if (!json.is_object())
        throw HubRefused(std::string("the hub's answer is not a JSON object (") + what + ")", 502);
    return json;
}

const nlohmann::json& array_member(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_array())
        throw HubRefused(std::string("the hub's answer has no \"") + name + "\" array", 502);
    return *it;
}

constexpr std::size_t kCheckBatchMax = 500;

}  // namespace

nlohmann::json check_record_json(const RegistryEncoding& e, const std::string& ref,
                                 const std::string& month, const std::string& support) {
    const auto token = [](const std::optional<ledger::Hash>& t) {
        return t ? nlohmann::json(ledger::to_hex(*t)) : nlohmann::json(nullptr);
    };
    nlohmann::json years = nlohmann::json::array();
    for (const auto& year : e.year_tokens)
        years.push_back(ledger::to_hex(year));
    return {{"ref", ref},
            {"id_token", token(e.id_token)},
            {"phone_token", token(e.phone_token)},
            {"name_token", token(e.name_token)},
            {"year_tokens", years},
            {"clk", clk_text(e.clk)},
            {"month", month},
            {"support", support}};
}

std::optional<RegistrySettings> registry_settings(const Config& config) {
    if (config.hub_url.empty())
        return std::nullopt;
    RegistrySettings settings;
    settings.hub = {config.hub_url, config.hub_token, config.hub_ca_file, config.hub_timeout};
    settings.key_file = config.consortium_key_file;
    settings.retry_every = config.hub_retry;
    return settings;
}

RegistryMember::RegistryMember(const RegistrySettings& settings, db::Pool& pool,
                               const PiiVault& vault)
    : settings_(settings),
      key_(ConsortiumKey::read(settings.key_file)),
      client_(settings.hub),
      store_(pool),
      pool_(&pool),
      vault_(&vault) {}

RegistryMember::~RegistryMember() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

RegistryProgress RegistryMember::send(const std::vector<db::RegistryPending>& pending) {
    RegistryProgress progress;
    if (pending.empty())
        return progress;
    db::Programme programme(*pool_);
    std::vector<std::string> codes;
    for (const auto& p : pending)
        codes.push_back(p.survivor);
    const auto vault_rows = programme.survivor_pii(codes);
    std::vector<db::RegistryPending> ready;
    std::vector<Pii> identities;
    for (const auto& p : pending) {
        const auto sealed = vault_rows.find(p.survivor);
        auto pii =
            sealed == vault_rows.end() ? std::nullopt : vault_->unseal(p.survivor, sealed->second);
        if (!pii)
            continue;  // erased since, or not this key's: nothing to encode
        ready.push_back(p);
        identities.push_back(std::move(*pii));
    }
    // Refs for those sent for the first time, all in one statement.
    std::vector<std::string> survivors, fresh;
    for (const auto& p : ready) {
        survivors.push_back(p.survivor);
        fresh.push_back(fresh_ref());
    }
    const auto refs =
        survivors.empty() ? std::vector<std::string>{} : store_.refs(survivors, key_.id(), fresh);
    nlohmann::json records = nlohmann::json::array();
    std::vector<db::RegistrySent> sent;
    for (std::size_t i = 0; i < ready.size(); ++i) {
        auto& p = ready[i];
        p.ref = refs.at(i);
        const auto& pii = identities[i];
        const auto encoding =
            encode(key_, {pii.full_name, pii.phone, pii.national_id, p.birth_year});
        records.push_back(check_record_json(encoding, p.ref, p.month, p.support));
        sent.push_back({p.ref, p.support});
    }
    if (sent.empty())
        return progress;
    const auto body = nlohmann::json{{"records", records}}.dump();
    const auto answer = answer_json(client_.call("POST", "/hub/v1/check", body), "check");
    std::vector<std::pair<std::string, db::RegistryMatchRow>> matches;
    for (const auto& result : array_member(answer, "results")) {
        static const std::regex kRef("[A-Za-z0-9_-]{22}");
        if (!result.is_object())
            throw HubRefused("the hub's answer has a result that is not an object", 502);
        const auto ref = hub_text(result, "ref", kRef);
        for (const auto& m : array_member(result, "matches"))
            matches.emplace_back(ref, match_from_json(m));
    }
    store_.record(sent, matches);
    progress.sent = sent.size();
    progress.matches = matches.size();
    return progress;
}

RegistryCheck RegistryMember::check(const std::string& survivor) {
    RegistryCheck outcome;
    std::lock_guard exchange(send_mutex_);
    try {
        const auto pending = store_.pending(key_.id(), "", 1, survivor);
        send(pending);
        outcome.sent = true;
    } catch (const std::exception& error) {
        // The hub, or keeping its answer: the survivor is enrolled either way, and waits.
        spdlog::warn("registry: check of an enrolment queued: {}", error.what());
    }
    outcome.matches = store_.matches(survivor);
    return outcome;
}

RegistryProgress RegistryMember::send_waiting(std::size_t batch, std::size_t limit) {
    batch = std::clamp<std::size_t>(batch, 1, kCheckBatchMax);
    RegistryProgress total;
    std::string after;
    while (total.sent < limit) {
        std::lock_guard exchange(send_mutex_);
        const auto pending = store_.pending(key_.id(), after, std::min(batch, limit - total.sent));
        if (pending.empty())
            break;
        after = pending.back().survivor;
        const auto progress = send(pending);
        total.sent += progress.sent;
        total.matches += progress.matches;
    }
    total.waiting = store_.waiting(key_.id());
    return total;
}

std::size_t RegistryMember::fetch_matches() {
    std::lock_guard exchange(send_mutex_);
    const auto answer = answer_json(client_.call("GET", "/hub/v1/matches"), "matches");
    std::vector<std::pair<std::string, db::RegistryMatchRow>> matches;
    static const std::regex kRef("[A-Za-z0-9_-]{22}");
    for (const auto& m : array_member(answer, "matches")) {
        auto row = match_from_json(m);
        matches.emplace_back(hub_text(m, "ref", kRef), std::move(row));
    }
    store_.record({}, matches);
    return matches.size();
}

std::size_t RegistryMember::send_activity(const ledger::Period& month) {
    std::lock_guard exchange(send_mutex_);
    using namespace std::chrono;
    const ledger::Date first{year(month.year), std::chrono::month(month.month), day(1)};
    const ledger::Date last =
        ledger::date_from_days(ledger::days_since_epoch(ledger::add_months(first, 1)) - 1);
    const auto rows =
        store_.supported(key_.id(), ledger::format_date(first), ledger::format_date(last));
    nlohmann::json records = nlohmann::json::array();
    for (const auto& row : rows)
        records.push_back({{"ref", row.ref}, {"support", row.support}});
    const auto body = nlohmann::json{{"records", records}}.dump();
    answer_json(client_.call("PUT", "/hub/v1/activity/" + ledger::format_period(month), body),
                "activity");
    return rows.size();
}

std::size_t RegistryMember::withdraw_erased() {
    std::lock_guard exchange(send_mutex_);
    std::size_t withdrawn = 0;
    for (const auto& ref : store_.to_withdraw(kCheckBatchMax)) {
        const auto answer = client_.call("DELETE", "/hub/v1/records/" + ref);
        // 404: the hub never had it, or removed it already (a member removal): withdrawn.
        if (answer.status != 204 && answer.status != 404)
            answer_json(answer, "withdraw");
        store_.withdrawn(ref);
        ++withdrawn;
    }
    return withdrawn;
}

void RegistryMember::withdraw_erased_quietly() {
    try {
        withdraw_erased();
    } catch (const std::exception& error) {
        spdlog::warn("registry: an erased survivor's record waits to be withdrawn: {}",
                     error.what());
    }
}

void RegistryMember::start_worker() {
    worker_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                withdraw_erased();
                const auto progress = send_waiting(kCheckBatchMax, kCheckBatchMax * 20);
                fetch_matches();
                if (progress.sent > 0)
                    spdlog::info("registry: sent {} waiting survivors, {} matches; {} waiting",
                                 progress.sent, progress.matches, progress.waiting);
            } catch (const std::exception& error) {
                spdlog::warn("registry: the queue is kept for the next try: {}", error.what());
            }
            lock.lock();
            wake_.wait_for(lock, settings_.retry_every, [this] { return stopping_; });
        }
    });
}

}  // namespace riziki::api
