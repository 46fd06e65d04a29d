#pragma once
/// Shared pieces of handlers: JSON views of ledger objects, rejection answers, and the
/// idempotency protocol (SPEC §7): required on money-moving POSTs, optional on those that
/// create a record.

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/router.hpp"
#include "db/journal_writer.hpp"
#include "db/verify.hpp"
#include "ledger/journal.hpp"

namespace riziki::api {

/// One page of a list (SPEC §13): `{"items":[view(row)…],"next":…}`, where `next` is
/// `cursor(last row)` when the page is full (there may be more) and null otherwise.
template <typename Row, typename View, typename Cursor>
Response json_page(const std::vector<Row>& rows, std::size_t limit, View view, Cursor cursor) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : rows)
        items.push_back(view(row));
    nlohmann::json next = nullptr;
    if (!rows.empty() && rows.size() == limit)
        next = cursor(rows.back());
    return json_response(http::status::ok, {{"items", std::move(items)}, {"next", next}});
}

/// An amount as the API writes it: a decimal string with the currency's digits.
std::string amount_text(const ledger::Amount& minor, const std::string& currency);

/// 200 with `body`, a file to save as `filename` (a report, an export).
Response document(std::string body, const char* content_type, const std::string& filename);

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

/// The Idempotency-Key header of a POST that creates a record, where it is optional:
/// nullopt when absent, the answer (400) when malformed as idempotency_key() says.
std::variant<std::optional<std::string>, Response> optional_idempotency_key(const Call& call);

/// The claim on `key` of `call` with `body`, as the actor calling. The request is
/// fingerprinted by `digest` (SHA-256 unless given: a body with PII needs a keyed one) over
/// the method, the target and the body as parsed, so key order and white space do not
/// matter and the same key with any other request is caught.
db::IdempotencyClaim idempotency_claim(
    const Call& call, const std::string& key, const nlohmann::json& body,
    const std::function<ledger::Hash(std::string_view)>& digest = nullptr);

/// The answer kept with an idempotency key, as first sent or (`replayed`) with
/// Idempotent-Replayed: true.
Response stored_answer(const db::StoredResponse& stored, bool replayed);

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
