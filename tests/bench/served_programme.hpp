#pragma once
/// The programme's API served in this process, for the benchmarks that time it over HTTP
/// (bench_lists, bench_mpesa_import): on a free loopback port, with its today fixed at the
/// demo's, the programme seeded first unless the cluster is reused. The server stops and
/// the key directory is removed when this goes.

#include <unistd.h>

#include <filesystem>
#include <string>

#include "api/http_server.hpp"
#include "api/respond.hpp"
#include "api/routes.hpp"
#include "tests/bench/bench_programme.hpp"

namespace riziki::bench {

class ServedProgramme {
  public:
    /// `name` tells this run's key directory apart; `seed` is false for a reused cluster.
    ServedProgramme(const BenchCluster& cluster, const std::string& name, bool seed, int per_cohort,
                    int entries)
        : key_dir_(std::filesystem::temp_directory_path() /
                   ("riziki-bench-" + name + "-" + std::to_string(::getpid()))),
          conninfo_(cluster.app_conninfo()),
          pool_(conninfo_, 8),
          writer_(seeded(*this, seed, per_cohort, entries), {.render_response = api::render_entry}),
          vault_(api::PiiVault::open(key_dir_ / "pii.key")),
          server_(options(), api::make_api(pool_, writer_, conninfo_, vault_, api_options()),
                  [](boost::beast::http::status, const std::string&, const std::string&,
                     const api::RequestContext&) { return api::Response{}; }) {
        server_.start();
    }
    ~ServedProgramme() {
        server_.stop();
        server_.wait();
        std::error_code ignored;
        std::filesystem::remove_all(key_dir_, ignored);
    }
    ServedProgramme(const ServedProgramme&) = delete;
    ServedProgramme& operator=(const ServedProgramme&) = delete;

    unsigned short port() const { return server_.port(); }
    db::Pool& pool() { return pool_; }
    const api::PiiVault& vault() const { return vault_; }

  private:
    /// Seeds the programme (when asked) before the writer and the vault are made, and
    /// answers the writer's connection.
    static const std::string& seeded(ServedProgramme& self, bool seed, int per_cohort,
                                     int entries) {
        if (seed)
            seed_programme(self.pool_, self.conninfo_, self.key_dir_, per_cohort, entries);
        return self.conninfo_;
    }
    static api::ServerOptions options() {
        api::ServerOptions o;
        o.port = 0;
        return o;
    }
    static api::ApiOptions api_options() {
        api::ApiOptions o;
        o.today = api::kDemoToday;
        return o;
    }

    std::filesystem::path key_dir_;
    std::string conninfo_;
    db::Pool pool_;
    db::JournalWriter writer_;
    api::PiiVault vault_;
    api::HttpServer server_;
};

}  // namespace riziki::bench
