#pragma once
/// Shared by the benchmark programs: a throwaway embedded cluster, latency statistics,
/// command-line numbers, and the bare PostgreSQL ceiling measured with pgbench.

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/cluster.hpp"
#include "db/migrate.hpp"
#include "db/programme.hpp"

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

/// Creates a fund with no donor (named after its code unless `name` is given) unless it
/// exists.
inline void create_fund(db::Programme& programme, const std::string& code,
                        const std::string& currency, const std::string& name = "") {
    const auto rule = programme.create_fund({code, "", name.empty() ? code : name, currency, true,
                                             std::nullopt, std::nullopt, std::nullopt});
    if (rule != ledger::Rejection::none && rule != ledger::Rejection::already_exists)
        throw std::runtime_error("cannot create fund " + code);
}

/// The funds testing::random_entry posts to.
inline void create_random_entry_funds(db::Programme& programme) {
    for (const auto& [code, currency] :
         {std::pair{"F-KES", "KES"}, std::pair{"F-KES2", "KES"}, std::pair{"F-USD", "USD"}}) {
        create_fund(programme, code, currency);
    }
}

inline void psql(db::EmbeddedCluster& cluster, const std::string& options) {
    const std::string command = "psql -X -q \"" + cluster.superuser_conninfo() + "\" " + options;
    if (std::system(command.c_str()) != 0)
        throw std::runtime_error("bench: psql failed: " + options);
}

/// Restarts the cluster with pg_stat_statements loaded, tracking nested statements (the
/// triggers') too.
inline void track_statements(db::EmbeddedCluster& cluster) {
    psql(cluster,
         "-c \"ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'\" >/dev/null");
    cluster.stop();
    cluster.start();
    psql(cluster,
         "-c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' "
         "-c \"ALTER SYSTEM SET pg_stat_statements.track = 'all'\" "
         "-c 'SELECT pg_reload_conf()' >/dev/null");
}

inline void reset_statements(db::EmbeddedCluster& cluster) {
    psql(cluster, "-c 'SELECT pg_stat_statements_reset()' >/dev/null");
}

/// The `top` statements by total execution time since the last reset, as a Markdown table.
inline void print_statements(db::EmbeddedCluster& cluster, int top) {
    std::fflush(stdout);
    psql(cluster,
         "-A -F ' | ' -P footer=off -c \"SELECT round(total_exec_time::numeric, 1) AS ms, "
         "calls, rows, regexp_replace(left(query, 110), '\\s+', ' ', 'g') AS statement "
         "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT " +
             std::to_string(top) + "\"");
}

/// CPU seconds (user and system) used by the cluster's server processes (the postmaster's
/// children: a backend per connection, the WAL writer, the checkpointer) and by this
/// process, read from /proc. A phase's figure is `CpuReading::since` an earlier reading:
/// per process, so that backends which exited before the phase (pgbench's) do not count.
inline double process_cpu_seconds(const std::filesystem::path& stat, long* parent = nullptr) {
    std::ifstream in(stat);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos || close + 2 > text.size())
        return 0;
    // After the name: state (field 3), ppid (4), ... utime (14), stime (15).
    std::istringstream fields(text.substr(close + 2));
    std::vector<std::string> values;
    std::string field;
    while (values.size() < 13 && fields >> field)
        values.push_back(field);
    if (values.size() < 13)
        return 0;
    if (parent != nullptr)
        *parent = std::stol(values[1]);
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    return static_cast<double>(std::stoll(values[11]) + std::stoll(values[12])) / ticks;
}

struct CpuReading {
    std::map<long, double> postgres;  ///< per server process
    double self = 0;

    /// CPU seconds used since `before`: PostgreSQL's, and this process's.
    std::pair<double, double> since(const CpuReading& before) const {
        double server = 0;
        for (const auto& [pid, used] : postgres) {
            const auto then = before.postgres.find(pid);
            server += used - (then == before.postgres.end() ? 0 : then->second);
        }
        return {server, self - before.self};
    }
};

/// This process's resident memory in MiB (VmRSS), or 0 if /proc does not say.
inline double resident_mib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;  // given in kB
    }
    return 0;
}

inline CpuReading read_cpu(db::EmbeddedCluster& cluster) {
    CpuReading out;
    std::ifstream pid_file(cluster.root() / "data" / "postmaster.pid");
    long postmaster = 0;
    pid_file >> postmaster;
    for (const auto& dir : std::filesystem::directory_iterator("/proc")) {
        const auto name = dir.path().filename().string();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0])))
            continue;
        long parent = 0;
        const double used = process_cpu_seconds(dir.path() / "stat", &parent);
        if (parent == postmaster && postmaster != 0)
            out.postgres[std::stol(name)] = used;
    }
    out.self = process_cpu_seconds("/proc/self/stat");
    return out;
}

/// Tells a `perf record --control=fifo:PATH -D -1` run when to sample, so a profile covers
/// the measured phase and not the set-up. Does nothing without a path.
class PerfControl {
  public:
    explicit PerfControl(std::string fifo) : fifo_(std::move(fifo)) {}
    void command(const char* word) const {
        if (fifo_.empty())
            return;
        if (FILE* f = std::fopen(fifo_.c_str(), "w")) {
            std::fprintf(f, "%s\n", word);
            std::fclose(f);
        }
    }

