#include "api/records.hpp"

#include "api/respond.hpp"

namespace riziki::api {

Response post_command(const Services& s, Call& call,
                      const std::function<CommandRead(FieldReader&)>& read) {
    auto request = read_money_request(call);
    if (auto* answer = std::get_if<Response>(&request))
        return std::move(*answer);
    const auto& [key, body] = std::get<MoneyRequest>(request);
    std::vector<FieldError> errors;
    FieldReader reader(body, "", errors);
    auto got = read(reader);
    if (got.answer)
        return std::move(*got.answer);
    if ((!got.command && !got.draft) || !errors.empty())
        return validation_problem(errors, call.context);
    return write_entry(*s.writer, call, key, body,
                       std::move(got.draft).value_or(ledger::EntryDraft{}), std::move(got.command));
}

db::IdempotentCreate* CreateKey::claim(std::function<nlohmann::json()> view) {
    if (!once_)
        return nullptr;
    once_->render = [view = std::move(view)] {
        return db::StoredResponse{static_cast<int>(http::status::created), view().dump()};
    };
    return once_.get();
}

std::optional<Response> CreateKey::spent(ledger::Rejection rule, const Call& call) const {
    if (rule == ledger::Rejection::idempotency_key_reused) {
        return refused(rule, call,
                       "This Idempotency-Key was used with another request; use a new key.");
    }
    if (once_ && once_->replayed)
        return stored_answer(*once_->replayed, true);
    return std::nullopt;
}

Response created(const nlohmann::json& body) {
    return json_response(http::status::created, body);
}

Response refused(ledger::Rejection reason, const Call& call, const std::string& detail,
                 std::string_view field) {
    return rejection_problem(reason, detail, call.context, std::string(field));
}

nlohmann::json date_or_null(const std::optional<ledger::Date>& date) {
    return date ? nlohmann::json(ledger::format_date(*date)) : nlohmann::json(nullptr);
}

PaymentFields read_payment(FieldReader& reader, const ledger::Currency& currency,
                           const char* date_field,
                           std::initializer_list<std::string_view> channels) {
    PaymentFields p;
    p.amount = reader.amount("amount", currency, true);
    p.on = reader.date(date_field, true);
    if (auto channel = reader.required_choice("channel", channels))
        p.channel = ledger::parse_channel(*channel);
    p.reference = reader.text("reference", true, kReferenceBytesMax);
    return p;
}

}  // namespace riziki::api
