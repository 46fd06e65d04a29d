#include "api/demo.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "api/auth.hpp"
#include "api/fresh_code.hpp"
#include "api/pii_vault.hpp"
#include "db/credentials.hpp"
#include "db/journal_reads.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "ledger/awards.hpp"

namespace riziki::api {

namespace {

using ledger::Amount;
using ledger::Date;

constexpr const char* kActor = "demo";
constexpr long long kCents = 100;  // KES and USD both have two digits

struct DemoFund {
    const char* code;
    const char* donor;
    const char* name;
    const char* currency;
    bool loans;  ///< lends as well as grants
};

constexpr DemoFund kFunds[] = {
    {"HAART-KES-2026", "HAART-FRIENDS", "HAART Kenya survivor livelihoods 2025-2026", "KES", false},
    {"CTIP-USD-2026", "CTIP-PARTNERS", "CTIP partners microenterprise 2025-2026", "USD", false},
    {"TRUST-KES-LOANS", "COAST-TRUST", "Coast Livelihoods Trust revolving loans", "KES", true},
    {"CTIP-KES-LOANS", "CTIP-PARTNERS", "CTIP partners small loans 2025-2026", "KES", true},
};

constexpr const char* kDonors[][2] = {
    {"HAART-FRIENDS", "Friends of HAART (demo)"},
    {"CTIP-PARTNERS", "CTIP coordination partners (demo)"},
    {"COAST-TRUST", "Coast Livelihoods Trust (demo)"},
};

struct DemoCohort {
    const char* code;
    const char* county;
    const char* starts_on;
};

constexpr DemoCohort kCohorts[] = {
    {"MSA-2025A", "Mombasa", "2025-01-13"}, {"KLF-2025A", "Kilifi", "2025-03-10"},
    {"KWL-2025B", "Kwale", "2025-05-12"},   {"NBI-2025B", "Nairobi", "2025-08-11"},
    {"BSA-2025C", "Busia", "2025-10-13"},   {"KSM-2026A", "Kisumu", "2026-01-12"},
};

constexpr const char* kGivenNames[] = {"Amina",  "Wanjiru", "Achieng", "Fatuma", "Mercy",
                                       "Zawadi", "Halima",  "Nafula",  "Grace",  "Rehema",
                                       "Otieno", "Baraka",  "Juma",    "Kamau",  "Faith"};
constexpr const char* kFamilyNames[] = {"Mwangi", "Odhiambo", "Wekesa", "Ali",     "Njeri",
                                        "Chebet", "Mutua",    "Omondi", "Hassan",  "Wambui",
                                        "Kiprop", "Atieno",   "Karisa", "Mohamed", "Nyambura"};
constexpr const char* kSectors[] = {"tailoring", "retail kiosk",  "food vending", "hairdressing",
                                    "poultry",   "fish trading",  "mitumba",      "agribusiness",
                                    "catering",  "phone repairs", "soap making",  "beadwork"};

std::string code_from(std::mt19937& random, const char* prefix) {
    static constexpr char kAlphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    std::uniform_int_distribution<int> pick(0, sizeof kAlphabet - 2);
    std::string code(prefix);
    for (int i = 0; i < 8; ++i)
        code += kAlphabet[pick(random)];
    return code;
}

long day_of(const char* text) {
    return ledger::days_since_epoch(*ledger::parse_date(text));
}

/// A demo M-Pesa business payment tariff (not Safaricom's schedule).
Amount mpesa_fee(const Amount& amount) {
    if (amount <= 10'000 * kCents)
        return 15 * kCents;
    if (amount <= 50'000 * kCents)
        return 33 * kCents;
    return 54 * kCents;
}

/// A money event to book, in date order.
struct Event {
    long day = 0;
    int order = 0;  ///< within a day: receipts, transfers, disbursements, repayments, closures
    db::WriteRequest request;
};

ledger::EntryDraft transfer(long day, const std::string& fund, const std::string& currency,
                            const Amount& amount) {
    ledger::EntryDraft draft;
    draft.effective_on = ledger::date_from_days(day);
    draft.memo = "Bank to M-Pesa float";
    draft.event = ledger::Event::transfer;
    draft.recorded_by = kActor;
    draft.postings = {{"1020", fund, currency, amount, "", ""},
                      {"1010", fund, currency, -amount, "", ""}};
    return draft;
}

Event command(long day, int order, ledger::Command c) {
    Event e;
    e.day = day;
    e.order = order;
    e.request.draft.recorded_by = kActor;
    e.request.command = std::move(c);
    return e;
}

class Demo {
  public:
    Demo(db::Programme& programme, const PiiVault& vault, unsigned seed, long today, int per_cohort)
        : programme_(programme),
          vault_(vault),
          random_(seed),
          seed_(seed),
          today_(today),
          per_cohort_(per_cohort) {}

    std::vector<Event> build();

  private:
    void enrol(const DemoCohort& cohort, int index);
    void award(const db::SurvivorRecord& survivor, long enrolled);
    void pay_grant(const ledger::Award& a, long day);
    void pay_loan(const ledger::Award& a, long day);
    void observe(const db::SurvivorRecord& survivor, long first_disbursed);
    void fund_the_books();
    int chance() { return std::uniform_int_distribution<int>(0, 99)(random_); }
    long long between(long long low, long long high) {
        return std::uniform_int_distribution<long long>(low, high)(random_);
    }

    db::Programme& programme_;
    const PiiVault& vault_;
    std::mt19937 random_;
    unsigned seed_;
    long today_;
    int per_cohort_;
    std::set<std::string> phones_;
    std::vector<Event> events_;
    int reference_ = 0;
};

void Demo::enrol(const DemoCohort& cohort, int index) {
    db::SurvivorRecord s;
    s.code = code_from(random_, "SV-");
    s.cohort = cohort.code;
    s.gender = chance() < 78 ? "female" : (chance() < 95 ? "male" : "undisclosed");
    s.birth_year = static_cast<int>(between(1976, 2006));
    s.county = cohort.county;
    const long enrolled = day_of(cohort.starts_on) + between(0, 20);
    s.enrolled_on = ledger::date_from_days(enrolled);
    s.consent_donor_reporting = chance() < 92;
    s.consent_follow_up = chance() < 85;
    s.recorded_by = kActor;
    // Reproducible like the rest of the demo (its reports are golden files), but drawn
    // apart from its generator so that the demo's other data stayed as it was.
    s.record_key = demo_record_key(seed_, s.code);
    std::string phone;
    do {
        phone = "0700" + std::to_string(between(100'000, 999'999));  // a fictitious range
    } while (!phones_.insert(phone).second);
    const Pii pii{std::string(kGivenNames[between(0, 14)]) + " " + kFamilyNames[between(0, 14)],
                  phone, std::to_string(20'000'000 + index * 7919 + between(0, 7000))};
    if (programme_.enrol_survivor(s, vault_.seal(s.code, pii), vault_.blind_indexes(pii)) !=
        ledger::Rejection::none) {
        throw std::runtime_error("demo: enrolment refused");
    }
    award(s, enrolled);
}

void Demo::award(const db::SurvivorRecord& survivor, long enrolled) {
    // Nairobi and Busia borrow from the loan funds; the rest mostly receive grants.
    const bool lends = std::string(survivor.cohort).starts_with("NBI") ||
                       std::string(survivor.cohort).starts_with("BSA") || chance() < 30;
    const DemoFund& fund =
        lends ? kFunds[2 + chance() % 2] : (chance() < 25 ? kFunds[1] : kFunds[0]);
    const bool usd = std::string(fund.currency) == "USD";
    db::AwardRecord record;
    auto& a = record.award;
    a.id = code_from(random_, "AW-");
    a.survivor = survivor.code;
    a.fund = fund.code;
    a.currency = fund.currency;
    a.kind = fund.loans ? ledger::AwardKind::loan : ledger::AwardKind::grant;
    a.approved_on = ledger::date_from_days(enrolled + between(14, 40));
    const long long units = usd ? between(15, 50) * 10 : between(15, 80) * 1000;
    a.approved = units * kCents;
    if (fund.loans) {
        ledger::LoanTerms t;
        const int style = chance();
        t.interest_period = ledger::InterestPeriod::month;
        t.installments = static_cast<int>(between(6, 12));
        if (style < 55) {
            t.interest_rate = 0;  // the common case
        } else if (style < 80) {
            t.interest_rate = *ledger::parse_rate("1");
            t.interest_method = ledger::InterestMethod::flat;
        } else {
            t.interest_rate = *ledger::parse_rate("2");
        }
        t.grace_on_principal = chance() < 20 ? 1 : 0;
        a.terms = t;
    }
    record.purpose = "Start-up capital for " + std::string(kSectors[between(0, 11)]);
    record.business_sector = kSectors[between(0, 11)];
    record.recorded_by = kActor;
    if (programme_.create_award(record) != ledger::Rejection::none)
        throw std::runtime_error("demo: award refused");
    const long paid = ledger::days_since_epoch(a.approved_on) + between(3, 12);
    if (paid >= today_)
        return;  // approved, not yet paid out
    if (a.kind == ledger::AwardKind::loan)
        pay_loan(a, paid);
    else
        pay_grant(a, paid);
    observe(survivor, paid);
}

void Demo::pay_grant(const ledger::Award& a, long day) {
    // Shilling grants go by M-Pesa (some as goods in kind); dollar grants by bank transfer.
    const bool usd = a.currency == "USD";
    const bool in_kind = !usd && chance() < 10;
    const bool tranches = !in_kind && chance() < 30;
    const Amount first = tranches ? a.approved / 2 : a.approved;
    const auto channel = in_kind ? ledger::Channel::in_kind
                         : usd   ? ledger::Channel::bank
                                 : ledger::Channel::mpesa;
    const auto pay = [&](long on, const Amount& amount) {
        const std::string ref = (in_kind ? "GRN"
                                 : usd   ? "TT"
                                         : "QD") +
                                std::to_string(100'000 + ++reference_);
        const Amount fee = channel == ledger::Channel::mpesa ? mpesa_fee(amount) : Amount(0);
        events_.push_back(command(
            on, 2,
            ledger::Disbursement{a.id, amount, ledger::date_from_days(on), channel, ref, fee}));
    };
    pay(day, first);
    if (tranches && day + 60 < today_)
        pay(day + 60, a.approved - first);
}

void Demo::pay_loan(const ledger::Award& a, long day) {
    const auto disbursed_on = ledger::date_from_days(day);
    events_.push_back(
        command(day, 2,
                ledger::Disbursement{a.id, a.approved, disbursed_on, ledger::Channel::mpesa,
                                     "QL" + std::to_string(100'000 + ++reference_),
                                     mpesa_fee(a.approved)}));
    ledger::AwardFigures figures;
    ledger::add_posting(figures, ledger::chart::loans_receivable, ledger::Event::disbursement,
                        a.approved, disbursed_on);
    const auto schedule = ledger::award_schedule(a, figures);
    if (!schedule.ok())
        throw std::runtime_error("demo: schedule refused");
    // Most pay on time; some pay late and in part; a few stop paying and are written off.
    const int profile = chance();
    const bool late = profile >= 70 && profile < 90;
    const bool defaults = profile >= 90;
    int n = 0;
    Amount carried = 0;
    for (const auto& due : schedule.schedule.installments) {
        ++n;
        if (defaults && n > 2)
            break;
        const long on =
            ledger::days_since_epoch(due.due_on) + (late ? between(5, 40) : between(-3, 0));
        if (on >= today_)
            break;
        // Late payers sometimes pay half, and make it up with the next installment.
        const Amount amount = (late && n % 3 == 0 ? due.total / 2 : due.total) + carried;
        carried = due.total + carried - amount;
        if (amount <= 0)
            continue;  // an interest-free grace period: nothing falls due
        events_.push_back(command(
            on, 3,
            ledger::Repayment{a.id, amount, ledger::date_from_days(on), ledger::Channel::mpesa,
                              "QR" + std::to_string(100'000 + ++reference_)}));
    }
    if (defaults && schedule.schedule.installments.size() > 2) {
        const long written_off =
            ledger::days_since_epoch(schedule.schedule.installments[2].due_on) + 180;
        const bool forgive = chance() < 25;  // hardship review instead of a loss
        if (written_off < today_) {
            events_.push_back(command(
                written_off, 4,
                ledger::Closure{
                    forgive ? ledger::Closure::Kind::forgiveness : ledger::Closure::Kind::write_off,
                    a.id, ledger::date_from_days(written_off),
                    forgive ? "Forgiven on hardship review" : "No payment for 180 days"}));
            if (!forgive && chance() < 40 && written_off + 30 < today_) {
                events_.push_back(command(
                    written_off + 30, 3,
                    ledger::Repayment{
                        a.id, a.approved / 10, ledger::date_from_days(written_off + 30),
                        ledger::Channel::mpesa, "QR" + std::to_string(100'000 + ++reference_)}));
            }
        }
    }
}

void Demo::observe(const db::SurvivorRecord& survivor, long first_disbursed) {
    bool operating = chance() < 94;
    long long revenue = between(6, 40) * 1000;
    for (int months : {3, 6, 12}) {
        const Date on = ledger::add_months(ledger::date_from_days(first_disbursed), months);
        if (ledger::days_since_epoch(on) >= today_)
            return;
        operating = operating && chance() < 93;
        revenue = revenue * between(90, 125) / 100;
        db::OutcomeRecord o;
        o.survivor = survivor.code;
        o.observed_on = on;
        o.business_status = operating ? "operating" : "closed";
        o.currency = "KES";
        o.monthly_revenue = operating ? revenue * kCents : 0;
        o.monthly_profit = operating ? revenue * between(18, 40) / 100 * kCents : 0;
        o.household_income =
            (operating ? revenue * 7 / 10 : 0) * kCents + between(2, 9) * 1000 * kCents;
        o.savings = between(0, 30) * 500 * kCents;
        o.jobs = operating ? static_cast<int>(between(0, 3)) : 0;
        o.recorded_by = kActor;
        // A survivor who did not consent to follow-up is not observed (check_outcome); the
        // figures are drawn all the same, so the rest of the seeded programme is unchanged.
        if (!survivor.consent_follow_up)
            continue;
        if (programme_.record_outcome(o) != ledger::Rejection::none)
            throw std::runtime_error("demo: outcome refused");
    }
}

/// Donors pay each fund quarterly ahead of what it pays out; each month the M-Pesa float
/// is topped up from the bank for that month's payouts and fees.
void Demo::fund_the_books() {
    std::map<std::string, const DemoFund*> funds;
    for (const auto& f : kFunds)
        funds[f.code] = &f;
    std::map<std::string, std::string> award_fund;  // award -> fund
    std::map<std::pair<std::string, long>, Amount> quarter_need, month_need;
    for (const auto& e : events_) {
        const auto* d = std::get_if<ledger::Disbursement>(&*e.request.command);
        if (d == nullptr)
            continue;
        const auto record = programme_.award(d->award);
        const Date date = ledger::date_from_days(e.day);
        const int year = static_cast<int>(date.year());
        const unsigned month = static_cast<unsigned>(date.month());
        const long quarter = year * 4L + (month - 1) / 3;
        quarter_need[{record->award.fund, quarter}] += d->amount + d->fee;
        if (d->channel == ledger::Channel::mpesa)
            month_need[{record->award.fund, year * 12L + month - 1}] += d->amount + d->fee;
    }
    for (const auto& [key, need] : quarter_need) {
        const auto& [fund, quarter] = key;
        const Date first(std::chrono::year(static_cast<int>(quarter / 4)),
                         std::chrono::month(static_cast<unsigned>(quarter % 4 * 3 + 1)),
                         std::chrono::day(1));
        const Amount step =
            (funds.at(fund)->currency == std::string("USD") ? 1'000 : 100'000) * kCents;
        const Amount amount = (need * 115 / 100 + step - 1) / step * step;
        events_.push_back(command(ledger::days_since_epoch(first), 0,
                                  ledger::Receipt{fund, amount, first, ledger::Channel::bank,
                                                  "TT-" + fund + "-" + std::to_string(quarter)}));
    }
    for (const auto& [key, need] : month_need) {
        const auto& [fund, month] = key;
        const Date first(std::chrono::year(static_cast<int>(month / 12)),
                         std::chrono::month(static_cast<unsigned>(month % 12 + 1)),
                         std::chrono::day(1));
        Event e;
        e.day = ledger::days_since_epoch(first);
        e.order = 1;
        e.request.draft = transfer(e.day, fund, funds.at(fund)->currency, need);
        events_.push_back(std::move(e));
    }
}

std::vector<Event> Demo::build() {
    for (const auto& [code, name] : kDonors) {
        if (programme_.create_donor({code, name}) != ledger::Rejection::none)
            throw std::runtime_error("demo: donor refused");
    }
    for (const auto& f : kFunds) {
        db::FundRecord fund{f.code,
                            f.donor,
                            f.name,
                            f.currency,
                            true,
                            ledger::parse_date("2025-01-01"),
                            ledger::parse_date("2026-12-31"),
                            (std::string(f.currency) == "USD" ? 150'000 : 20'000'000) * kCents};
        if (programme_.create_fund(fund) != ledger::Rejection::none)
            throw std::runtime_error("demo: fund refused");
    }
    int index = 0;
    for (const auto& c : kCohorts) {
        if (programme_.create_cohort({c.code, std::string(c.county) + " cohort " + c.code, c.county,
                                      *ledger::parse_date(c.starts_on)}) !=
            ledger::Rejection::none) {
            throw std::runtime_error("demo: cohort refused");
        }
        for (int i = 0; i < per_cohort_; ++i)
            enrol(c, ++index);
    }
    fund_the_books();
    std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
        return std::pair(a.day, a.order) < std::pair(b.day, b.order);
    });
    return std::move(events_);
}

}  // namespace

DemoSummary seed_demo(db::Pool& pool, db::JournalWriter& writer, const PiiVault& vault,
                      unsigned seed, const ledger::Date& today, int survivors_per_cohort) {
    db::JournalReads journal(pool);
    db::Programme programme(pool);
    DemoSummary summary;
    if (journal.head().seq != 0 || programme.fund(kFunds[0].code))
        return summary;
    Demo demo(programme, vault, seed, ledger::days_since_epoch(today), survivors_per_cohort);
    auto events = demo.build();
    // Queued in date order, booked in batches; each command is checked against the books
    // as the ones before it left them, exactly as over HTTP.
    std::vector<std::future<db::WriteOutcome>> pending;
    pending.reserve(events.size());
    for (auto& e : events)
        pending.push_back(writer.submit(std::move(e.request)));
    for (auto& f : pending) {
        const auto outcome = f.get();
        if (outcome.kind == db::WriteOutcome::Kind::committed)
            ++summary.entries;
        else
            ++summary.refused;
    }
    // Months that ended before the last two are closed, as a finance officer would.
    const auto last_closed = ledger::add_months(today, -2);
    for (Date month(std::chrono::year(2025), std::chrono::month(1), std::chrono::day(1));
         month < Date(last_closed.year(), last_closed.month(), std::chrono::day(1));
         month = ledger::add_months(month, 1)) {
        (void)journal.close_period(ledger::period_of(month), kActor, "");
    }
    summary.survivors = static_cast<int>(std::size(kCohorts)) * survivors_per_cohort;
    return summary;
}

std::vector<std::pair<std::string, std::string>> demo_tokens(db::Credentials& credentials,
                                                             const PiiVault& vault) {
    std::vector<std::pair<std::string, std::string>> out;
    for (Role role : kAllRoles) {
        const std::string name(to_string(role));
        const std::vector<std::string> funds =
            role == Role::donor ? demo_donor_funds() : std::vector<std::string>{};
        out.emplace_back(name, issue_token(credentials, vault, "demo " + name, role, funds,
                                           kTokenLifetimeDefaultS)
                                   .second);
    }
    return out;
}

std::vector<std::string> demo_donor_funds() {
    return {kFunds[0].code};
}

}  // namespace riziki::api
