#include "reports/donor_report.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "ledger/assert.hpp"
#include "ledger/date_bounds.hpp"

namespace riziki::reports {

namespace {

using ledger::Amount;
using ledger::Date;

/// A survivor counted in the report: their first disbursement from the fund (by the
/// period's end) and their record key.
struct Funded {
    Date first;
    int record_key = 0;
};

long day_number(const Date& date) {
    return ledger::days_since_epoch(date);
}

/// The median of amounts, HALF_EVEN between the two middle ones.
std::optional<Amount> median(std::vector<Amount> values) {
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    if (n % 2 == 1)
        return values[n / 2];
    return ledger::divide_half_even(values[n / 2 - 1] + values[n / 2], 2);
}

/// numerator / denominator as a percentage (percent_text), absent without a denominator.
std::optional<std::string> percent_of(const Amount& numerator, const Amount& denominator,
                                      int decimals) {
    auto text = percent_text(numerator, denominator, decimals);
    return text.empty() ? std::nullopt : std::optional<std::string>(std::move(text));
}

/// An award's figures as of a sequence of non-decreasing dates, each step adding only the
/// postings since the last: one pass over the postings however many dates are asked for.
class FiguresWalk {
  public:
    explicit FiguresWalk(const AwardFacts& a) {
        for (const auto& p : a.postings)
            postings_.push_back(&p);
        std::sort(postings_.begin(), postings_.end(),
                  [](const AwardPosting* x, const AwardPosting* y) { return x->day < y->day; });
    }
    const ledger::AwardFigures& until(const Date& day) {
        while (next_ < postings_.size() && postings_[next_]->day <= day) {
            const auto& p = *postings_[next_++];
            ledger::add_posting(figures_, p.account, p.event, p.amount, p.day);
        }
        return figures_;
    }

