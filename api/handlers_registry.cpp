// The consortium registry on a member's API (SPEC §16, docs/registry.md): the `registry`
// member of POST /v1/survivors and GET /v1/survivors/{code}, and the acknowledgement
// POST /v1/awards needs for a survivor another organisation supports.

#include <regex>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/problem.hpp"
#include "api/registry_member.hpp"
#include "db/registry_store.hpp"
#include "ledger/date.hpp"

namespace riziki::api {

namespace {

nlohmann::json match_json(const db::RegistryMatchRow& m) {
    return {{"match", m.match},
            {"organisation", m.organisation},
            {"organisation_name", m.organisation_name},
            {"since", m.since},
            {"support", m.support},
            {"kind", m.kind},
            {"score", m.score},
            {"found_at", ledger::format_timestamp_us(m.found_at_us)},
            {"acknowledged_by", m.acknowledged_by.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(m.acknowledged_by)},
            {"acknowledged_at",
             m.acknowledged_by.empty()
                 ? nlohmann::json(nullptr)
                 : nlohmann::json(ledger::format_timestamp_us(m.acknowledged_at_us))}};
}

nlohmann::json matches_json(const std::vector<db::RegistryMatchRow>& matches) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : matches)
        items.push_back(match_json(m));
    return items;
}

}  // namespace

nlohmann::json registry_json(const Services& s, const std::string& survivor,
                             const std::optional<RegistryCheck>& check) {
    const auto matches = check ? check->matches : s.registry_store->matches(survivor);
    std::string status = "off";
    if (check)
        status = check->sent ? "checked" : "queued";
    else if (s.registry != nullptr)
        status = s.registry_store->sent(survivor, s.registry->key_id()) ? "checked" : "queued";
    return {{"status", status}, {"matches", matches_json(matches)}};
}

std::vector<std::string> read_acknowledged_matches(FieldReader& reader) {
    std::vector<std::string> out;
    if (!reader.has("registry_acknowledged"))
        return out;
    const auto* items = reader.array("registry_acknowledged", 100);
    if (items == nullptr)
        return out;
    static const std::regex kMatch("RM-[0-9a-f]{16}");
    for (std::size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        if (!item.is_string() || !std::regex_match(item.get<std::string>(), kMatch)) {
            reader.error(reader.path("registry_acknowledged") + "[" + std::to_string(i) + "]",
                         "invalid_match", "Expected a match id, RM- and 16 hex digits.");
            continue;
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::optional<Response> unknown_match_problem(const Services& s, const Call& call,
                                              const std::string& survivor,
                                              const std::vector<std::string>& acknowledged) {
    if (acknowledged.empty())
        return std::nullopt;
    const auto matches = s.registry_store->matches(survivor);
    for (const auto& id : acknowledged) {
        const bool known = std::any_of(matches.begin(), matches.end(),
                                       [&](const auto& m) { return m.match == id; });
        if (!known) {
            return validation_problem({{"registry_acknowledged", "unknown_match",
                                        "No registry match of this survivor has this id."}},
                                      call.context);
        }
    }
    return std::nullopt;
}

Response unacknowledged_matches_problem(const Services& s, const Call& call,
                                        const std::string& survivor,
                                        const std::vector<std::string>& acknowledged) {
    std::vector<db::RegistryMatchRow> open;
    for (const auto& m : s.registry_store->matches(survivor)) {
        if (m.acknowledged_by.empty() &&
            std::find(acknowledged.begin(), acknowledged.end(), m.match) == acknowledged.end())
            open.push_back(m);
    }
    return problem(http::status::conflict, "registry_match_unacknowledged",
                   "Another organisation of the consortium may support this survivor: "
                   "acknowledge each match (registry_acknowledged) to make the award.",
                   call.context, {}, {{"matches", matches_json(open)}});
}

}  // namespace riziki::api
