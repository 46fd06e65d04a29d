// Survivors (SPEC §5, §8): POST /v1/survivors enrols one under a random pseudonym with their
// PII sealed; GET /v1/survivors/{code} reads the record, and the PII when asked and allowed.

#include "api/fresh_code.hpp"
#include "api/pii_vault.hpp"
#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/registry_member.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"
#include "ledger/program.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

/// A survivor to enrol (its code is drawn when it is stored) and their PII.
struct Enrolment {
    db::SurvivorRecord survivor;
    Pii pii;
};

struct Consent {
    std::optional<bool> donor_reporting;
    std::optional<bool> follow_up;
};

Consent read_consent(FieldReader& reader) {
    Consent consent;
    if (const auto* object = reader.object("consent", true)) {
        FieldReader c(*object, "consent.", reader.errors());
        c.only({"donor_reporting", "follow_up"});
        consent.donor_reporting = c.boolean("donor_reporting", true, false);
        consent.follow_up = c.boolean("follow_up", false, false);
    }
    return consent;
}

Pii read_pii(FieldReader& reader) {
    Pii pii;
    if (const auto* object = reader.object("pii", true)) {
        FieldReader p(*object, "pii.", reader.errors());
        p.only({"full_name", "phone", "national_id"});
        const auto name = p.text("full_name", true, kPiiBytesMax);
        const auto phone = p.text("phone", false, kPiiBytesMax);
        const auto national_id = p.text("national_id", false, kPiiBytesMax);
        pii = {name.value_or(""), phone.value_or(""), national_id.value_or("")};
        if (phone && normalise_phone(*phone).size() < 7)
            p.error("pii.phone", "invalid_phone", "Expected a phone number.");
        if (national_id && normalise_national_id(*national_id).empty())
            p.error("pii.national_id", "invalid_text", "Expected an identity number.");
    }
    return pii;
}

std::optional<Enrolment> read_enrolment(FieldReader& reader, const ledger::Date& today) {
    reader.only({"cohort", "gender", "birth_year", "county", "enrolled_on", "consent", "pii"});
    const auto cohort = reader.code("cohort");
    const auto gender = reader.required_choice("gender", ledger::kGenders);
    const auto birth_year = reader.integer("birth_year", true, 1900, 2100, 0);
    const auto county = reader.text("county", true, kCountyBytesMax);
    const auto enrolled_on = reader.date("enrolled_on", true);
    const auto consent = read_consent(reader);
    auto pii = read_pii(reader);
    if (enrolled_on && *enrolled_on > today)
        reader.error("enrolled_on", "invalid_date", "Enrolment cannot be in the future.");
    if (!reader.ok())
        return std::nullopt;
    Enrolment enrolment{{}, std::move(pii)};
    auto& survivor = enrolment.survivor;
    survivor.cohort = *cohort;
    survivor.gender = *gender;
    survivor.birth_year = *birth_year;
    survivor.county = *county;
    survivor.enrolled_on = *enrolled_on;
    survivor.consent_donor_reporting = *consent.donor_reporting;
    survivor.consent_follow_up = *consent.follow_up;
    return enrolment;
}

/// A replayed enrolment's answer with the survivor's registry state now (the kept answer is
/// the record alone, made before the hub was asked).
Response with_registry(const Services& s, Response answer) {
    if (answer.result() != http::status::created)
        return answer;
    auto body = nlohmann::json::parse(answer.body(), nullptr, false);
    if (!body.is_object() || !body.contains("code") || !body["code"].is_string())
        return answer;
    body["registry"] = registry_json(s, body["code"].get<std::string>(), std::nullopt);
    answer.body() = body.dump();
    answer.prepare_payload();
    return answer;
}

Response enrol_survivor(const Services& s, Call& call) {
    // The body holds PII, so the fingerprint an Idempotency-Key keeps is keyed with the
    // vault's key: a database dump must not let anyone confirm a guessed name or phone.
    auto read = read_create<Enrolment>(
        call, [&](FieldReader& reader) { return read_enrolment(reader, s.today()); },
        [&](std::string_view request) { return s.vault->request_digest(request); });
    if (auto* answer = std::get_if<Response>(&read))
        return std::move(*answer);
    auto& [enrolment, key] = std::get<CreateRequest<Enrolment>>(read);
    auto& survivor = enrolment.survivor;
    survivor.recorded_by = call.principal->actor();
    survivor.record_key = random_record_key();
    const auto indexes = s.vault->blind_indexes(enrolment.pii);
    // What the first answer was and a replay gets: the pseudonymous record, never the PII.
    auto* once = key.claim([&] { return survivor_json(survivor); });
    const auto rule = insert_with_fresh_code("SV-", "survivor code", [&](const std::string& code) {
        survivor.code = code;
        return s.programme->enrol_survivor(survivor, s.vault->seal(code, enrolment.pii), indexes,
                                           once);
    });
    if (auto answer = key.spent(rule, call))
        return with_registry(s, std::move(*answer));
    if (rule == Rejection::cohort_not_found)
        return refused(rule, call, "No cohort has this code.", "cohort");
    if (rule == Rejection::survivor_already_enrolled) {
        audit(s, call, "survivor.duplicate_refused", "", "blind index matched");
        return refused(rule, call, "A survivor with this phone or national id is enrolled already.",
                       "pii");
    }
    audit(s, call, "survivor.enrol", survivor.code);
    // The consortium registry is asked once the survivor is enrolled: an enrolment never
    // waits on, or fails with, the hub (SPEC §16); what could not be sent is queued.
    std::optional<RegistryCheck> check;
    if (s.registry != nullptr)
        check = s.registry->check(survivor.code);
    auto json = survivor_json(survivor);
    json["registry"] = registry_json(s, survivor.code, check);
    return created(json);
}