  private:
    std::vector<const AwardPosting*> postings_;
    std::size_t next_ = 0;
    ledger::AwardFigures figures_;
};

ledger::AwardFigures figures_until(const AwardFacts& a, const Date& until) {
    ledger::AwardFigures f;
    for (const auto& p : a.postings) {
        if (p.day <= until)
            ledger::add_posting(f, p.account, p.event, p.amount, p.day);
    }
    return f;
}

bool in_period(const Date& day, const DonorReportInput& in) {
    return in.from <= day && day <= in.to;
}

/// The end of each calendar month of the period, the last one `to`: the report's months,
/// each on the monthly charts' axis whether or not anything happened in it.
std::vector<Date> month_ends(const DonorReportInput& in) {
    // A point per calendar month: every caller checked the period first
    // (ledger::check_report_period), so it is at most ten years. A caller that did not would
    // have one request walk thousands of years of months here.
    RIZIKI_ASSERT(ledger::calendar_months(in.from, in.to) <= ledger::kReportCalendarMonthsMax);
    std::vector<Date> ends;
    for (Date end = in.from; end <= in.to;
         end = ledger::add_months(Date(end.year(), end.month(), std::chrono::day(1)), 1)) {
        ends.push_back(std::min(in.to, Date(std::chrono::year_month_day_last(
                                           end.year(), std::chrono::month_day_last(end.month())))));
    }
    return ends;
}

/// The fund statement's line a classified figure adds to (awards' written-off and
/// forgiven amounts are no cash movement: no line, null).
Amount* statement_line(FundStatement& s, ledger::Figure figure) {
    using ledger::Figure;
    switch (figure) {
        case Figure::received:
            return &s.receipts;
        case Figure::grants_paid:
            return &s.grants_paid;
        case Figure::grants_in_kind:
            return &s.grants_in_kind;
        case Figure::loans_disbursed:
            return &s.loans_disbursed;
        case Figure::fees:
            return &s.fees;
        case Figure::principal_repaid:
            return &s.principal_repaid;
        case Figure::interest_paid:
            return &s.interest_received;
        case Figure::overpaid:
            return &s.overpayments_received;
        case Figure::recovered:
            return &s.recoveries;
        case Figure::written_off:
        case Figure::forgiven:
            break;
    }
    return nullptr;
}

void statement_of(const DonorReportInput& in, DonorReport& r) {
    auto& s = r.statement;
    // Cash moved per day and event, netted over the cash accounts (a bank-to-M-Pesa
    // transfer moves none).
    std::map<std::pair<long, ledger::Event>, Amount> cash_moved;
    for (const auto& d : in.fund_sums) {
        const bool cash = ledger::is_cash_account(d.account);
        if (d.account == ledger::chart::loans_receivable && d.day <= in.to)
            s.loans_outstanding += d.amount;
        if (d.day < in.from) {
            if (cash)
                s.opening_cash += d.amount;
            continue;
        }
        if (d.day > in.to)
            continue;
        if (cash) {
            s.closing_cash += d.amount;  // the period's movement; opening added below
            cash_moved[{day_number(d.day), d.event}] += d.amount;
        }
        if (const auto* row = ledger::classify(d.event, d.account)) {
            if (auto* line = statement_line(s, row->figure))
                *line += row->sign * d.amount;
        }
    }
    std::map<std::string, MonthFlow> months;  // every month of the period, empty ones too
    for (const auto& end : month_ends(in))
        months[ledger::format_period(ledger::period_of(end))] = MonthFlow{};
    for (const auto& [key, amount] : cash_moved) {
        auto& month =
            months[ledger::format_period(ledger::period_of(ledger::date_from_days(key.first)))];
        if (amount > 0)
            month.money_in += amount;
        else
            month.money_out -= amount;
    }
    const Amount movement = s.closing_cash;
    s.closing_cash += s.opening_cash;
    const Amount explained = s.receipts - s.grants_paid - s.loans_disbursed - s.fees +
                             s.principal_repaid + s.interest_received + s.overpayments_received +
                             s.recoveries;
    s.other_cash_movements = movement - explained;
    for (auto& [month, flow] : months) {
        flow.month = month;
        r.months.push_back(flow);
    }
}

/// The commitment's figures up to the report's end, as ledger::FundFigures sums them for the
/// fund's API (GET /v1/funds), and their shares of the commitment.
void commitment_of(const DonorReportInput& in, DonorReport& r) {
    ledger::FundFigures f;
    for (const auto& d : in.fund_sums) {
        if (d.day <= in.to)
            ledger::add_posting(f, d.account, d.event, d.amount, d.day);
    }
    auto& c = r.commitment;
    c.committed = in.committed;
    c.received = f.received;
    c.disbursed = f.awards.disbursed;
    c.spent = f.awards.disbursed + f.awards.fees;
    const Amount whole = in.committed.value_or(0);
    c.received_share = ratio_text(c.received, whole, 4);
    c.disbursed_share = ratio_text(c.disbursed, whole, 4);
    c.spent_share = ratio_text(c.spent, whole, 4);
}

/// Installment amounts that fell due in the period, and what of them was paid by its
/// due date.
void on_time(const AwardFacts& a, const ledger::ScheduleProgress& schedule,
             const DonorReportInput& in, Amount& due, Amount& paid_on_time) {
    FiguresWalk walk(a);
    const auto& installments = schedule.schedule().installments;
    for (std::size_t i = 0; i < installments.size(); ++i) {
        const auto& installment = installments[i];
        if (!in_period(installment.due_on, in))
            continue;
        const auto& by_then = walk.until(installment.due_on);
        const auto st = schedule.state(i, by_then.interest_paid, by_then.principal_repaid);
        due += installment.total;
        paid_on_time += st.interest_paid + st.principal_paid;
    }
}

/// A loan's schedule with its running totals, computed again only when what the schedule
/// depends on (the amount disbursed and the first disbursement's date) changes: schedules
/// cost decimal arithmetic, which `memo` (shared by the report's loans) does once per
/// principal and terms.
class ScheduleCache {
  public:
    ScheduleCache() = default;
    ScheduleCache(const ScheduleCache&) = delete;  // progress_ refers into result_
    ScheduleCache& operator=(const ScheduleCache&) = delete;

    /// The schedule for figures `f`, or nullptr when the award's terms give none.
    const ledger::ScheduleProgress* get(const ledger::Award& award, const ledger::AwardFigures& f,
                                        ledger::ScheduleMemo& memo) {
        if (!result_ || disbursed_ != f.disbursed || first_ != f.first_disbursed_on) {
            result_ = ledger::award_schedule(award, f, memo);
            progress_.emplace(result_->schedule);
            disbursed_ = f.disbursed;
            first_ = f.first_disbursed_on;
        }
        return result_->ok() ? &*progress_ : nullptr;
    }

