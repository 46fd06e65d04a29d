// HTTP API benchmark (SPEC §11, issue: API). Starts its own embedded PostgreSQL and an
// in-process `riziki` server on loopback. 32 keep-alive clients each pay out their share of
// the loans (one POST /v1/disbursements each) and post the loans' repayments (seven POST
// /v1/repayments each), with idempotency keys and M-Pesa references, as fast as they are
// answered. In the same run, pgbench measures the bare PostgreSQL ceiling: the same rows
// (the entry, its two postings, the idempotency record, the audit line and the payment
// reference) into plain copies of the tables, one commit per entry, from as many
// connections. It also measures the entry and its postings alone, the ceiling the
// benchmark compared against before session 6. Prints Markdown, and per API round the CPU
// time per entry of PostgreSQL's processes and of this one (the server and its clients).
//
//   build/tests/bench/bench_api [--clients 32] [--requests 12800] [--pgbench-seconds 10]
//                               [--rounds 1]

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>

#include "api/auth.hpp"
#include "api/fresh_code.hpp"
#include "api/pii_vault.hpp"
#include "api/respond.hpp"
#include "api/routes.hpp"
#include "db/credentials.hpp"
#include "db/journal_writer.hpp"
#include "db/programme.hpp"
#include "db/verify.hpp"
#include "tests/bench/bench_support.hpp"

using namespace riziki;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRequestsPerLoan = 8;  // one disbursement, seven repayments
constexpr long long kLoanCents = 80'000'00;
constexpr long long kRepaymentCents = 10'000'00;

std::string numbered(const char* prefix, int n) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%08d", prefix, n);
    return text;
}

/// A fund with cash, and `loans` survivors each with an approved 0 % loan of 80,000.00 KES
/// in eight monthly installments: written through the same store and writer as the API's.
void set_up(db::Programme& programme, db::JournalWriter& writer, const api::PiiVault& vault,
            int loans) {
    if (programme.create_fund({"F-BENCH", "", "Benchmark loan fund", "KES", true, std::nullopt,
                               std::nullopt, std::nullopt}) != ledger::Rejection::none ||
        programme.create_cohort({"BENCH", "Benchmark cohort", "Mombasa",
                                 *ledger::parse_date("2026-01-01")}) != ledger::Rejection::none) {
        throw std::runtime_error("bench: set-up refused");
    }
    db::WriteRequest receipt;
    receipt.draft.recorded_by = "bench";
    receipt.command =
        ledger::Receipt{"F-BENCH", ledger::Amount(kLoanCents) * loans,
                        *ledger::parse_date("2026-01-02"), ledger::Channel::bank, "TT-BENCH"};
    if (writer.write(std::move(receipt)).kind != db::WriteOutcome::Kind::committed)
        throw std::runtime_error("bench: receipt refused");
    for (int i = 0; i < loans; ++i) {
        db::SurvivorRecord s;
        s.code = numbered("SV-", i);
        s.cohort = "BENCH";
        s.gender = "female";
        s.birth_year = 1990;
        s.county = "Mombasa";
        s.enrolled_on = *ledger::parse_date("2026-01-03");
        s.consent_donor_reporting = true;
        s.recorded_by = "bench";
        s.record_key = api::random_record_key();
        const api::Pii pii{"Bench Survivor", "0700" + std::to_string(100'000 + i),
                           std::to_string(30'000'000 + i)};
        db::AwardRecord record;
        auto& a = record.award;
        a.id = numbered("AW-", i);
        a.survivor = s.code;
        a.fund = "F-BENCH";
        a.currency = "KES";
        a.kind = ledger::AwardKind::loan;
        a.approved_on = *ledger::parse_date("2026-01-05");
        a.approved = kLoanCents;
        ledger::LoanTerms terms;
        terms.interest_period = ledger::InterestPeriod::month;
        terms.installments = 8;
        a.terms = terms;
        record.purpose = "Benchmark";
        record.business_sector = "retail";
        record.recorded_by = "bench";
        if (programme.enrol_survivor(s, vault.seal(s.code, pii), vault.blind_indexes(pii)) !=
                ledger::Rejection::none ||
            programme.create_award(record) != ledger::Rejection::none) {
            throw std::runtime_error("bench: enrolment or award refused");
        }
    }
}

/// The n-th request of a loan: its disbursement, then its repayments a month apart.
std::pair<std::string, std::string> loan_request(int loan, int n) {
    const std::string award = numbered("AW-", loan);
    const std::string reference = numbered("QB", loan * kRequestsPerLoan + n);
    if (n == 0) {
        return {"/v1/disbursements", R"({"award":")" + award +
                                         R"(","amount":"80000.00","disbursed_on":"2026-01-10",)"
                                         R"("channel":"mpesa","reference":")" +
                                         reference + R"("})"};
    }
    const std::string paid_on = "2026-0" + std::to_string(1 + n) + "-10";  // n <= 7
    return {"/v1/repayments", R"({"award":")" + award + R"(","amount":"10000.00","paid_on":")" +
                                  paid_on + R"(","channel":"mpesa","reference":")" + reference +
                                  R"("})"};
}