/// Every enrolment attempt is audited (issue 18: a refusal says whether someone is enrolled
/// here): the enrolment (`survivor.enrol`), a duplicate (`survivor.duplicate_refused`),
/// any other refusal but a spent Idempotency-Key (`survivor.enrol_refused` with its problem
/// code), and of a run of
/// rate-limited attempts the first (`rate_limited`), so a flood adds one line, not one each.
Response enrol_survivor_audited(const Services& s, Call& call) {
    if (auto limited = identity_rate_problem(s, call, "survivor.enrol_refused"))
        return std::move(*limited);
    auto answer = enrol_survivor(s, call);
    if (answer.result_int() >= 400) {
        const auto body = nlohmann::json::parse(answer.body(), nullptr, false);
        const std::string code = body.is_object() ? body.value("code", "") : "";
        // A duplicate is logged with its own action above; another request under a spent
        // Idempotency-Key is refused before anyone is compared and, as for every create,
        // writes nothing.
        if (code != "survivor_already_enrolled" && code != "idempotency_key_reused")
            audit(s, call, "survivor.enrol_refused", "", code);
    }
    return answer;
}

nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

/// Adds the survivor's PII to `json`, logged before it is opened: a read that fails to log
/// is not served. Answers 410 pii_erased when the identity was erased (the attempt is
/// logged, nothing is opened), 409 pii_unavailable when this server's key cannot open it.
std::optional<Response> add_pii(const Services& s, const Call& call, const std::string& code,
                                bool erased, nlohmann::json& json) {
    audit(s, call, "survivor.pii_read", code);
    const auto sealed = erased ? std::nullopt : s.programme->survivor_pii(code);
    // Erased between the two reads: the vault row is gone and the erasure is there.
    if (!sealed && (erased || s.programme->pii_erasure(code)))
        return refused(Rejection::pii_erased, call, "This survivor's identity was erased.");
    const auto pii = sealed ? s.vault->unseal(code, *sealed) : std::nullopt;
    if (!pii) {
        return problem(http::status::conflict, "pii_unavailable",
                       "The PII of this survivor cannot be opened with this server's key.",
                       call.context);
    }
    json["pii"] = {{"full_name", pii->full_name},
                   {"phone", text_or_null(pii->phone)},
                   {"national_id", text_or_null(pii->national_id)}};
    return std::nullopt;
}

Response get_survivor(const Services& s, Call& call) {
    QueryReader query(call);
    const auto include = query.choice("include", {"", "pii"});
    if (auto bad = query.problem_if_any())
        return *bad;
    const bool with_pii = include == "pii";
    if (with_pii && !kPiiReaders.contains(call.principal->role)) {
        return problem(http::status::forbidden, "forbidden",
                       "Only field and admin tokens may read a survivor's PII.", call.context);
    }
    const auto survivor = s.programme->survivor(call.params[0]);
    if (!survivor) {
        return problem(http::status::not_found, "not_found", "No survivor has this code.",
                       call.context);
    }
    auto json = survivor_json(*survivor);
    const auto erasure = s.programme->pii_erasure(survivor->code);
    json["pii_erased_at"] = erasure
                                ? nlohmann::json(ledger::format_timestamp_us(erasure->erased_at_us))
                                : nlohmann::json(nullptr);
    json["registry"] = registry_json(s, survivor->code, std::nullopt);
    if (with_pii) {
        if (auto answer = add_pii(s, call, survivor->code, erasure.has_value(), json))
            return std::move(*answer);
    }
    return json_response(http::status::ok, json);
}

}  // namespace

nlohmann::json survivor_json(const db::SurvivorRecord& s) {
    return {{"code", s.code},
            {"cohort", s.cohort},
            {"gender", s.gender},
            {"birth_year", s.birth_year},
            {"county", s.county},
            {"enrolled_on", ledger::format_date(s.enrolled_on)},
            {"consent",
             {{"donor_reporting", s.consent_donor_reporting}, {"follow_up", s.consent_follow_up}}}};
}

void add_survivor_routes(Router& router, const Services& s) {
    router.add(
        {http::verb::post, "/v1/survivors", kEnrolers, bind_handler(s, enrol_survivor_audited)});
    router.add(
        {http::verb::get, "/v1/survivors/{code}", kSurvivorReaders, bind_handler(s, get_survivor)});
}

}  // namespace riziki::api