  private:
    std::optional<ledger::ScheduleResult> result_;
    std::optional<ledger::ScheduleProgress> progress_;
    Amount disbursed_ = 0;
    std::optional<Date> first_;
};

/// Outstanding loans and PAR30 at each month's end of the period (the last at `to`).
void loan_trend(const DonorReportInput& in, DonorReport& r, std::vector<ScheduleCache>& caches,
                ledger::ScheduleMemo& memo) {
    const auto ends = month_ends(in);
    for (const auto& end : ends)
        r.loan_trend.push_back({ledger::format_period(ledger::period_of(end)), 0, 0});
    for (std::size_t i = 0; i < in.awards.size(); ++i) {
        const auto& a = in.awards[i];
        if (a.award.kind != ledger::AwardKind::loan)
            continue;
        auto& schedules = caches[i];
        FiguresWalk walk(a);
        for (std::size_t m = 0; m < ends.size(); ++m) {
            const auto& f = walk.until(ends[m]);
            if (f.outstanding <= 0)
                continue;
            auto& point = r.loan_trend[m];
            point.outstanding += f.outstanding;
            if (ledger::derive_status(a.award, f) != ledger::AwardStatus::active)
                continue;
            const auto* schedule = schedules.get(a.award, f, memo);
            if (schedule && schedule->days_late(f, ends[m]) >= 30)
                point.par30_outstanding += f.outstanding;
        }
    }
}

/// Counts and sums over the fund's awards, one award at a time: money covers every award,
/// counts of people only those who consented to donor reporting.
class AwardTally {
  public:
    AwardTally(const DonorReportInput& in, DonorReport& r) : in_(in), r_(r) {}

    /// Adds `a`; `funded` keeps each counted survivor's first disbursement.
    void add(const AwardFacts& a, ScheduleCache& cache, std::map<std::string, Funded>& funded) {
        const bool counted = a.survivor.consent_donor_reporting;
        const auto at_end = figures_until(a, in_.to);
        money(a, counted);
        if (at_end.first_disbursed_on && counted) {
            auto& first = funded[a.survivor.code];
            if (first.first == Date{} || *at_end.first_disbursed_on < first.first)
                first.first = *at_end.first_disbursed_on;
            first.record_key = a.survivor.record_key;
            people_[a.survivor.code] = &a.survivor;
        }
        if (a.award.kind == ledger::AwardKind::loan)
            loan(a, at_end, counted, cache);
    }

    /// Writes the counts, rates and reach into the report.
    void finish() {
        r_.awards_approved = count_of(approved_);
        r_.active_loans = count_of(active_);
        r_.loans_written_off = count_of(written_off_);
        r_.median_grant =
            statistic_over(static_cast<long>(grants_.size()), [&] { return median(grants_); });
        r_.par30 = statistic_over(loans_outstanding_, [&] {
            return percent_of(r_.par30_outstanding, r_.loans_outstanding, 2);
        });
        r_.on_time_repayment_rate =
            statistic_over(loans_due_, [&] { return percent_of(paid_on_time_, due_, 1); });
        reach();
    }

    ledger::ScheduleMemo& memo() { return memo_; }

  private:
    /// What was approved, disbursed and written off in the period.
    void money(const AwardFacts& a, bool counted) {
        bool disbursed_in_period = false;
        for (const auto& p : a.postings) {
            if (!in_period(p.day, in_))
                continue;
            const auto* row = ledger::classify(p.event, p.account);
            if (row && ledger::is_disbursed(row->figure)) {
                r_.amount_disbursed += p.amount;
                disbursed_in_period = true;
            }
            if (row && row->figure == ledger::Figure::written_off)
                r_.written_off += p.amount;
        }
        if (disbursed_in_period && counted)
            reached_.insert(a.survivor.code);
        if (in_period(a.award.approved_on, in_)) {
            r_.amount_approved += a.award.approved;
            if (counted) {
                approved_.add(a.survivor.record_key);
                if (a.award.kind == ledger::AwardKind::grant)
                    grants_.push_back(a.award.approved);
            }
        }
    }

    /// A loan's status, arrears and repayments due in the period.
    void loan(const AwardFacts& a, const ledger::AwardFigures& at_end, bool counted,
              ScheduleCache& cache) {
        const auto status = ledger::derive_status(a.award, at_end);
        if (status == ledger::AwardStatus::written_off && at_end.written_off > 0 && counted) {
            const bool in_this_period =
                std::any_of(a.postings.begin(), a.postings.end(), [&](const AwardPosting& p) {
                    return p.event == ledger::Event::write_off && in_period(p.day, in_);
                });
            if (in_this_period)
                written_off_.add(a.survivor.record_key);
        }
        r_.loans_outstanding += at_end.outstanding;
        loans_outstanding_ += at_end.outstanding > 0 ? 1 : 0;
        const auto* schedule = cache.get(a.award, at_end, memo_);
        if (!schedule)
            return;
        if (status == ledger::AwardStatus::active) {
            if (counted)
                active_.add(a.survivor.record_key);
            if (schedule->days_late(at_end, in_.to) >= 30)
                r_.par30_outstanding += at_end.outstanding;
        }
        if (at_end.disbursed > 0) {
            const Amount due_before = due_;
            on_time(a, *schedule, in_, due_, paid_on_time_);
            loans_due_ += due_ > due_before ? 1 : 0;
        }
    }