  private:
    std::string fifo_;
};

/// The rows of one pgbench transaction: an entry and its two postings only (the ceiling
/// sessions 1-5 measured), or every row an API repayment inserts (SPEC §11: "for the same
/// rows"): the entry, its two postings, the idempotency record with a stored response the
/// size of the API's, the audit line and the M-Pesa reference.
enum class CeilingRows { entry_and_postings, every_row };

/// Transactions per second of pgbench writing `rows` into plain copies of Riziki's tables
/// (their columns, checks and indexes, but none of Riziki's triggers), one commit per
/// entry, from `clients` connections for `seconds`, with prepared statements (pgbench's
/// fastest protocol): what PostgreSQL itself manages on this machine when every entry is
/// its own transaction. 0 if pgbench is missing.
inline double pgbench_ceiling(db::EmbeddedCluster& cluster, int clients, int seconds,
                              CeilingRows rows) {
    const std::string bin = "/usr/lib/postgresql/15/bin/pgbench";
    if (!std::filesystem::exists(bin))
        return 0;
    const bool every_row = rows == CeilingRows::every_row;
    const std::string script =
        (cluster.root() / (every_row ? "ceiling_every_row.sql" : "ceiling.sql")).string();
    const std::string hash = "'\\x" + std::string(64, 'a') + "'";
    std::string text =
        "BEGIN;\n"
        "INSERT INTO bench_entries (seq, effective_on, memo, event, recorded_by, "
        "recorded_at, posting_count, prev_hash, hash) VALUES (nextval('bench_seq'), "
        "DATE '2026-11-24', 'Loan repayment AW-00000001 (QB00000001)', 'repayment', "
        "'token:1', now(), 2, " +
        hash + ", " + hash +
        ");\n"
        "INSERT INTO bench_postings (entry_seq, line, account, fund, currency, "
        "amount_minor, survivor, award, effective_on, counts_as) VALUES "
        "(currval('bench_seq'), 0, '1020', 'F-BENCH', 'KES', 100000, 'SV-00000001', "
        "'AW-00000001', DATE '2026-11-24', 'repayment'), "
        "(currval('bench_seq'), 1, '1100', 'F-BENCH', 'KES', -100000, 'SV-00000001', "
        "'AW-00000001', DATE '2026-11-24', 'repayment');\n";
    if (every_row) {
        // 753 bytes: the length of the response the API stores for a repayment.
        text +=
            "INSERT INTO bench_idempotency_keys (actor, key, request_hash, status, "
            "response, entry_seq) VALUES ('token:1', 'bench-' || currval('bench_seq'), " +
            hash +
            ", 201, repeat('r', 753), currval('bench_seq'));\n"
            "INSERT INTO bench_audit_log (seq, at, actor, request_id, action, subject, "
            "detail, prev_hash, hash) VALUES (currval('bench_seq'), now(), 'token:1', "
            "'22428e59f1e1e316', 'entry.write', 'entry:' || currval('bench_seq'), "
            "'repayment', " +
            hash + ", " + hash +
            ");\n"
            "INSERT INTO bench_payment_references (channel, reference, entry_seq) VALUES "
            "('mpesa', 'QB' || currval('bench_seq'), currval('bench_seq'));\n";
    }
    text += "COMMIT;\n";
    if (FILE* f = std::fopen(script.c_str(), "w")) {
        std::fputs(text.c_str(), f);
        std::fclose(f);
    }
    std::string tables = "-c 'SET client_min_messages = warning' ";
    for (const char* table :
         {"entries", "postings", "idempotency_keys", "audit_log", "payment_references"}) {
        tables += std::string("-c 'CREATE TABLE IF NOT EXISTS bench_") + table + " (LIKE " + table +
                  " INCLUDING ALL)' ";
    }
    try {
        psql(cluster, tables + "-c 'CREATE SEQUENCE IF NOT EXISTS bench_seq' >/dev/null");
    } catch (const std::runtime_error&) {
        return 0;
    }
    const std::string command = bin + " -n -M prepared -c " + std::to_string(clients) +
                                " -j 2 -T " + std::to_string(seconds) + " -f " + script + " \"" +
                                cluster.superuser_conninfo() +
                                "\" 2>/dev/null | grep -E '^tps' | head -1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr)
        return 0;
    char line[256] = {0};
    double tps = 0;
    if (std::fgets(line, sizeof line, pipe) != nullptr)
        std::sscanf(line, "tps = %lf", &tps);
    pclose(pipe);
    // What it wrote vacuumed and checkpointed before whatever is measured next: pgbench
    // writes several times the API's rows, and the autovacuum and the checkpoint they set
    // off would otherwise run in the next phase.
    psql(cluster, std::string(every_row ? "-c 'VACUUM ANALYZE bench_entries, bench_postings, "
                                          "bench_idempotency_keys, bench_audit_log, "
                                          "bench_payment_references'"
                                        : "-c 'VACUUM ANALYZE bench_entries, bench_postings'") +
                      " -c CHECKPOINT >/dev/null");
    return tps;
}

}  // namespace riziki::bench
