// POST /v1/mpesa/b2c/result/{secret} (SPEC §15, issue 20 item 5): Safaricom's result of a
// B2C payment, the ResultURL Riziki gives it (`riziki mpesa callback-url`). No token: the
// path's secret stands in for one, compared through its SHA-256 in constant time, and any
// other secret gets the answer any unknown path gets. docs/api.md says what each result does.
//
// In order: the secret (404), the body (413, 400 or 422: reports/mpesa_b2c.hpp), a result
// already stored under its ConversationID (200, nothing changes), the disbursement it names,
// what to do with it (db::B2cOutcome), the reversal of a failed payment through the journal
// writer, and the result's row with its audit line. Safaricom is answered
// {"ResultCode":0,"ResultDesc":"Accepted"} whatever Riziki made of a readable result, or it
// would send it again and again.

#include <sodium.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/auth.hpp"
#include "api/handlers.hpp"
#include "api/mpesa_callback.hpp"
#include "api/problem.hpp"
#include "db/hash.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/mpesa_b2c.hpp"
#include "reports/mpesa_b2c.hpp"

namespace riziki::api {

namespace {

/// Who records what a callback does: Safaricom, through the callback, not a person.
constexpr const char* kActor = "mpesa:b2c";

Response not_found(const Call& call) {
    return problem(http::status::not_found, "not_found", "No such route.", call.context);
}

Response accepted() {
    return json_response(http::status::ok, {{"ResultCode", 0}, {"ResultDesc", "Accepted"}});
}

bool secret_matches(const Services& s, const std::string& secret) {
    // The form is no secret (kCallbackSecretChars lower-case hex digits): another costs no
    // query.
    const bool hex = std::all_of(secret.begin(), secret.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (secret.size() != kCallbackSecretChars || !hex)
        return false;
    const auto stored = s.mpesa_b2c->callback_secret_digest();
    if (!stored)
        return false;
    const auto given = callback_secret_digest(secret);
    return sodium_memcmp(given.data(), stored->data(), given.size()) == 0;
}

Response refusal(const reports::B2cError& error, const Call& call) {
    if (error.reason == "body_too_large") {
        return problem(
            http::status::payload_too_large, "payload_too_large",
            "A B2C result is at most " + std::to_string(reports::kB2cBodyBytesMax / 1024) + " KiB.",
            call.context);
    }
    if (error.field.empty()) {  // malformed_json, json_too_deep, duplicate_key
        return problem(http::status::bad_request, error.reason,
                       "The body is not the JSON of a B2C result.", call.context);
    }
    return problem(http::status::unprocessable_entity, "invalid_b2c_result",
                   "The body is not a B2C result Riziki can read.", call.context,
                   {{error.field, error.reason, "See docs/api.md, M-Pesa B2C results."}});
}

db::B2cResultRow row_of(const reports::B2cResult& r) {
    db::B2cResultRow row;
    row.conversation_id = r.conversation_id;
    row.originator_conversation_id = r.originator_conversation_id;
    row.result_code = r.result_code;
    row.result_desc = r.result_desc;
    row.transaction_id = r.transaction_id;
    row.receipt = r.receipt;
    row.amount = r.amount;
    row.completed_at = reports::to_text(r.completed);
    return row;
}

/// The idempotency claim of the reversal of `disbursement` for the failure `conversation_id`:
/// a result sent twice at once reverses once, and the second finds the first's entry.
db::IdempotencyClaim reversal_claim(const std::string& conversation_id, std::int64_t disbursement) {
    const std::string request =
        "mpesa.b2c.reversal\n" + conversation_id + "\n" + std::to_string(disbursement);
    return {kActor, "mpesa-b2c:" + conversation_id, db::sha256(request)};
}

/// Reverses the failed payment's disbursement through the journal writer, dated the day
/// the result came (Nairobi's), or the disbursement's own day when that is later. Sets the
/// row's outcome and reversal: reversed, already_reversed (by another entry), or
/// reversal_refused, whose rule it returns (e.g. period_closed).
std::string reverse(const Services& s, const Call& call, const reports::B2cResult& r,
                    const db::B2cDisbursement& disbursement, db::B2cResultRow& row) {
    const auto original = s.journal->entry(disbursement.entry);
    if (!original)
        throw std::runtime_error("the disbursement a B2C result names is not in the journal");
    const auto on = std::max(s.today(), original->draft.effective_on);
    auto draft = ledger::reversal_of(
        *original, on, "M-Pesa B2C failed: result code " + std::to_string(r.result_code), kActor);
    const auto written =
        s.writer->write({std::move(draft), reversal_claim(r.conversation_id, disbursement.entry),
                         std::nullopt, call.context.request_id});
    using Kind = db::WriteOutcome::Kind;
    if (written.kind == Kind::rejected &&
        written.check.reason == ledger::Rejection::already_reversed) {
        row.outcome = db::B2cOutcome::already_reversed;  // by someone else: by hand
        return "";
    }
    if (written.kind == Kind::rejected) {
        row.outcome = db::B2cOutcome::reversal_refused;
        return std::string(ledger::to_string(written.check.reason));
    }
    row.outcome = db::B2cOutcome::reversed;
    row.reversal = written.kind == Kind::committed
                       ? written.entry.seq
                       : nlohmann::json::parse(written.response.body).at("seq").get<std::int64_t>();
    return "";
}

/// What the result means for the disbursement it names (migration 0027 lists the outcomes).
std::string settle(const Services& s, const Call& call, const reports::B2cResult& r,
                   const db::B2cDisbursement& disbursement, db::B2cResultRow& row) {
    row.disbursement = disbursement.entry;
    // A failure goes to the writer even when the disbursement looks reversed: the reversal
    // may be this result's own, made by the same result sent at once, which the writer's
    // idempotency claim gives back; any other reversal it refuses (already_reversed).
    if (!r.succeeded())
        return reverse(s, call, r, disbursement, row);
    if (disbursement.reversed_by) {
        row.outcome = db::B2cOutcome::already_reversed;
        return "";
    }
    const bool same = disbursement.currency == "KES" && r.amount == disbursement.amount;
    row.outcome = same ? db::B2cOutcome::confirmed : db::B2cOutcome::amount_differs;
    return "";
}

/// The audit line: ids, codes and seqs only (the result holds no PII, and ResultDesc is
/// Safaricom's free text, so it is left out).
db::AuditEvent audit_event(const Call& call, const db::B2cResultRow& row,
                           const std::optional<db::B2cDisbursement>& disbursement,
                           const std::string& refused) {
    std::string detail = "outcome=" + std::string(db::to_string(row.outcome)) +
                         " result_code=" + std::to_string(row.result_code) +
                         " conversation=" + row.conversation_id;
    if (row.receipt)
        detail += " receipt=" + *row.receipt;
    if (row.disbursement)
        detail += " entry=" + std::to_string(*row.disbursement);
    if (row.reversal)
        detail += " reversal=" + std::to_string(*row.reversal);
    if (!refused.empty())
        detail += " refused=" + refused;
    std::string subject = row.conversation_id;
    if (disbursement)
        subject = disbursement->award.empty() ? "entry:" + std::to_string(disbursement->entry)
                                              : disbursement->award;
    return {kActor, call.context.request_id, "mpesa.disbursement_result", subject, detail};
}

Response b2c_result(const Services& s, Call& call) {
    if (!secret_matches(s, call.params[0]))
        return not_found(call);
    const auto read = reports::read_b2c_result(call.request.body());
    if (const auto* error = std::get_if<reports::B2cError>(&read))
        return refusal(*error, call);
    const auto& result = std::get<reports::B2cResult>(read);
    // Safaricom sends a result again until it is acknowledged: the first one stands.
    if (s.mpesa_b2c->result(result.conversation_id))
        return accepted();
    std::vector<std::string> references{result.originator_conversation_id, result.conversation_id};
    if (result.transaction_id)
        references.push_back(*result.transaction_id);
    const auto disbursement = s.mpesa_b2c->find_disbursement(references);
    auto row = row_of(result);
    std::string refused;
    if (disbursement)
        refused = settle(s, call, result, *disbursement, row);
    // A result stored meanwhile by the same result sent at once wins; its reversal, if any,
    // is this one's (the writer's idempotency claim), so nothing is lost.
    s.mpesa_b2c->record(row, audit_event(call, row, disbursement, refused));
    return accepted();
}

}  // namespace

ledger::Hash callback_secret_digest(std::string_view secret) {
    return db::sha256(secret);
}

std::string new_callback_secret() {
    return random_hex(kCallbackSecretChars);
}

void add_mpesa_b2c_routes(Router& router, const Services& services) {
    router.add({http::verb::post, std::string(kCallbackPathPrefix) + "{secret}", kPublic,
                bind_handler(services, b2c_result), true});
}

}  // namespace riziki::api