    /// Survivors reached in the period, by gender, age band and county: true counts with
    /// their cell keys, every gender and age band listed even when nobody is in it (a row
    /// appearing would show where a survivor went); publish_counts perturbs and hides.
    void reach() {
        Contributors reached;
        std::map<std::string, std::map<std::string, Contributors>> by;
        for (const auto& code : reached_) {
            const auto it = people_.find(code);
            if (it == people_.end())
                continue;
            const auto& person = *it->second;
            reached.add(person.record_key);
            by["gender"][person.gender].add(person.record_key);
            by["age_band"][age_band(person.birth_year, in_.to)].add(person.record_key);
            by["county"][person.county].add(person.record_key);
        }
        r_.survivors_reached = count_of(reached);
        const auto add = [](Breakdown& b, const std::string& key, const Contributors& people) {
            b.cells.emplace_back(key, Count{people.count, false, people.cell_key});
        };
        Breakdown gender{"gender", {}}, bands{"age_band", {}}, county{"county", {}};
        for (const auto name : ledger::kGenders)  // each listed, in this order, empty or not
            add(gender, std::string(name), by["gender"][std::string(name)]);
        for (const char* band : kAgeBands)  // youngest first
            add(bands, band, by["age_band"][band]);
        for (const auto& [name, people] : by["county"])
            add(county, name, people);
        r_.reach = {std::move(gender), std::move(bands), std::move(county)};
    }

