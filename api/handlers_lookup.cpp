// POST /v1/survivors/lookup (SPEC §13): which survivor, if any, has this phone or national
// id, found through the blind index under every key of the ring (a rotation under way keeps
// both), without opening a vault row. Field and admin only; rate-limited per credential with
// enrolment (both answer "is this person enrolled here?"); every lookup is audited, never
// with the identifier. The answer names codes only.

#include "api/pii_vault.hpp"
#include "api/problem.hpp"
#include "api/rate_limit.hpp"
#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/list_reads.hpp"

namespace riziki::api {

namespace {

/// The identifier to look up: exactly one of `phone` and `national_id`, valid.
std::optional<Pii> read_lookup(FieldReader& reader) {
    reader.only({"phone", "national_id"});
    const auto phone = reader.text("phone", false, kPiiBytesMax);
    const auto national_id = reader.text("national_id", false, kPiiBytesMax);
    if (reader.ok() && phone.has_value() == national_id.has_value()) {
        reader.error("phone", "exactly_one_identifier",
                     "Give exactly one of phone and national_id.");
    }
    if (phone && normalise_phone(*phone).size() < 7)
        reader.error("phone", "invalid_phone", "Expected a phone number.");
    if (national_id && normalise_national_id(*national_id).empty())
        reader.error("national_id", "invalid_text", "Expected an identity number.");
    if (!reader.ok())
        return std::nullopt;
    return Pii{"", phone.value_or(""), national_id.value_or("")};
}

Response lookup_survivor(const Services& s, Call& call) {
    if (auto limited = identity_rate_problem(s, call, "survivor.lookup_refused"))
        return std::move(*limited);
    auto body = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&body))
        return std::move(*answer);
    std::vector<FieldError> errors;
    FieldReader reader(std::get<nlohmann::json>(body), "", errors);
    const auto pii = read_lookup(reader);
    if (!pii)
        return validation_problem(errors, call.context);
    const auto codes = s.lists->survivors_by_index(s.vault->blind_indexes(*pii));
    std::string subject;
    nlohmann::json matches = nlohmann::json::array();
    for (const auto& code : codes) {
        subject += (subject.empty() ? "" : ",") + code;
        matches.push_back({{"code", code}});
    }
    // Logged before the answer leaves: a lookup that fails to log is not answered.
    audit(s, call, "survivor.lookup", subject,
          std::string("by ") + (pii->phone.empty() ? "national_id" : "phone") + ": " +
              std::to_string(codes.size()) + " found");
    return json_response(http::status::ok, {{"matches", matches}});
}

}  // namespace

std::optional<Response> identity_rate_problem(const Services& s, const Call& call,
                                              const std::string& action) {
    const auto decision = s.identity_limiter->take(call.principal->actor());
    if (decision.allowed)
        return std::nullopt;
    if (decision.first_refusal)
        audit(s, call, action, "", "rate_limited");
    auto answer = problem(http::status::too_many_requests, "too_many_requests",
                          "Too many enrolments or lookups from this credential; try again later.",
                          call.context);
    answer.set(http::field::retry_after, std::to_string(decision.retry_after.count()));
    return answer;
}

void add_lookup_route(Router& router, const Services& s) {
    router.add(
        {http::verb::post, "/v1/survivors/lookup", kPiiReaders, bind_handler(s, lookup_survivor)});
}

}  // namespace riziki::api
