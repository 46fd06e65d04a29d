#include "api/respond.hpp"

#include <stdexcept>

#include "api/body.hpp"
#include "api/problem.hpp"
#include "db/hash.hpp"

namespace riziki::api {

namespace {

constexpr std::size_t kIdempotencyKeyBytesMax = 255;

nlohmann::json nullable(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

}  // namespace

db::StoredResponse render_entry(const ledger::Entry& entry, const ledger::Allocation& allocation) {
    auto json = entry_json(entry);
    if (entry.draft.event == ledger::Event::repayment && !entry.draft.postings.empty()) {
        const auto& currency = entry.draft.postings.front().currency;
        nlohmann::json lines = nlohmann::json::array();
        for (const auto& line : allocation.lines) {
            lines.push_back({{"n", line.number},
                             {"interest", amount_text(line.interest, currency)},
                             {"principal", amount_text(line.principal, currency)}});
        }
        json["allocation"] = {{"interest", amount_text(allocation.interest, currency)},
                              {"principal", amount_text(allocation.principal, currency)},
                              {"overpayment", amount_text(allocation.overpayment, currency)},
                              {"installments", lines}};
    }
    return {201, json.dump()};
}

std::string amount_text(const ledger::Amount& minor, const std::string& currency) {
    const auto found = ledger::find_currency(currency);
    if (!found)
        throw std::runtime_error("stored currency is not in the currency table");
    return ledger::format_amount(minor, *found);
}

Response document(std::string body, const char* content_type, const std::string& filename) {
    Response response{http::status::ok, 11};
    response.set(http::field::content_type, content_type);
    response.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    response.body() = std::move(body);
    return response;
}

nlohmann::json entry_json(const ledger::Entry& entry) {
    const auto& d = entry.draft;
    nlohmann::json postings = nlohmann::json::array();
    for (const auto& p : d.postings) {
        postings.push_back({{"account", p.account},
                            {"fund", p.fund},
                            {"currency", p.currency},
                            {"amount", amount_text(p.amount, p.currency)},
                            {"survivor", nullable(p.survivor)},
                            {"award", nullable(p.award)}});
    }
    return {{"id", std::to_string(entry.seq)},
            {"seq", entry.seq},
            {"effective_on", ledger::format_date(d.effective_on)},
            {"memo", d.memo},
            {"event", ledger::to_string(d.event)},
            {"recorded_by", d.recorded_by},
            {"recorded_at", ledger::format_timestamp_us(entry.recorded_at_us)},
            {"reverses", d.reverses ? nlohmann::json(std::to_string(*d.reverses)) : nullptr},
            {"prev_hash", ledger::to_hex(entry.prev_hash)},
            {"hash", ledger::to_hex(entry.hash)},
            {"postings", postings}};
}

nlohmann::json verify_json(const db::VerifyReport& report) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : report.checks) {
        nlohmann::json item{
            {"name", c.name}, {"ok", c.ok}, {"examined", c.examined}, {"detail", c.detail}};
        if (c.first_entry)
            item["first_entry"] = *c.first_entry;
        checks.push_back(item);
    }
    return {{"ok", report.ok},
            {"entries_checked", report.entries_checked},
            {"head_hash", report.head_hash},
            {"checks", checks}};
}

http::status status_for(ledger::Rejection reason) {
    return static_cast<http::status>(ledger::info(reason).http_status);
}

Response rejection_problem(ledger::Rejection reason, const std::string& detail,
                           const RequestContext& context, const std::string& field) {
    const std::string code(ledger::to_string(reason));
    std::vector<FieldError> errors;
    if (!field.empty())
        errors.push_back({field, code, detail});
    return problem(status_for(reason), code, detail, context, errors);
}

std::variant<std::optional<std::string>, Response> optional_idempotency_key(const Call& call) {
    // An empty header is no key, as it always was for the money routes (428 there).
    const auto header = call.request["Idempotency-Key"];
    std::string key(header.data(), header.size());
    if (key.empty())
        return std::nullopt;
    const bool printable =
        std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
    if (key.size() > kIdempotencyKeyBytesMax || !printable) {
        return problem(http::status::bad_request, "invalid_idempotency_key",
                       "Idempotency-Key must be 1-255 printable ASCII characters.", call.context);
    }
    return key;
}

std::variant<std::string, Response> idempotency_key(const Call& call) {
    auto key = optional_idempotency_key(call);
    if (auto* answer = std::get_if<Response>(&key))
        return std::move(*answer);
    auto& given = std::get<std::optional<std::string>>(key);
    if (!given) {
        return problem(http::status::precondition_required, "idempotency_key_required",
                       "This request moves money: send an Idempotency-Key header.", call.context);
    }
    return std::move(*given);
}

db::IdempotencyClaim idempotency_claim(
    const Call& call, const std::string& key, const nlohmann::json& body,
    const std::function<ledger::Hash(std::string_view)>& digest) {
    const std::string fingerprint = std::string(call.request.method_string()) + " " +
                                    std::string(call.request.target()) + "\n" + body.dump();
    return {call.principal->actor(), key, digest ? digest(fingerprint) : db::sha256(fingerprint)};
}

Response stored_answer(const db::StoredResponse& stored, bool replayed) {
    Response response{static_cast<http::status>(stored.status), 11};
    response.set(http::field::content_type, "application/json");
    response.body() = stored.body;
    if (replayed)
        response.set("Idempotent-Replayed", "true");
    return response;
}

std::variant<MoneyRequest, Response> read_money_request(const Call& call) {
    auto key = idempotency_key(call);
    if (auto* answer = std::get_if<Response>(&key))
        return std::move(*answer);
    auto parsed = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&parsed))
        return std::move(*answer);
    return MoneyRequest{std::move(std::get<std::string>(key)),
                        std::move(std::get<nlohmann::json>(parsed))};
}

Response write_entry(db::JournalWriter& writer, const Call& call, const std::string& key,
                     const nlohmann::json& body, ledger::EntryDraft draft,
                     std::optional<ledger::Command> command) {
    auto claim = idempotency_claim(call, key, body);
    draft.recorded_by = call.principal->actor();
    const auto outcome = writer.write(
        {std::move(draft), std::move(claim), std::move(command), call.context.request_id});
    using Kind = db::WriteOutcome::Kind;
    if (outcome.kind == Kind::rejected) {
        const auto& check = outcome.check;
        const bool per_posting = ledger::info(check.reason).scope == ledger::Scope::posting;
        std::string field = outcome.field;
        if (field.empty() && per_posting && check.posting && !command)
            field = "postings[" + std::to_string(*check.posting) + "]";
        return rejection_problem(
            check.reason,
            "The request breaks the rule '" + std::string(ledger::to_string(check.reason)) + "'.",
            call.context, field);
    }
    return stored_answer(outcome.response, outcome.kind == Kind::replayed);
}

}  // namespace riziki::api
