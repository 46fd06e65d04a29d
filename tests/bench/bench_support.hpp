#pragma once
/// Shared by the benchmark programs: a throwaway embedded cluster, latency statistics,
/// command-line numbers, and the bare PostgreSQL ceiling measured with pgbench.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "db/cluster.hpp"
#include "db/migrate.hpp"

namespace riziki::bench {

/// A migrated embedded cluster: fresh in a temporary directory and removed afterwards, or,
/// given a directory, kept there and reused by the next run (to iterate on a read path
/// without reloading millions of entries).
class ScratchCluster {
  public:
    explicit ScratchCluster(const std::string& keep_in = "") : keep_(!keep_in.empty()) {
        if (keep_) {
            root_ = std::filesystem::absolute(keep_in).string();
            std::filesystem::create_directories(root_);
        } else {
            root_ = (std::filesystem::temp_directory_path() / "riziki-bench-XXXXXX").string();
            if (mkdtemp(root_.data()) == nullptr)
                throw std::runtime_error("mkdtemp failed");
        }
        cluster_ = std::make_unique<db::EmbeddedCluster>(db::ClusterOptions{root_ + "/pg", 0});
        cluster_->start();
        db::migrate(cluster_->superuser_conninfo());
    }
    ~ScratchCluster() {
        cluster_.reset();
        if (!keep_)
            std::filesystem::remove_all(root_);
    }
    db::EmbeddedCluster& cluster() { return *cluster_; }
    std::string app_conninfo() const { return cluster_->conninfo_for("riziki_app"); }

  private:
    bool keep_;
    std::string root_;
    std::unique_ptr<db::EmbeddedCluster> cluster_;
};

struct Latencies {
    std::vector<double> ms;  // latency statistics only; never money
    double percentile(double p) {
        std::sort(ms.begin(), ms.end());
        return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
    }
};

inline std::string text_arg(int argc, char** argv, const std::string& name,
                            const std::string& fallback = "") {
    for (int i = 1; i + 1 < argc; ++i) {
        if (argv[i] == "--" + name)
            return argv[i + 1];
    }
    return fallback;
}

inline int arg(int argc, char** argv, const std::string& name, int fallback) {
    const auto text = text_arg(argc, argv, name);
    return text.empty() ? fallback : std::stoi(text);
}

/// Transactions per second of pgbench inserting a two-row "entry" per transaction (one
/// commit each) from `clients` connections for `seconds`: what PostgreSQL itself manages
/// on this machine with one commit per entry. 0 if pgbench is missing.
inline double pgbench_ceiling(db::EmbeddedCluster& cluster, int clients, int seconds) {
    const std::string bin = "/usr/lib/postgresql/15/bin/pgbench";
    if (!std::filesystem::exists(bin))
        return 0;
    const std::string script = (cluster.root() / "ceiling.sql").string();
    if (FILE* f = std::fopen(script.c_str(), "w")) {
        std::fputs(
            "BEGIN;\n"
            "INSERT INTO bench_postings VALUES (1, '5100', 100), (1, '1020', -100);\n"
            "COMMIT;\n",
            f);
        std::fclose(f);
    }
    const std::string conninfo = cluster.superuser_conninfo();
    const std::string setup = "psql -q \"" + conninfo +
                              "\" -c 'CREATE TABLE IF NOT EXISTS bench_postings "
                              "(entry bigint, account text, amount numeric(39,0))' >/dev/null";
    if (std::system(setup.c_str()) != 0)
        return 0;
    const std::string command = bin + " -n -c " + std::to_string(clients) + " -j 2 -T " +
                                std::to_string(seconds) + " -f " + script + " \"" + conninfo +
                                "\" 2>/dev/null | grep -E '^tps' | head -1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
        return 0;
    char line[256] = {0};
    double tps = 0;
    if (std::fgets(line, sizeof line, pipe) != nullptr)
        std::sscanf(line, "tps = %lf", &tps);
    pclose(pipe);
    return tps;
}

}  // namespace riziki::bench
