// The read side at programme size (SPEC §13, issue 18 item 5: p95 <= 100 ms for each list
// and the dashboard at 100,000 survivors and 2,000,000 entries).
//
//   ./build/tests/bench/bench_lists --per-cohort 16667 --entries 2000000 [--requests 200]
//
// Seeds the programme as bench_reports does (tests/bench/bench_programme.hpp; seeding takes
// minutes: `--keep-cluster DIR` keeps it, `--reuse-cluster DIR` reads it again), starts the
// API in this process on loopback, with its today fixed at the demo's, and asks each route
// of the table below `requests` times, one request at a time on one keep-alive connection,
// printing p50 and p95 per route and role. A route that answers 404 or 405 is reported as
// "missing" (a route or method not built yet), any other refusal by its status; neither
// fails the run.
// The exit status is 1 only when an answered route misses its target.

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "api/auth.hpp"
#include "api/http_server.hpp"
#include "api/respond.hpp"
#include "api/routes.hpp"
#include "db/credentials.hpp"
#include "tests/bench/served_programme.hpp"
#include "tests/support/http_client.hpp"

using namespace riziki;
using testing::HeaderList;
using testing::HttpClient;
using Clock = std::chrono::steady_clock;

namespace {

/// One row of the table: a request, the role that makes it and its p95 target.
struct Target {
    std::string method;
    std::string path;
    std::string role;
    double p95_ms = 100;
    std::string body = "";
    /// Time the second page: the path is asked once and its `next` followed.
    bool next_page = false;
    int requests = 0;  ///< 0: --requests
};

/// Every list of issue 18 (C's and D's) and the dashboard of each role.
std::vector<Target> targets() {
    const std::string fund = "HAART-KES-2026";
    return {
        {"GET", "/v1/awards?limit=100", "finance"},
        {"GET", "/v1/awards?limit=100", "finance", 100, "", true},
        {"GET", "/v1/awards?sort=days_late&limit=100", "finance"},
        {"GET", "/v1/awards?sort=days_late&limit=100", "finance", 100, "", true},
        {"GET", "/v1/awards?sort=days_late&min_days_late=30&limit=100", "auditor"},
        {"GET", "/v1/awards?sort=days_late&fund=CTIP-KES-LOANS&limit=100", "finance"},
        {"GET", "/v1/awards?kind=loan&status=active&limit=1000", "finance"},
        {"GET", "/v1/dashboard", "finance"},
        {"GET", "/v1/dashboard", "donor"},
        {"GET", "/v1/dashboard", "auditor"},
        {"GET", "/v1/dashboard", "field"},
        {"GET", "/v1/dashboard", "admin"},
        // Engineer C's lists (issue 18 item 4): "missing" until they are merged.
        {"GET", "/v1/donors", "finance"},
        {"GET", "/v1/funds", "finance"},
        {"GET", "/v1/funds", "donor"},
        {"GET", "/v1/cohorts", "finance"},
        {"GET", "/v1/survivors?limit=100", "finance"},
        {"GET", "/v1/survivors?limit=100", "finance", 100, "", true},
        {"GET", "/v1/survivors?q=SV-A&limit=100", "finance"},
        {"GET", "/v1/survivors?cohort=NBI-2025B&limit=100", "field"},
        {"GET", "/v1/funds/" + fund + "/receipts", "finance"},
        {"GET", "/v1/outcomes?limit=100", "field"},
        // Rate-limited per credential (30 a minute): a few requests only.
        {"POST", "/v1/survivors/lookup", "field", 100, R"({"phone":"0700000000"})", false, 20},
    };
}

struct Measured {
    int status = 0;  ///< the last answer's
    bench::Latencies latencies;
};

Measured measure(HttpClient& client, const Target& t, const std::string& token, int requests) {
    const HeaderList headers{{"Authorization", "Bearer " + token}};
    std::string path = t.path;
    if (t.next_page) {
        const auto first = client.get(t.path, headers);
        const auto body = nlohmann::json::parse(first.body, nullptr, false);
        if (first.status != 200 || !body.is_object() || !body.contains("next") ||
            !body["next"].is_string()) {
            return {first.status, {}};
        }
        path += "&after=" + body["next"].get<std::string>();
    }
    Measured m;
    for (int i = 0; i < requests; ++i) {
        const auto start = Clock::now();
        const auto response =
            t.method == "GET" ? client.get(path, headers) : client.post(path, t.body, headers);
        m.latencies.ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        m.status = response.status;
        if (response.status != 200)
            break;  // a refusal is reported, not timed
    }
    return m;
}

/// Prints the table; returns the number of answered routes over their target.
int run_targets(unsigned short port, const std::map<std::string, std::string>& tokens,
                int requests) {
    HttpClient client(port, "127.0.0.1", std::chrono::seconds(60));
    std::printf("| route | role | p50 ms | p95 ms | target p95 ms | result |\n");
    std::printf("|---|---|---|---|---|---|\n");
    int over = 0;
    for (const auto& t : targets()) {
        auto m = measure(client, t, tokens.at(t.role), t.requests > 0 ? t.requests : requests);
        const std::string route = t.method + " " + t.path + (t.next_page ? " (page 2)" : "");
        if (m.status != 200) {
            // 404 or 405: the route, or its method, is not built in this branch.
            const std::string result = m.status == 404 || m.status == 405
                                           ? "missing"
                                           : "status " + std::to_string(m.status);
            std::printf("| %s | %s | - | - | %.0f | %s |\n", route.c_str(), t.role.c_str(),
                        t.p95_ms, result.c_str());
            continue;
        }
        const double p50 = m.latencies.percentile(0.50), p95 = m.latencies.percentile(0.95);
        const bool ok = p95 <= t.p95_ms;
        over += ok ? 0 : 1;
        std::printf("| %s | %s | %.1f | %.1f | %.0f | %s |\n", route.c_str(), t.role.c_str(), p50,
                    p95, t.p95_ms, ok ? "ok" : "OVER");
    }
    return over;
}

/// One token per role; the donor's for the demo's first fund.
std::map<std::string, std::string> make_tokens(const std::string& owner_conninfo,
                                               const api::PiiVault& vault) {
    db::Pool owner(owner_conninfo, 1);  // the app role makes no token
    db::Credentials credentials(owner);
    std::map<std::string, std::string> tokens;
    for (const api::Role role : {api::Role::admin, api::Role::finance, api::Role::field,
                                 api::Role::donor, api::Role::auditor}) {
        const std::vector<std::string> funds = role == api::Role::donor
                                                   ? std::vector<std::string>{"HAART-KES-2026"}
                                                   : std::vector<std::string>{};
        const std::string name(api::to_string(role));
        tokens[name] = api::issue_token(credentials, vault, "bench-" + name, role, funds,
                                        api::kTokenLifetimeDefaultS)
                           .second;
    }
    return tokens;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    spdlog::set_level(spdlog::level::warn);
    const int per_cohort = bench::arg(argc, argv, "per-cohort", 16'667);
    const int entries = bench::arg(argc, argv, "entries", 2'000'000);
    const int requests = std::max(20, bench::arg(argc, argv, "requests", 200));
    const std::string reuse = bench::text_arg(argc, argv, "reuse-cluster");
    bench::BenchCluster cluster(bench::text_arg(argc, argv, "keep-cluster"), reuse);
    bench::ServedProgramme served(cluster, "lists", reuse.empty(), per_cohort, entries);
    const int over =
        run_targets(served.port(), make_tokens(cluster.owner_conninfo(), served.vault()), requests);
    return over == 0 ? 0 : 1;
}
