// POST /v1/survivors/{code}/erase (docs/privacy.md): an admin erases a survivor's identity.
// The body is {"reason": one of kErasureReasons}; the answer is the erasure, which names the
// pseudonym and never the person. An Idempotency-Key is honoured as on the creates: a retry
// under it gets the first answer, where a second erasure without one is 410 pii_erased.

#include "api/erasure.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/registry_member.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

nlohmann::json erasure_json(const db::PiiErasure& erasure) {
    return {{"survivor", erasure.survivor},
            {"reason", erasure.reason},
            {"erased_by", erasure.erased_by},
            {"pii_erased_at", ledger::format_timestamp_us(erasure.erased_at_us)}};
}

std::optional<std::string> read_reason(FieldReader& reader) {
    reader.only({"reason"});
    return reader.required_choice("reason", kErasureReasons);
}

Response erase_survivor(const Services& s, Call& call) {
    auto read = read_create<std::string>(call, read_reason);
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [reason, key] = std::get<CreateRequest<std::string>>(read);
    db::PiiErasure erasure{call.params[0], reason, call.principal->actor()};
    auto* once = key.claim([&] { return erasure_json(erasure); });
    // The audit line (survivor.erase, the pseudonym, reason=<code>) is written by the
    // database in the erasure's own transaction: there is no erasure without it.
    const auto rule = s.programme->erase_survivor_pii(erasure, call.context.request_id, once);
    if (auto answer = key.spent(rule, call))
        return std::move(*answer);
    if (rule == Rejection::survivor_not_found) {
        return problem(http::status::not_found, "not_found", "No survivor has this code.",
                       call.context);
    }
    if (rule == Rejection::pii_erased)
        return refused(rule, call, "This survivor's identity was erased already.");
    // The consortium's hub forgets them too: now when it answers, else by the next retry.
    if (s.registry != nullptr)
        s.registry->withdraw_erased_quietly();
    return created(erasure_json(erasure));
}

}  // namespace

void add_erasure_routes(Router& router, const Services& s) {
    router.add(
        {http::verb::post, "/v1/survivors/{code}/erase", kAdmin, bind_handler(s, erase_survivor)});
}

}  // namespace riziki::api
