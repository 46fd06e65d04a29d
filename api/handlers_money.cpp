// Money events on awards (SPEC §6): disbursements, repayments, write-offs and forgiveness.
// Each is read here and planned by the journal writer against the books in its batch
// (ledger::plan checks the award rules in their documented order).

#include "api/problem.hpp"
#include "api/records.hpp"
#include "api/roles.hpp"
#include "db/programme.hpp"

namespace riziki::api {

namespace {

using ledger::Rejection;

/// The award a money event names, for reading its amount in the award's currency; an
/// unknown award is left to the writer, which refuses it in its documented order.
std::optional<ledger::Currency> award_currency(const Services& s, const Call& call,
                                               const std::optional<std::string>& award) {
    if (!award)
        return std::nullopt;
    const auto place = s.programme->award_place(*award);
    if (!place || !call.principal->may_see_fund(place->fund))
        return std::nullopt;
    return ledger::find_currency(place->currency);
}

/// A payment on an award: the award's id and the payment's fields.
struct AwardPayment {
    std::string award;
    PaymentFields payment;
};

/// A payment on the award the body names: the `award` (404 award_not_found when no award
/// the caller may see has that id and every field so far read), then the payment's fields
/// in the award's currency (`date_field`, a channel of `channels`), then the command `rest`
/// reads and makes of them.
CommandRead read_award_payment(
    const Services& s, const Call& call, FieldReader& reader, const char* date_field,
    std::initializer_list<std::string_view> channels,
    const std::function<std::optional<ledger::Command>(FieldReader&, const AwardPayment&,
                                                       const ledger::Currency&)>& rest) {
    const auto award = reader.text("award", true, ledger::kCodeBytesMax);
    const auto currency = award_currency(s, call, award);
    if (award && !currency && reader.ok())
        return {std::nullopt,
                refused(Rejection::award_not_found, call, "No award has this id.", "award")};
    if (!currency)
        return {};
    const AwardPayment paid{*award, read_payment(reader, *currency, date_field, channels)};
    return {rest(reader, paid, *currency), std::nullopt};
}

/// An optional fee: not negative, and none on goods handed over in kind.
std::optional<ledger::Amount> read_fee(FieldReader& reader, const ledger::Currency& currency,
                                       const std::optional<ledger::Channel>& channel) {
    std::optional<ledger::Amount> fee = ledger::Amount(0);
    if (!reader.has("fee"))
        return fee;
    fee = reader.amount("fee", currency, false);
    if (fee && *fee < 0)
        reader.error("fee", "invalid_amount", "A fee cannot be negative.");
    if (fee && *fee > 0 && channel == ledger::Channel::in_kind)
        reader.error("fee", "invalid_amount", "Goods handed over in kind carry no fee.");
    return fee;
}

std::optional<ledger::Command> disbursement(FieldReader& reader, const AwardPayment& paid,
                                            const ledger::Currency& currency) {
    const auto& p = paid.payment;
    const auto fee = read_fee(reader, currency, p.channel);
    if (!reader.ok())
        return std::nullopt;
    return ledger::Disbursement{paid.award, *p.amount, *p.on, *p.channel, *p.reference, *fee};
}

std::optional<ledger::Command> repayment(FieldReader& reader, const AwardPayment& paid,
                                         const ledger::Currency&) {
    const auto& p = paid.payment;
    if (!reader.ok())
        return std::nullopt;
    return ledger::Repayment{paid.award, *p.amount, *p.on, *p.channel, *p.reference};
}

Response create_disbursement(const Services& s, Call& call) {
    return post_command(s, call, [&](FieldReader& reader) {
        reader.only({"award", "amount", "disbursed_on", "channel", "reference", "fee"});
        return read_award_payment(s, call, reader, "disbursed_on",
                                  {"mpesa", "bank", "cash", "in_kind"}, disbursement);
    });
}

Response create_repayment(const Services& s, Call& call) {
    return post_command(s, call, [&](FieldReader& reader) {
        reader.only({"award", "amount", "paid_on", "channel", "reference"});
        return read_award_payment(s, call, reader, "paid_on", {"mpesa", "bank", "cash"}, repayment);
    });
}

/// A write-off or forgiveness of the award in the path.
CommandRead read_closure(const Services& s, const Call& call, FieldReader& reader,
                         ledger::Closure::Kind kind) {
    reader.only({"on", "reason"});
    const auto on = reader.date("on", true);
    const auto reason = reader.text("reason", true, kPurposeBytesMax);
    if (!reader.ok())
        return {};
    if (!award_currency(s, call, call.params[0])) {
        return {std::nullopt, problem(http::status::not_found, "not_found", "No award has this id.",
                                      call.context)};
    }
    return {ledger::Closure{kind, call.params[0], *on, *reason}, std::nullopt};
}

Response close_award(const Services& s, Call& call, ledger::Closure::Kind kind) {
    return post_command(s, call,
                        [&](FieldReader& reader) { return read_closure(s, call, reader, kind); });
}

}  // namespace

void add_money_routes(Router& router, const Services& s) {
    router.add(
        {http::verb::post, "/v1/disbursements", kFinance, bind_handler(s, create_disbursement)});
    router.add({http::verb::post, "/v1/repayments", kFinance, bind_handler(s, create_repayment)});
    router.add({http::verb::post, "/v1/awards/{id}/write-off", kFinance, [s](Call& call) {
                    return close_award(s, call, ledger::Closure::Kind::write_off);
                }});
    router.add({http::verb::post, "/v1/awards/{id}/forgive", kFinance, [s](Call& call) {
                    return close_award(s, call, ledger::Closure::Kind::forgiveness);
                }});
}

}  // namespace riziki::api