struct ClientResult {
    std::vector<double> latencies_ms;
    int failures = 0;
};

/// One keep-alive connection working through its loans in order; each request is timed
/// from send to the full response.
asio::awaitable<void> client(unsigned short port, const std::string& token, int first_loan,
                             int loans, ClientResult& result) {
    auto executor = co_await asio::this_coro::executor;
    beast::tcp_stream stream(executor);
    co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                  asio::use_awaitable);
    beast::flat_buffer buffer;
    for (int loan = first_loan; loan < first_loan + loans; ++loan) {
        for (int n = 0; n < kRequestsPerLoan; ++n) {
            auto [target, body] = loan_request(loan, n);
            http::request<http::string_body> request{http::verb::post, target, 11};
            request.set(http::field::host, "127.0.0.1");
            request.set(http::field::authorization, "Bearer " + token);
            request.set(http::field::content_type, "application/json");
            request.set("Idempotency-Key", numbered("bench-", loan * kRequestsPerLoan + n));
            request.body() = std::move(body);
            request.prepare_payload();
            const auto started = Clock::now();
            co_await http::async_write(stream, request, asio::use_awaitable);
            http::response<http::string_body> response;
            co_await http::async_read(stream, buffer, response, asio::use_awaitable);
            result.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - started).count());
            if (response.result() != http::status::created && ++result.failures == 1) {
                std::fprintf(stderr, "bench: %s answered %d: %s\n", target.c_str(),
                             response.result_int(), response.body().c_str());
            }
        }
    }
}

struct Round {
    double ceiling = 0, rate = 0, p50 = 0, p99 = 0;
    double pg_cpu_us = 0, self_cpu_us = 0;  ///< CPU per entry, in microseconds
};

/// What every round measures with.
struct RoundSetup {
    bench::ScratchCluster& scratch;
    const bench::PerfControl& perf;
    unsigned short port;
    std::string token;
    int clients, loans_per_client, pg_seconds, statements;
};

