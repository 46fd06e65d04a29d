#include "api/demo.hpp"

#include <random>
#include <stdexcept>

#include "api/auth.hpp"
#include "db/journal_writer.hpp"
#include "db/store.hpp"

namespace riziki::api {

namespace {

constexpr const char* kFundKes = "HAART-KES-2026";
constexpr const char* kFundUsd = "CTIP-USD-2026";

ledger::EntryDraft entry(long day, const std::string& memo, const std::string& event,
                         std::vector<ledger::Posting> postings) {
    ledger::EntryDraft draft;
    draft.effective_on = ledger::date_from_days(day);
    draft.memo = memo;
    draft.event = event;
    draft.recorded_by = "demo";
    draft.postings = std::move(postings);
    return draft;
}

/// One month of a fund: a donor receipt, a top-up of the M-Pesa float, grant payouts to
/// survivors (by pseudonym) with M-Pesa charges.
std::vector<ledger::EntryDraft> month(std::mt19937& random, const char* fund, const char* currency,
                                      long first_day, int& survivor) {
    const bool kes = std::string(currency) == "KES";
    constexpr long long kCents = 100;  // both demo currencies have two digits
    const long long receipt = (kes ? 1'500'000 : 12'000) * kCents;
    std::uniform_int_distribution<long long> grant(kes ? 15'000 : 150, kes ? 60'000 : 500);
    std::vector<ledger::EntryDraft> out;
    out.push_back(entry(
        first_day, "Donor tranche received", "receipt",
        {{"1010", fund, currency, receipt, "", ""}, {"4100", fund, currency, -receipt, "", ""}}));
    const long long float_top_up = receipt / 2;
    out.push_back(entry(first_day + 1, "Bank to M-Pesa float", "transfer",
                        {{"1020", fund, currency, float_top_up, "", ""},
                         {"1010", fund, currency, -float_top_up, "", ""}}));
    for (int i = 0; i < 8; ++i) {
        const long long amount = grant(random) * kCents;
        const long long fee = kes ? 108 * kCents : 0;  // the M-Pesa B2C charge
        char code[16];
        std::snprintf(code, sizeof code, "SV-%04d", ++survivor);
        std::vector<ledger::Posting> postings{{"5100", fund, currency, amount, code, ""},
                                              {"1020", fund, currency, -amount, code, ""}};
        if (fee > 0) {
            postings.push_back({"5300", fund, currency, fee, code, ""});
            postings.push_back({"1020", fund, currency, -fee, code, ""});
        }
        out.push_back(entry(first_day + 3 + i * 3, "Start-up grant paid by M-Pesa", "disbursement",
                            std::move(postings)));
    }
    return out;
}

}  // namespace

int seed_demo(db::Store& store, db::JournalWriter& writer, unsigned seed) {
    if (store.head().seq != 0)
        return 0;
    store.create_fund(kFundKes, "KES", "HAART Kenya livelihoods 2026");
    store.create_fund(kFundUsd, "USD", "CTIP partners microenterprise 2026");
    std::mt19937 random(seed);
    int survivor = 0;
    int written = 0;
    const long january = ledger::days_since_epoch(*ledger::parse_date("2026-01-05"));
    for (int m = 0; m < 10; ++m) {
        const long day = january + m * 30;
        for (auto& draft : month(random, kFundKes, "KES", day, survivor)) {
            written += writer.write({std::move(draft), std::nullopt}).kind ==
                       db::WriteOutcome::Kind::committed;
        }
        for (auto& draft : month(random, kFundUsd, "USD", day + 1, survivor)) {
            written += writer.write({std::move(draft), std::nullopt}).kind ==
                       db::WriteOutcome::Kind::committed;
        }
    }
    return written;
}

std::vector<std::pair<std::string, std::string>> demo_tokens(db::Store& store) {
    std::vector<std::pair<std::string, std::string>> out;
    for (Role role : kAllRoles) {
        const std::string name(to_string(role));
        const std::vector<std::string> funds =
            role == Role::donor ? std::vector<std::string>{kFundKes} : std::vector<std::string>{};
        const std::string token = generate_token();
        store.create_token("demo " + name, name, funds, token_digest(token));
        out.emplace_back(name, token);
    }
    return out;
}

}  // namespace riziki::api
