#pragma once
/// What the handlers of programme records share (handlers_donors.cpp, handlers_funds.cpp,
/// handlers_cohorts.cpp, handlers_survivors.cpp, handlers_awards.cpp, handlers_money.cpp,
/// handlers_outcomes.cpp, handlers_audit_log.cpp). Each handler has one shape: read the body
/// (FieldReader, collecting every field error; facts from the database the reading needs,
/// such as a fund's currency, are read here), check it against the core's rules (ledger/),
/// store it (db::Programme, or the journal writer for money), and answer with its JSON view.

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api/body.hpp"
#include "api/handlers.hpp"
#include "api/respond.hpp"
#include "api/router.hpp"
#include "db/programme.hpp"
#include "ledger/awards.hpp"

namespace riziki::api {

inline constexpr std::size_t kNameBytesMax = 200;
inline constexpr std::size_t kReferenceBytesMax = 64;
inline constexpr std::size_t kPurposeBytesMax = 500;
inline constexpr std::size_t kCountyBytesMax = 100;
/// A survivor's name, phone or national id as sent (before normalising).
inline constexpr std::size_t kPiiBytesMax = 200;

/// The Idempotency-Key of a POST that creates a programme record (donors, funds, cohorts,
/// survivors, awards, outcomes). Optional there, where SPEC §7 requires it only of POSTs
/// that move money, so clients that never sent one keep working; honoured when sent, with
/// the money routes' rules. The store claims it in the record's own transaction
/// (db::IdempotentCreate): a retry with the same key and request gets the first answer with
/// Idempotent-Replayed: true and writes nothing (no audit line either); the same key with
/// another request is 409 idempotency_key_reused.
class CreateKey {
  public:
    CreateKey() = default;
    explicit CreateKey(db::IdempotencyClaim claim)
        : once_(std::make_unique<db::IdempotentCreate>(std::move(claim), nullptr)) {}

    /// What the store is to claim, keeping `view()` (the record's JSON, answered 201) with
    /// the key; nullptr without a key. `view` is rendered once the record is made.
    db::IdempotentCreate* claim(std::function<nlohmann::json()> view);
    /// The answer when the store found the key spent: the kept answer to a replay, 409 to
    /// another request under it. nullopt otherwise (`rule` is then the store's own).
    std::optional<Response> spent(ledger::Rejection rule, const Call& call) const;

  private:
    // On the heap: GCC 12 warns (wrongly) of uninitialised members when an optional of it
    // moves through the std::variant the reader answers with.
    std::unique_ptr<db::IdempotentCreate> once_;
};

/// A record read from the body of a POST that creates it, and the key it came with.
template <class Record>
struct CreateRequest {
    Record record;
    CreateKey key;
};

/// The optional Idempotency-Key of `call` (400 when malformed), then its body as a JSON
/// object, read by `read` through a FieldReader: the record `read` returns once every field
/// read, or the answer (the body's problem, or 422 validation_failed with every field
/// error). The key's request is fingerprinted by `digest` (SHA-256 when not given).
template <class Record>
std::variant<CreateRequest<Record>, Response> read_create(
    const Call& call, const std::function<std::optional<Record>(FieldReader&)>& read,
    const std::function<ledger::Hash(std::string_view)>& digest = nullptr) {
    auto key = optional_idempotency_key(call);
    if (auto* answer = std::get_if<Response>(&key))
        return std::move(*answer);
    auto parsed = parse_json_object(call.request, call.context);
    if (auto* answer = std::get_if<Response>(&parsed))
        return std::move(*answer);
    const auto& body = std::get<nlohmann::json>(parsed);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    auto record = read(reader);
    if (!record || !errors.empty())
        return validation_problem(errors, call.context);
    const auto& given = std::get<std::optional<std::string>>(key);
    return CreateRequest<Record>{
        std::move(*record),
        given ? CreateKey(idempotency_claim(call, *given, body, digest)) : CreateKey()};
}

/// Reading a money-moving body: the command (a money event) or the draft (a manual entry,
/// a reversal) to write; or an answer that refuses it before its fields are all read (403,
/// 404, a rule); or none of them when a field failed.
struct CommandRead {
    std::optional<ledger::Command> command;
    std::optional<Response> answer;
    std::optional<ledger::EntryDraft> draft = std::nullopt;
};

/// A money-moving POST: reads its Idempotency-Key and JSON object body, then the command or
/// draft with `read`, and queues it with the journal writer, which plans a command against
/// the books (ledger::plan: the core's checks, in their documented order) or validates a
/// draft, writes it and answers with the entry (write_entry). A field that failed answers
/// 422 validation_failed.
Response post_command(const Services& s, Call& call,
                      const std::function<CommandRead(FieldReader&)>& read);

/// 201 with `body`.
Response created(const nlohmann::json& body);

/// The problem answer for a rule the request broke, naming `field`.
Response refused(ledger::Rejection reason, const Call& call, const std::string& detail,
                 std::string_view field = "");

nlohmann::json date_or_null(const std::optional<ledger::Date>& date);

// The JSON views of records, one each, for their own routes and the lists (handlers_lists.cpp).
nlohmann::json cohort_json(const db::CohortRecord& cohort);
nlohmann::json fund_json(const db::FundRecord& fund);
/// A fund's figures in its currency `currency`, as GET /v1/funds/{code} gives them.
nlohmann::json balances_json(const ledger::FundFigures& figures, const std::string& currency);
/// A survivor's pseudonymous record: never PII.
nlohmann::json survivor_json(const db::SurvivorRecord& survivor);
nlohmann::json outcome_json(const db::OutcomeRecord& outcome);

/// The fund named `code`, if the caller may see it: 404 when there is none, 403 for a
/// donor's token that does not cover it (asked first, so it says nothing of other funds).
std::variant<db::FundRecord, Response> visible_fund(const Services& s, const Call& call,
                                                    const std::string& code);
/// The fund a query's `fund` names (`code`, as QueryReader::code read it): 400
/// invalid_query when none is named, then as visible_fund.
std::variant<db::FundRecord, Response> queried_fund(const Services& s, const Call& call,
                                                    const std::string& code);

/// The amount, date, channel and reference every payment carries.
struct PaymentFields {
    std::optional<ledger::Amount> amount;
    std::optional<ledger::Date> on;
    std::optional<ledger::Channel> channel;
    std::optional<std::string> reference;
};

/// Reads `amount` (in `currency`), the date `date_field`, a `channel` of `channels` and
/// the `reference`.
PaymentFields read_payment(FieldReader& reader, const ledger::Currency& currency,
                           const char* date_field,
                           std::initializer_list<std::string_view> channels);

}  // namespace riziki::api