    const DonorReportInput& in_;
    DonorReport& r_;
    std::set<std::string> reached_;
    std::map<std::string, const SurvivorFacts*> people_;
    Contributors approved_, active_, written_off_;
    std::vector<Amount> grants_;
    long loans_outstanding_ = 0;  ///< every loan with principal outstanding at the end
    long loans_due_ = 0;          ///< every loan with an installment due in the period
    Amount due_ = 0, paid_on_time_ = 0;
    ledger::ScheduleMemo memo_;
};

void awards_and_loans(const DonorReportInput& in, DonorReport& r,
                      std::map<std::string, Funded>& funded) {
    // One schedule cache per award, shared with the loan trend: a schedule is decimal
    // arithmetic, and a loan's rarely changes after its last tranche.
    std::vector<ScheduleCache> caches(in.awards.size());
    AwardTally tally(in, r);
    for (std::size_t index = 0; index < in.awards.size(); ++index)
        tally.add(in.awards[index], caches[index], funded);
    loan_trend(in, r, caches, tally.memo());
    tally.finish();
}

/// The observation nearest `target` within the follow-up window, if any.
const OutcomeFacts* follow_up(const std::vector<const OutcomeFacts*>& seen, const Date& target) {
    const OutcomeFacts* best = nullptr;
    long best_distance = kFollowUpWindowDays + 1;
    for (const auto* o : seen) {
        const long distance = std::labs(day_number(o->observed_on) - day_number(target));
        if (distance < best_distance) {
            best = o;
            best_distance = distance;
        }
    }
    return best;
}

/// How many of the businesses observed were operating, as a statistic over the observed.
struct Operating {
    long operating = 0;
    Contributors observed;
    void add(const OutcomeFacts* o, int record_key) {
        if (o == nullptr)
            return;
        observed.add(record_key);
        operating += o->business_status == "operating";
    }
    void publish(Statistic<std::string>& share, Count& observed_count) const {
        share = statistic_over(observed.count,
                               [&] { return percent_of(operating, observed.count, 1); });
        observed_count = count_of(observed);
    }
};

void outcomes(const DonorReportInput& in, DonorReport& r,
              const std::map<std::string, Funded>& funded) {
    std::map<std::string, std::vector<const OutcomeFacts*>> seen;
    for (const auto& o : in.outcomes) {
        if (o.observed_on <= in.to && funded.contains(o.survivor))
            seen[o.survivor].push_back(&o);
    }
    Operating at6, at12;
    Contributors followed;
    long jobs = 0;
    std::vector<Amount> first_profit, latest_profit;
    for (auto& [survivor, list] : seen) {
        std::sort(list.begin(), list.end(), [](const OutcomeFacts* a, const OutcomeFacts* b) {
            return a->observed_on < b->observed_on;
        });
        const auto& who = funded.at(survivor);
        at6.add(follow_up(list, ledger::add_months(who.first, kFollowUpMonths[0])), who.record_key);
        at12.add(follow_up(list, ledger::add_months(who.first, kFollowUpMonths[1])),
                 who.record_key);
        if (r.profit_currency.empty())
            r.profit_currency = list.front()->currency;
        if (list.front()->currency == r.profit_currency) {
            first_profit.push_back(list.front()->monthly_profit);
            latest_profit.push_back(list.back()->monthly_profit);
        }
        jobs += list.back()->jobs;
        followed.add(who.record_key);
    }
    at6.publish(r.operating_6_months, r.observed_6_months);
    at12.publish(r.operating_12_months, r.observed_12_months);
    const auto profiles = static_cast<long>(first_profit.size());
    r.median_profit_first = statistic_over(profiles, [&] { return median(first_profit); });
    r.median_profit_latest = statistic_over(profiles, [&] { return median(latest_profit); });
    r.jobs_latest = count_over(jobs, followed);
}

}  // namespace

std::vector<std::pair<const char*, Amount>> statement_lines(const FundStatement& s) {
    return {{"opening_cash", s.opening_cash},
            {"receipts", s.receipts},
            {"grants_paid", s.grants_paid},
            {"grants_in_kind", s.grants_in_kind},
            {"loans_disbursed", s.loans_disbursed},
            {"principal_repaid", s.principal_repaid},
            {"interest_received", s.interest_received},
            {"overpayments_received", s.overpayments_received},
            {"recoveries", s.recoveries},
            {"fees", s.fees},
            {"other_cash_movements", s.other_cash_movements},
            {"closing_cash", s.closing_cash},
            {"loans_outstanding", s.loans_outstanding}};
}

Count count_of(const Contributors& people) {
    return count_over(people.count, people);
}

Count count_over(long value, const Contributors& people) {
    const bool hidden = value > 0 && (value < kSmallestShown || people.count < kSmallestShown);
    return Count{value, hidden, people.cell_key};
}

std::string ratio_text(const Amount& numerator, const Amount& denominator, int decimals) {
    if (denominator <= 0)
        return "";
    Amount scale = 1;
    for (int i = 0; i < decimals; ++i)
        scale *= 10;
    std::string digits =
        ledger::to_decimal_string(ledger::divide_half_even(numerator * scale, denominator));
    if (decimals == 0)
        return digits;
    const bool negative = digits.starts_with('-');
    if (negative)
        digits.erase(0, 1);
    const auto width = static_cast<std::size_t>(decimals) + 1;
    if (digits.size() < width)
        digits = std::string(width - digits.size(), '0') + digits;
    return (negative ? "-" : "") + digits.substr(0, digits.size() - width + 1) + "." +
           digits.substr(digits.size() - width + 1);
}

std::string percent_text(const Amount& numerator, const Amount& denominator, int decimals) {
    return ratio_text(numerator * 100, denominator, decimals);
}

std::string age_band(int birth_year, const Date& on) {
    const int age = static_cast<int>(on.year()) - birth_year;
    constexpr std::array<int, 4> kUpTo{17, 24, 34, 44};  // the last age of each band but 45+
    std::size_t band = 0;
    while (band < kUpTo.size() && age > kUpTo[band])
        ++band;
    return kAgeBands[band];
}

DonorReport build_donor_report(const DonorReportInput& in) {
    auto r = count_donor_report(in);
    publish_counts(r);
    return r;
}

DonorReport count_donor_report(const DonorReportInput& in) {
    DonorReport r;
    r.fund = in.fund;
    r.fund_name = in.fund_name;
    r.donor = in.donor;
    r.currency = in.currency;
    r.from = in.from;
    r.to = in.to;
    statement_of(in, r);
    commitment_of(in, r);
    std::map<std::string, Funded> funded;
    awards_and_loans(in, r, funded);
    outcomes(in, r, funded);
    r.notes = {
        "Money figures include every posting of the fund, are exact and reconcile to the "
        "ledger.",
        "Counts of people include only survivors who consented to donor reporting.",
        kPerturbationNote,
        "Any count under 5 is shown as <5 (a count near 5 may be too, after its perturbation); "
        "counties with fewer are counted together as other counties; further cells are hidden "
        "(shown as suppressed) so that no hidden count can be worked out from a total.",
        "No median, rate or percentage is shown over fewer than 5 survivors (or loans): it "
        "reads \"not shown (fewer than 5)\".",
        "Business survival uses the follow-up nearest 6 and 12 months after the survivor's "
        "first disbursement from this fund (within 45 days)."};
    return r;
}

}  // namespace riziki::reports
