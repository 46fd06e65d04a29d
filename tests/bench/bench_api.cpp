// HTTP API benchmark (issue: API). Starts its own embedded PostgreSQL and an in-process
// `riziki` server on loopback; 32 keep-alive clients post two-posting entries with
// idempotency keys as fast as they are answered. In the same run, pgbench measures the bare
// PostgreSQL ceiling of one commit per two-row entry (16 clients). Prints Markdown.
//
//   build/tests/bench/bench_api [--clients 32] [--entries 20000] [--pgbench-seconds 10]

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <thread>

#include "api/auth.hpp"
#include "api/pii_vault.hpp"
#include "api/routes.hpp"
#include "db/journal_writer.hpp"
#include "db/store.hpp"
#include "db/verify.hpp"
#include "tests/bench/bench_support.hpp"

using namespace riziki;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string entry_body(int client, int i) {
    const int amount = 100 + (client * 7919 + i) % 50000;
    const std::string a = std::to_string(amount / 100) + "." + (amount % 100 < 10 ? "0" : "") +
                          std::to_string(amount % 100);
    return R"({"effective_on":"2026-11-24","memo":"bench","postings":[)"
           R"({"account":"5100","fund":"F-BENCH","amount":")" +
           a +
           R"(","survivor":"SV-0001","award":"AW-0001"},)"
           R"({"account":"1020","fund":"F-BENCH","amount":"-)" +
           a + R"(","survivor":"SV-0001","award":"AW-0001"}]})";
}

/// One keep-alive client: `count` POSTs, each timed from send to full response.
void client(unsigned short port, const std::string& token, int id, int count,
            std::vector<double>& latencies, int& failures) {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    beast::flat_buffer buffer;
    for (int i = 0; i < count; ++i) {
        http::request<http::string_body> request{http::verb::post, "/v1/entries", 11};
        request.set(http::field::host, "127.0.0.1");
        request.set(http::field::authorization, "Bearer " + token);
        request.set(http::field::content_type, "application/json");
        request.set("Idempotency-Key", "bench-" + std::to_string(id) + "-" + std::to_string(i));
        request.body() = entry_body(id, i);
        request.prepare_payload();
        const auto started = Clock::now();
        http::write(stream, request);
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        latencies.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (response.result() != http::status::created)
            ++failures;
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int clients = bench::arg(argc, argv, "clients", 32);
    const int entries = bench::arg(argc, argv, "entries", 20000);
    const int pg_seconds = bench::arg(argc, argv, "pgbench-seconds", 10);
    spdlog::set_level(spdlog::level::warn);  // no access log lines in the measurement
    bench::ScratchCluster scratch;
    const std::string conninfo = scratch.app_conninfo();
    const double ceiling = bench::pgbench_ceiling(scratch.cluster(), 16, pg_seconds);

    db::Store store(conninfo, 8);
    store.create_fund("F-BENCH", "KES", "Benchmark fund");
    const std::string token = api::generate_token();
    store.create_token("bench", "finance", {}, api::token_digest(token));
    db::JournalWriter writer(conninfo);
    const auto vault = api::PiiVault::open(std::filesystem::temp_directory_path() /
                                           ("riziki-bench-" + std::to_string(::getpid())) /
                                           "pii.key");
    api::ServerOptions options;
    options.port = 0;
    api::HttpServer server(options, api::make_api(store, writer, conninfo, 8, vault),
                           [](http::status, const std::string&, const std::string&,
                              const api::RequestContext&) { return api::Response{}; });
    server.start();

    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
    std::vector<int> failures(static_cast<std::size_t>(clients), 0);
    const auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            const auto i = static_cast<std::size_t>(c);
            client(server.port(), token, c, entries / clients, latencies[i], failures[i]);
        });
    }
    for (auto& thread : threads)
        thread.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    server.stop();
    server.wait();

    bench::Latencies all;
    int failed = 0;
    for (std::size_t c = 0; c < latencies.size(); ++c) {
        all.ms.insert(all.ms.end(), latencies[c].begin(), latencies[c].end());
        failed += failures[c];
    }
    const double rate = static_cast<double>(all.ms.size()) / seconds;
    const auto report = db::verify_journal(conninfo);
    std::printf("| path | clients | entries/s | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
    std::printf("| bare PostgreSQL, one commit per entry (pgbench) | 16 | %.0f | | |\n", ceiling);
    std::printf("| POST /v1/entries over HTTP, batched writer | %d | %.0f | %.2f | %.2f |\n",
                clients, rate, all.percentile(0.50), all.percentile(0.99));
    std::printf(
        "\nAPI / ceiling: %.2fx; non-201 answers: %d; largest batch: %llu; verify: %s "
        "over %lld entries\n",
        ceiling > 0 ? rate / ceiling : 0.0, failed,
        static_cast<unsigned long long>(writer.stats().batch_size_max), report.ok ? "ok" : "FAILED",
        static_cast<long long>(report.entries_checked));
    return report.ok && failed == 0 ? 0 : 1;
}
