#include "ledger/awards.hpp"

#include <algorithm>
#include <array>

#include "ledger/enum_names.hpp"

namespace riziki::ledger {

namespace {

constexpr EnumNames<AwardKind, 2> kKinds{{"grant", "loan"}};
constexpr EnumNames<AwardStatus, 6> kStatuses{
    {"approved", "active", "repaid", "written_off", "forgiven", "closed"}};
constexpr EnumNames<Channel, 4> kChannels{{"mpesa", "bank", "cash", "in_kind"}};
constexpr EnumNames<InterestPeriod, 2> kPeriods{{"year", "month"}};
constexpr EnumNames<InterestMethod, 2> kMethods{{"declining_balance", "flat"}};
constexpr EnumNames<Amortization, 2> kAmortizations{{"equal_installments", "equal_principal"}};
constexpr EnumNames<RepaymentUnit, 3> kUnits{{"days", "weeks", "months"}};

Planned refuse(Rejection reason, std::string field = "") {
    Planned planned;
    planned.check = {reason, {}};
    planned.field = std::move(field);
    return planned;
}

bool amount_valid(const Amount& amount) {
    return amount > 0 && amount <= amount_limit();
}

Posting posting(std::string_view account, const Award& award, const Amount& amount) {
    return Posting{std::string(account), award.fund, award.currency, amount,
                   award.survivor,       award.id};
}

/// Finishes a draft: the journal's own rules have the last word (period open, balance).
Planned finish(EntryDraft draft, const LedgerContext& context, Allocation allocation = {}) {
    Planned planned;
    planned.check = validate_entry(draft, context);
    planned.draft = std::move(draft);
    planned.allocation = std::move(allocation);
    return planned;
}

EntryDraft draft_for(const Date& on, std::string memo, Event event,
                     const std::string& recorded_by) {
    EntryDraft draft;
    draft.effective_on = on;
    draft.memo = std::move(memo);
    draft.event = event;
    draft.recorded_by = recorded_by;
    return draft;
}

std::string with_reference(std::string text, const std::string& reference) {
    return reference.empty() ? text : text + " (" + reference + ")";
}

const Books::AwardBook* find_award(const Books& books, const std::string& id) {
    const auto it = books.awards.find(id);
    return it == books.awards.end() ? nullptr : &it->second;
}

Amount fund_cash(const Books& books, const std::string& fund) {
    const auto it = books.fund_cash.find(fund);
    return it == books.fund_cash.end() ? Amount(0) : it->second;
}

bool reference_used(const Books& books, Channel channel, const std::string& reference) {
    return !reference.empty() && books.references.contains({channel, reference});
}

Planned plan_receipt(const Receipt& r, const Books& books, const LedgerContext& context,
                     const std::string& by) {
    const auto currency = context.fund_currency.find(r.fund);
    if (currency == context.fund_currency.end())
        return refuse(Rejection::unknown_fund, "fund");
    if (r.channel == Channel::in_kind)
        return refuse(Rejection::invalid_channel, "channel");
    if (!amount_valid(r.amount))
        return refuse(Rejection::invalid_amount, "amount");
    if (reference_used(books, r.channel, r.reference))
        return refuse(Rejection::duplicate_reference, "reference");
    auto draft =
        draft_for(r.received_on, with_reference("Donor receipt", r.reference), Event::receipt, by);
    draft.postings = {
        Posting{std::string(channel_account(r.channel)), r.fund, currency->second, r.amount, "",
                ""},
        Posting{std::string(chart::grant_revenue), r.fund, currency->second, -r.amount, "", ""}};
    return finish(std::move(draft), context);
}

Planned plan_disbursement(const Disbursement& d, const Books& books, const LedgerContext& context,
                          const std::string& by) {
    const auto* book = find_award(books, d.award);
    if (book == nullptr)
        return refuse(Rejection::award_not_found, "award");
    const auto& award = book->award;
    if (award.status != AwardStatus::approved && award.status != AwardStatus::active)
        return refuse(Rejection::award_not_active, "award");
    if (d.disbursed_on < award.approved_on)
        return refuse(Rejection::dated_before_award, "disbursed_on");
    if (!amount_valid(d.amount))
        return refuse(Rejection::invalid_amount, "amount");
    if (d.fee < 0 || d.fee > amount_limit() || (d.fee > 0 && d.channel == Channel::in_kind))
        return refuse(Rejection::invalid_amount, "fee");
    if (d.amount > award.approved - book->figures.disbursed)
        return refuse(Rejection::exceeds_award, "amount");
    const Amount cash_out = (d.channel == Channel::in_kind ? Amount(0) : d.amount) + d.fee;
    if (cash_out > fund_cash(books, award.fund))
        return refuse(Rejection::insufficient_fund_balance, "amount");
    if (reference_used(books, d.channel, d.reference))
        return refuse(Rejection::duplicate_reference, "reference");
    if (award.kind == AwardKind::loan) {
        // The schedule must still be possible from this date (a fixed first due date can
        // fall before a late disbursement).
        AwardFigures after = book->figures;
        add_posting(after, chart::loans_receivable, Event::disbursement, d.amount, d.disbursed_on);
        if (!award_schedule(award, after).ok())
            return refuse(Rejection::invalid_loan_terms, "disbursed_on");
    }
    auto draft =
        draft_for(d.disbursed_on,
                  with_reference(std::string(award.kind == AwardKind::loan ? "Loan" : "Grant") +
                                     " disbursement " + award.id,
                                 d.reference),
                  Event::disbursement, by);
    const bool in_kind = d.channel == Channel::in_kind;
    const std::string_view debit = award.kind == AwardKind::loan ? chart::loans_receivable
                                   : in_kind                     ? chart::in_kind_grants
                                                                 : chart::grants;
    draft.postings.push_back(posting(debit, award, d.amount));
    draft.postings.push_back(posting(channel_account(d.channel), award, -d.amount));
    if (d.fee > 0) {
        draft.postings.push_back(posting(chart::charges, award, d.fee));
        draft.postings.push_back(posting(channel_account(d.channel), award, -d.fee));
    }
    return finish(std::move(draft), context);
}

Planned plan_repayment(const Repayment& r, const Books& books, const LedgerContext& context,
                       const std::string& by) {
    const auto* book = find_award(books, r.award);
    if (book == nullptr)
        return refuse(Rejection::award_not_found, "award");
    const auto& award = book->award;
    const auto& figures = book->figures;
    if (award.kind != AwardKind::loan)
        return refuse(Rejection::not_a_loan, "award");
    const bool recovery = award.status == AwardStatus::written_off;
    if (award.status != AwardStatus::active && !recovery)
        return refuse(Rejection::award_not_active, "award");
    if (figures.first_disbursed_on && r.paid_on < *figures.first_disbursed_on)
        return refuse(Rejection::dated_before_award, "paid_on");
    if (r.channel == Channel::in_kind)
        return refuse(Rejection::invalid_channel, "channel");
    if (!amount_valid(r.amount))
        return refuse(Rejection::invalid_amount, "amount");
    if (recovery && r.amount > figures.written_off - figures.recovered)
        return refuse(Rejection::exceeds_award, "amount");
    if (reference_used(books, r.channel, r.reference))
        return refuse(Rejection::duplicate_reference, "reference");
    const auto cash = channel_account(r.channel);
    if (recovery) {
        auto draft = draft_for(
            r.paid_on, with_reference("Recovery on written-off loan " + award.id, r.reference),
            Event::recovery, by);
        draft.postings = {posting(cash, award, r.amount),
                          posting(chart::recoveries, award, -r.amount)};
        return finish(std::move(draft), context);
    }
    const auto schedule = award_schedule(award, figures);
    if (!schedule.ok())
        return refuse(Rejection::invalid_loan_terms, "award");
    auto allocation = allocate_repayment(schedule.schedule, figures, r.amount);
    auto draft = draft_for(r.paid_on, with_reference("Loan repayment " + award.id, r.reference),
                           Event::repayment, by);
    draft.postings.push_back(posting(cash, award, r.amount));
    if (allocation.interest > 0)
        draft.postings.push_back(posting(chart::interest_income, award, -allocation.interest));
    if (allocation.principal > 0)
        draft.postings.push_back(posting(chart::loans_receivable, award, -allocation.principal));
    if (allocation.overpayment > 0)
        draft.postings.push_back(posting(chart::overpayments, award, -allocation.overpayment));
    return finish(std::move(draft), context, std::move(allocation));
}

Planned plan_closure(const Closure& c, const Books& books, const LedgerContext& context,
                     const std::string& by) {
    const auto* book = find_award(books, c.award);
    if (book == nullptr)
        return refuse(Rejection::award_not_found, "award");
    const auto& award = book->award;
    if (award.kind != AwardKind::loan)
        return refuse(Rejection::not_a_loan, "award");
    if (award.status != AwardStatus::active)
        return refuse(Rejection::award_not_active, "award");
    const auto& first = book->figures.first_disbursed_on;
    if (first && c.on < *first)
        return refuse(Rejection::dated_before_award, "on");
    const Amount outstanding = book->figures.outstanding;
    if (outstanding <= 0)
        return refuse(Rejection::nothing_outstanding, "award");
    const bool write_off = c.kind == Closure::Kind::write_off;
    auto draft = draft_for(c.on,
                           (write_off ? "Write-off of loan " : "Forgiveness of loan ") + award.id +
                               (c.reason.empty() ? "" : ": " + c.reason),
                           write_off ? Event::write_off : Event::forgiveness, by);
    draft.postings = {posting(write_off ? chart::loan_losses : chart::grants, award, outstanding),
                      posting(chart::loans_receivable, award, -outstanding)};
    return finish(std::move(draft), context);
}

}  // namespace

std::string_view to_string(AwardKind kind) {
    return kKinds.name(kind);
}
std::string_view to_string(AwardStatus status) {
    return kStatuses.name(status);
}
std::string_view to_string(Channel channel) {
    return kChannels.name(channel);
}
std::optional<AwardKind> parse_award_kind(std::string_view text) {
    return kKinds.parse(text);
}
std::optional<AwardStatus> parse_award_status(std::string_view text) {
    return kStatuses.parse(text);
}
std::optional<Channel> parse_channel(std::string_view text) {
    return kChannels.parse(text);
}
std::string_view to_string(InterestPeriod value) {
    return kPeriods.name(value);
}
std::string_view to_string(InterestMethod value) {
    return kMethods.name(value);
}
std::string_view to_string(Amortization value) {
    return kAmortizations.name(value);
}
std::string_view to_string(RepaymentUnit value) {
    return kUnits.name(value);
}
std::optional<InterestPeriod> parse_interest_period(std::string_view text) {
    return kPeriods.parse(text);
}
std::optional<InterestMethod> parse_interest_method(std::string_view text) {
    return kMethods.parse(text);
}
std::optional<Amortization> parse_amortization(std::string_view text) {
    return kAmortizations.parse(text);
}
std::optional<RepaymentUnit> parse_repayment_unit(std::string_view text) {
    return kUnits.parse(text);
}

std::string_view channel_account(Channel channel) {
    switch (channel) {
        case Channel::mpesa:
            return chart::mpesa;
        case Channel::bank:
            return chart::bank;
        case Channel::cash:
            return chart::cash;
        case Channel::in_kind:
            return chart::payable;
    }
    return chart::payable;
}

void add_posting(AwardFigures& f, std::string_view account, Event event, const Amount& amount,
                 const Date& effective_on) {
    if (account == chart::loans_receivable)
        f.outstanding += amount;
    if (const auto* row = classify(event, account)) {
        const Amount value = row->sign * amount;
        switch (row->figure) {
            case Figure::grants_paid:
            case Figure::grants_in_kind:
            case Figure::loans_disbursed:
                f.disbursed += value;
                if (!f.first_disbursed_on || effective_on < *f.first_disbursed_on)
                    f.first_disbursed_on = effective_on;
                break;
            case Figure::fees:
                f.fees += value;
                break;
            case Figure::principal_repaid:
                f.principal_repaid += value;
                break;
            case Figure::interest_paid:
                f.interest_paid += value;
                break;
            case Figure::overpaid:
                f.overpaid += value;
                break;
            case Figure::written_off:
                f.written_off += value;
                break;
            case Figure::forgiven:
                f.forgiven += value;
                break;
            case Figure::recovered:
                f.recovered += value;
                break;
            case Figure::received:
                break;
        }
    }
    if (f.disbursed == 0)
        f.first_disbursed_on.reset();
}

AwardFigures figures_of(const PostingSums& sums) {
    AwardFigures figures;
    for (const auto& [key, amount] : sums) {
        const auto& [day, account, event] = key;
        add_posting(figures, account, event, amount, day);
    }
    return figures;
}

void add_posting(FundFigures& f, std::string_view account, Event event, const Amount& amount,
                 const Date& effective_on) {
    add_posting(f.awards, account, event, amount, effective_on);
    if (const auto* row = classify(event, account); row && row->figure == Figure::received)
        f.received += row->sign * amount;
    if (is_cash_account(account))
        f.cash += amount;
}

AwardStatus derive_status(const Award& award, const AwardFigures& f) {
    if (f.written_off > 0)
        return AwardStatus::written_off;
    if (f.forgiven > 0)
        return AwardStatus::forgiven;
    if (f.disbursed <= 0)
        return AwardStatus::approved;
    if (award.kind == AwardKind::grant)
        return f.disbursed >= award.approved ? AwardStatus::closed : AwardStatus::active;
    return f.disbursed >= award.approved && f.outstanding <= 0 ? AwardStatus::repaid
                                                               : AwardStatus::active;
}

bool status_of_kind(AwardKind kind, AwardStatus status) {
    switch (status) {
        case AwardStatus::approved:
        case AwardStatus::active:
            return true;
        case AwardStatus::closed:
            return kind == AwardKind::grant;
        case AwardStatus::repaid:
        case AwardStatus::written_off:
        case AwardStatus::forgiven:
            return kind == AwardKind::loan;
    }
    return false;
}

bool status_change_allowed(AwardKind kind, AwardStatus from, AwardStatus to) {
    return from == to || (status_of_kind(kind, from) && status_of_kind(kind, to));
}

namespace {

/// Calls `generate(principal, currency, from, terms)` with what the award's schedule is of.
template <typename Generate>
ScheduleResult schedule_of(const Award& award, const AwardFigures& figures, Generate&& generate) {
    ScheduleResult result;
    const auto currency = find_currency(award.currency);
    if (!award.terms || !currency) {
        result.error = ScheduleError::principal_out_of_range;
        return result;
    }
    const bool disbursed = figures.disbursed > 0 && figures.first_disbursed_on.has_value();
    return generate(disbursed ? figures.disbursed : award.approved, *currency,
                    disbursed ? *figures.first_disbursed_on : award.approved_on, *award.terms);
}

}  // namespace

ScheduleResult award_schedule(const Award& award, const AwardFigures& figures) {
    return schedule_of(award, figures,
                       [](const auto&... args) { return generate_schedule(args...); });
}

ScheduleResult award_schedule(const Award& award, const AwardFigures& figures, ScheduleMemo& memo) {
    return schedule_of(award, figures, [&](const auto&... args) { return memo.generate(args...); });
}

namespace {

template <typename Schedule>
Arrears arrears_through(const Award& award, const AwardFigures& figures, const Date& on,
                        Schedule&& schedule_of_award) {
    if (award.kind != AwardKind::loan || derive_status(award, figures) != AwardStatus::active)
        return {};
    const auto schedule = schedule_of_award();
    if (!schedule.ok())
        return {};
    return arrears_as_of(schedule.schedule, figures, on);
}

}  // namespace

Arrears award_arrears(const Award& award, const AwardFigures& figures, const Date& on) {
    return arrears_through(award, figures, on, [&] { return award_schedule(award, figures); });
}

Arrears award_arrears(const Award& award, const AwardFigures& figures, const Date& on,
                      ScheduleMemo& memo) {
    return arrears_through(award, figures, on,
                           [&] { return award_schedule(award, figures, memo); });
}

std::optional<Date> oldest_unpaid_due_on(const Award& award, const AwardFigures& figures) {
    static const Date kLastDay = *parse_date("9999-12-31");
    return award_arrears(award, figures, kLastDay).oldest_unpaid_due_on;
}

std::string command_award(const Command& command) {
    return std::visit(
        [](const auto& c) -> std::string {
            if constexpr (requires { c.award; })
                return c.award;
            else
                return "";
        },
        command);
}

std::string command_fund(const Command& command) {
    const auto* receipt = std::get_if<Receipt>(&command);
    return receipt != nullptr ? receipt->fund : "";
}

std::optional<std::pair<Channel, std::string>> command_reference(const Command& command) {
    return std::visit(
        [](const auto& c) -> std::optional<std::pair<Channel, std::string>> {
            if constexpr (requires { c.reference; }) {
                if (!c.reference.empty())
                    return std::pair{c.channel, c.reference};
            }
            return std::nullopt;
        },
        command);
}

void apply_cash(FundCash& cash, const EntryDraft& draft) {
    for (const auto& p : draft.postings) {
        if (!is_cash_account(p.account))
            continue;
        if (auto it = cash.find(p.fund); it != cash.end())
            it->second += p.amount;
    }
}

void Books::apply(const EntryDraft& draft, Event event) {
    apply_cash(fund_cash, draft);
    std::set<std::string> touched;
    for (const auto& p : draft.postings) {
        if (p.award.empty())
            continue;
        if (auto it = awards.find(p.award); it != awards.end()) {
            add_posting(it->second.figures, p.account, event, p.amount, draft.effective_on);
            touched.insert(p.award);
        }
    }
    for (const auto& id : touched) {
        auto& book = awards.at(id);
        book.award.status = derive_status(book.award, book.figures);
    }
}

Planned plan(const Command& command, const Books& books, const LedgerContext& context,
             const std::string& recorded_by) {
    return std::visit(
        [&](const auto& c) -> Planned {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, Receipt>)
                return plan_receipt(c, books, context, recorded_by);
            else if constexpr (std::is_same_v<T, Disbursement>)
                return plan_disbursement(c, books, context, recorded_by);
            else if constexpr (std::is_same_v<T, Repayment>)
                return plan_repayment(c, books, context, recorded_by);
            else
                return plan_closure(c, books, context, recorded_by);
        },
        command);
}

}  // namespace riziki::ledger
