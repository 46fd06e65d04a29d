#pragma once
/// Shared pieces of handlers: JSON views of ledger objects, rejection answers, and the
/// idempotency protocol for money-moving POSTs (SPEC §7).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>

#include "api/router.hpp"
#include "db/journal_writer.hpp"
#include "db/verify.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

/// An amount as the API writes it: a decimal string with the currency's digits.
std::string amount_text(const ledger::Amount& minor, const std::string& currency);

nlohmann::json entry_json(const ledger::Entry& entry);

/// The response an idempotency key keeps for a written entry: 201 with the entry, and for
/// a repayment how it was applied. The writer renders it with the entry's seq and hash
/// (db::WriterOptions::render_response) and stores it in the entry's transaction.
db::StoredResponse render_entry(const ledger::Entry& entry, const ledger::Allocation& allocation);

/// {"ok","entries_checked","head_hash","checks":[{"name","ok","examined","detail",
/// "first_entry"?}]}, as GET /v1/audit/verify and `riziki verify --json` answer.
nlohmann::json verify_json(const db::VerifyReport& report);

/// The HTTP status a rule the user broke is answered with.
http::status status_for(ledger::Rejection reason);
Response rejection_problem(ledger::Rejection reason, const std::string& detail,
                           const RequestContext& context, const std::string& field = "");

/// The Idempotency-Key header, or the answer when it is missing (428) or malformed (400).
std::variant<std::string, Response> idempotency_key(const Call& call);

/// A money-moving POST: its Idempotency-Key and its JSON object body.
struct MoneyRequest {
    std::string key;
    nlohmann::json body;
};

/// Reads the key, then the body; or the answer for whichever is missing or malformed.
std::variant<MoneyRequest, Response> read_money_request(const Call& call);

/// Queues `draft` (or the money event `command`, planned by the writer) with an
/// idempotency claim on `key`, recorded by the caller, and answers: 201 with the rendered
/// entry (a repayment adds its `allocation`) the first time, the stored response with
/// Idempotent-Replayed: true on a replay, or a problem (rejected, or 409
/// idempotency_key_reused).
Response write_entry(db::JournalWriter& writer, const Call& call, const std::string& key,
                     const nlohmann::json& body, ledger::EntryDraft draft,
                     std::optional<ledger::Command> command = std::nullopt);

}  // namespace riziki::api