/// Round `number`: the ceiling, then the API on loans of its own from `first_loan`. Adds the
/// requests answered and the non-201 answers to `answered` and `failed`.
Round run_round(const RoundSetup& setup, int number, int first_loan, std::size_t& answered,
                int& failed) {
    Round r;
    r.ceiling = bench::pgbench_ceiling(setup.scratch.cluster(), setup.clients, setup.pg_seconds,
                                       bench::CeilingRows::every_row);
    // The clients share one thread: 32 connections, not 32 more threads competing for
    // the two cores with the server and PostgreSQL.
    std::vector<ClientResult> results(static_cast<std::size_t>(setup.clients));
    asio::io_context ioc;
    for (int c = 0; c < setup.clients; ++c) {
        asio::co_spawn(ioc,
                       client(setup.port, setup.token, first_loan + c * setup.loans_per_client,
                              setup.loans_per_client, results[static_cast<std::size_t>(c)]),
                       [](std::exception_ptr error) {
                           if (error)
                               std::rethrow_exception(error);
                       });
    }
    if (setup.statements > 0)
        bench::reset_statements(setup.scratch.cluster());  // what is printed is the last round
    setup.perf.command("enable");
    const auto cpu_before = bench::read_cpu(setup.scratch.cluster());
    const auto started = Clock::now();
    ioc.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const auto cpu = bench::read_cpu(setup.scratch.cluster()).since(cpu_before);
    setup.perf.command("disable");
    bench::Latencies all;
    for (const auto& result : results) {
        all.ms.insert(all.ms.end(), result.latencies_ms.begin(), result.latencies_ms.end());
        failed += result.failures;
    }
    answered += all.ms.size();
    r.rate = static_cast<double>(all.ms.size()) / seconds;
    r.p50 = all.percentile(0.50);
    r.p99 = all.percentile(0.99);
    const double entries = static_cast<double>(all.ms.size());
    r.pg_cpu_us = cpu.first * 1e6 / entries;
    r.self_cpu_us = cpu.second * 1e6 / entries;
    // What this round wrote is vacuumed and checkpointed before the next phase, as
    // pgbench_ceiling does for its own tables: the autovacuum and the checkpoint one
    // phase's writes set off would otherwise run in the next phase's measured seconds.
    bench::psql(setup.scratch.cluster(),
                "-c 'VACUUM ANALYZE entries, postings, idempotency_keys, audit_log, "
                "payment_references, daily_balances, awards' -c CHECKPOINT >/dev/null");
    std::printf(
        "round %d: ceiling %.0f, API %.0f entries/s, p50 %.2f ms, p99 %.2f ms; CPU per "
        "entry: PostgreSQL %.0f us, server and clients %.0f us; resident %.0f MiB\n",
        number, r.ceiling, r.rate, r.p50, r.p99, r.pg_cpu_us, r.self_cpu_us, bench::resident_mib());
    return r;
}

/// The table of rounds and the summary line.
void print_summary(const std::vector<Round>& done, int clients, double entry_only,
                   std::size_t answered, int failed, const db::WriterStats& stats,
                   const db::VerifyReport& report) {
    std::printf(
        "| round | bare PostgreSQL, same rows, one commit per entry (pgbench) | POST "
        "/v1/disbursements and /v1/repayments over HTTP, %d clients | p50 ms | p99 ms | "
        "API / ceiling |\n|---|---|---|---|---|---|\n",
        clients);
    std::vector<double> ratios;
    for (std::size_t i = 0; i < done.size(); ++i) {
        const auto& r = done[i];
        ratios.push_back(r.ceiling > 0 ? r.rate / r.ceiling : 0.0);
        std::printf("| %zu | %.0f | %.0f | %.2f | %.2f | %.2f |\n", i + 1, r.ceiling, r.rate, r.p50,
                    r.p99, ratios.back());
    }
    std::sort(ratios.begin(), ratios.end());
    std::printf(
        "\nAPI / ceiling: %.2fx (median of %zu rounds; %.2f-%.2f); the entry and its postings "
        "only: %.0f entries/s; requests: %zu; non-201 answers: %d; batches: %llu, largest "
        "%llu; verify: %s over %lld entries\n",
        ratios[ratios.size() / 2], ratios.size(), ratios.front(), ratios.back(), entry_only,
        answered, failed, static_cast<unsigned long long>(stats.batches),
        static_cast<unsigned long long>(stats.batch_size_max), report.ok ? "ok" : "FAILED",
        static_cast<long long>(report.entries_checked));
}

}  // namespace

