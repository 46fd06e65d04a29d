#pragma once
/// A private PostgreSQL cluster under a directory of ours (SPEC §3): initdb + pg_ctl,
/// unix socket and loopback only. When the process runs as root, the cluster runs as an
/// unprivileged OS user (postgres by default, RIZIKI_PG_USER to choose another).

#include <sys/types.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace riziki::db {

struct ClusterOptions {
    std::filesystem::path root;  ///< holds data/, run/ (socket dir) and postgres.log
    int port = 0;                ///< 0: reuse the port recorded in root, or pick a free one
    std::string database = "riziki";
};

class EmbeddedCluster {
  public:
    explicit EmbeddedCluster(ClusterOptions options);
    ~EmbeddedCluster();  ///< stops the server if this object started it
    EmbeddedCluster(const EmbeddedCluster&) = delete;
    EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

    /// Creates the cluster on first use (initdb, config, database), then starts it, or
    /// reuses a server already running on the same directory. Throws std::runtime_error
    /// with the tail of postgres.log when something fails.
    void start();
    /// pg_ctl stop -m fast (waits). No-op when not running.
    void stop();
    /// pg_ctl stop -m immediate: a crash, for recovery tests.
    void stop_immediate();

    /// libpq conninfo for the cluster's superuser over the unix socket.
    std::string superuser_conninfo() const;
    /// libpq conninfo for a given role over the unix socket.
    std::string conninfo_for(const std::string& role) const;
    int port() const { return port_; }
    const std::filesystem::path& root() const { return options_.root; }

  private:
    std::filesystem::path data_dir() const { return options_.root / "data"; }
    std::filesystem::path socket_dir() const { return options_.root / "run"; }
    std::filesystem::path log_path() const { return options_.root / "postgres.log"; }
    std::filesystem::path port_path() const { return options_.root / "port"; }

    void prepare_directories() const;
    void make_ancestors_traversable() const;
    void adopt(const std::filesystem::path& path, mode_t mode) const;
    void create_cluster() const;
    void write_settings() const;
    void write_port_file() const;
    void ensure_database() const;
    void stop_with_mode(const char* mode);
    bool server_running() const;
    int run_tool(const std::string& tool, const std::vector<std::string>& args,
                 bool log_output) const;
    int open_log() const;
    std::runtime_error failure(const std::string& what) const;
    std::string conninfo(const std::string& user, const std::string& database) const;

    ClusterOptions options_;
    int port_ = 0;
    bool started_by_us_ = false;
    std::string superuser_;
    std::filesystem::path bin_dir_;  ///< holds initdb, pg_ctl, postgres
    /// True when we are root: the tools then run as run_uid_/run_gid_ (the superuser_
    /// account), because initdb and postgres refuse to run as root.
    bool drop_privileges_ = false;
    uid_t run_uid_ = 0;
    gid_t run_gid_ = 0;
    std::string run_home_;
    std::vector<gid_t> run_groups_;  ///< supplementary groups of that account
};

}  // namespace riziki::db