int main(int argc, char** argv) {
    const int clients = bench::arg(argc, argv, "clients", 32);
    const int requests = bench::arg(argc, argv, "requests", 12800);
    const int pg_seconds = bench::arg(argc, argv, "pgbench-seconds", 10);
    const int loans_per_client = std::max(1, requests / clients / kRequestsPerLoan);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    spdlog::set_level(spdlog::level::warn);  // no access log lines in the measurement
    // --explain DIR keeps the cluster in DIR and logs the plan of every statement (nested
    // ones too: the triggers') slower than 1 ms to DIR/pg/postgres.log.
    const std::string explain = bench::text_arg(argc, argv, "explain");
    bench::ScratchCluster scratch(explain);
    if (!explain.empty()) {
        bench::psql(scratch.cluster(),
                    "-c \"ALTER ROLE riziki_app SET session_preload_libraries = 'auto_explain'\" "
                    "-c \"ALTER ROLE riziki_app SET auto_explain.log_min_duration = '0ms'\" "
                    "-c \"ALTER ROLE riziki_app SET auto_explain.log_nested_statements = on\" "
                    "-c \"ALTER ROLE riziki_app SET auto_explain.log_analyze = off\"");
    }
    // --statements N: pg_stat_statements (nested statements too) prints the N statements
    // that took PostgreSQL longest during the measured phase.
    const int statements = bench::arg(argc, argv, "statements", 0);
    if (statements > 0)
        bench::track_statements(scratch.cluster());
    const std::string conninfo = scratch.app_conninfo();
    const double entry_only = bench::pgbench_ceiling(scratch.cluster(), clients, pg_seconds,
                                                     bench::CeilingRows::entry_and_postings);
    std::printf("pgbench, the entry and its postings only: %.0f entries/s\n", entry_only);

    // --rounds N: the ceiling and the API measured in turn N times, each API round on loans
    // of its own, so the machine's drift shows in each pair and not between them.
    const int rounds = std::max(1, bench::arg(argc, argv, "rounds", 1));
    const int loans_per_round = clients * loans_per_client;
    db::Pool pool(conninfo, 8);
    db::JournalWriter writer(conninfo, {.render_response = api::render_entry});
    const auto vault =
        api::PiiVault::open(std::filesystem::temp_directory_path() /
                            ("riziki-bench-" + std::to_string(::getpid())) / "pii.key");
    db::Programme programme(pool);
    set_up(programme, writer, vault, loans_per_round * rounds);
    db::Pool owner(scratch.cluster().superuser_conninfo(), 1);  // the app role makes no token
    db::Credentials credentials(owner);
    const std::string token = api::issue_token(credentials, vault, "bench", api::Role::finance, {},
                                               api::kTokenLifetimeDefaultS)
                                  .second;
    api::ServerOptions options;
    options.port = 0;
    options.io_threads = static_cast<std::size_t>(bench::arg(argc, argv, "io-threads", 2));
    api::HttpServer server(options, api::make_api(pool, writer, conninfo, vault),
                           [](http::status, const std::string&, const std::string&,
                              const api::RequestContext&) { return api::Response{}; });
    server.start();
    // --perf-control FIFO: `perf record --control=fifo:FIFO -D -1 ...` samples the
    // measured phases only.
    const bench::PerfControl perf(bench::text_arg(argc, argv, "perf-control"));

    const RoundSetup setup{scratch,          perf,       server.port(), token, clients,
                           loans_per_client, pg_seconds, statements};
    std::vector<Round> done;
    std::size_t answered = 0;
    int failed = 0;
    for (int round = 0; round < rounds; ++round)
        done.push_back(run_round(setup, round + 1, round * loans_per_round, answered, failed));
    server.stop();
    server.wait();

    const auto report = db::verify_journal(conninfo);
    print_summary(done, clients, entry_only, answered, failed, writer.stats(), report);
    if (statements > 0)
        bench::print_statements(scratch.cluster(), statements);
    return report.ok && failed == 0 ? 0 : 1;
}
