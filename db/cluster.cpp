#include "db/cluster.hpp"

#include "db/cluster_process.hpp"
#include "db/connection_string.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <utility>

extern char** environ;

namespace riziki::db {
namespace {

using namespace cluster_process;

namespace fs = std::filesystem;

constexpr const char* kStartTimeoutSeconds = "60";
// sockaddr_un::sun_path is 108 bytes on Linux and postgres needs the terminating NUL.
constexpr std::size_t kSocketPathLengthMax = 107;
// libpq's SQLSTATE for "database already exists": another process created it first.
constexpr const char* kDuplicateDatabase = "42P04";
// Run over bare libpq on the maintenance database, before any riziki session exists.
constexpr const char* kDatabaseExists = "SELECT 1 FROM pg_database WHERE datname = $1";
// Followed by the quoted name: an identifier cannot be a bind parameter.
constexpr const char* kCreateDatabase = "CREATE DATABASE ";

}  // namespace

EmbeddedCluster::EmbeddedCluster(ClusterOptions options) : options_(std::move(options)) {
    if (options_.root.empty())
        throw std::invalid_argument("cluster: root must not be empty");
    fs::path root = fs::absolute(options_.root).lexically_normal();
    if (!root.has_filename())
        root = root.parent_path();  // "/x/y/" -> "/x/y"
    options_.root = root;
    bin_dir_ = find_bin_dir();
    drop_privileges_ = geteuid() == 0;
    Account account;
    if (drop_privileges_) {
        const char* env = std::getenv("RIZIKI_PG_USER");
        const std::string name = env != nullptr && *env != '\0' ? env : "postgres";
        account = lookup_account(&name, 0);
        if (account.uid == 0) {
            throw std::runtime_error("cluster: RIZIKI_PG_USER must not be a root account");
        }
    } else {
        account = lookup_account(nullptr, geteuid());
    }
    superuser_ = account.name;
    run_uid_ = account.uid;
    run_gid_ = account.gid;
    run_home_ = account.home;
    if (drop_privileges_)
        run_groups_ = groups_of(account);
    port_ = options_.port != 0 ? options_.port : read_port(port_path(), 1);
    if (port_ == 0)
        port_ = pick_free_port();
}

EmbeddedCluster::~EmbeddedCluster() {
    try {
        if (started_by_us_)
            stop();
    } catch (...) {
        // A destructor must not throw; the server may already be gone.
    }
}

void EmbeddedCluster::start() {
    prepare_directories();
    if (!fs::exists(data_dir() / "PG_VERSION"))
        create_cluster();
    if (server_running()) {
        // Another object or process started it; it may listen on another port than the
        // one we would have chosen, and postmaster.pid (line 4) says which.
        if (const int running = read_port(data_dir() / "postmaster.pid", 4); running != 0) {
            port_ = running;
        }
        started_by_us_ = false;
    } else {
        // The recorded port may have been taken by something else since the last run;
        // an explicit options.port is kept so that the failure is visible instead.
        if (options_.port == 0 && try_bind_loopback(port_) == 0)
            port_ = pick_free_port();
        write_port_file();
        write_settings();
        const int status = run_tool("pg_ctl",
                                    {"start", "-D", data_dir().string(), "-w", "-t",
                                     kStartTimeoutSeconds, "-l", log_path().string()},
                                    true);
        if (status != 0) {
            throw failure("pg_ctl start exited with status " + std::to_string(status));
        }
        started_by_us_ = true;
    }
    ensure_database();
}

void EmbeddedCluster::stop() {
    stop_with_mode("fast");
}

void EmbeddedCluster::stop_immediate() {
    stop_with_mode("immediate");
}

void EmbeddedCluster::stop_with_mode(const char* mode) {
    if (!server_running()) {
        started_by_us_ = false;
        return;
    }
    const int status = run_tool(
        "pg_ctl", {"stop", "-D", data_dir().string(), "-m", mode, "-w", "-t", kStartTimeoutSeconds},
        true);
    if (status != 0) {
        throw failure("pg_ctl stop -m " + std::string(mode) + " exited with status " +
                      std::to_string(status));
    }
    started_by_us_ = false;
}

std::string EmbeddedCluster::superuser_conninfo() const {
    return conninfo(superuser_, options_.database);
}

std::string EmbeddedCluster::conninfo_for(const std::string& role) const {
    return conninfo(role, options_.database);
}

std::string EmbeddedCluster::conninfo(const std::string& user, const std::string& database) const {
    return "host=" + conninfo_value(socket_dir().string()) + " port=" + std::to_string(port_) +
           " user=" + conninfo_value(user) + " dbname=" + conninfo_value(database);
}

/// root/ and run/ are 0700 and belong to the account that runs the server: the socket
/// directory is the access control for the trust-authenticated unix socket.
void EmbeddedCluster::prepare_directories() const {
    fs::create_directories(options_.root);
    if (drop_privileges_)
        make_ancestors_traversable();
    adopt(options_.root, 0700);
    fs::create_directories(socket_dir());
    adopt(socket_dir(), 0700);
    close(open_log());
    adopt(log_path(), 0600);
    // A data directory created by an earlier non-root run belongs to another account;
    // postgres refuses a data directory it does not own.
    struct stat data_status {};
    if (drop_privileges_ && stat(data_dir().c_str(), &data_status) == 0 &&
        data_status.st_uid != run_uid_) {
        for (const auto& entry : fs::recursive_directory_iterator(data_dir())) {
            if (lchown(entry.path().c_str(), run_uid_, run_gid_) != 0)
                throw_errno("lchown");
        }
        adopt(data_dir(), 0700);
    }
    const std::string socket_path = (socket_dir() / (".s.PGSQL." + std::to_string(port_))).string();
    if (socket_path.size() > kSocketPathLengthMax) {
        throw std::runtime_error("cluster: socket path " + socket_path +
                                 " is too long for a unix socket; use a shorter root");
    }
}

/// The server account must be able to walk down to root/. We only ever loosen one kind
/// of directory: a root-owned 0700 directory under /tmp, which is what mkdtemp makes for
/// throwaway test clusters; it becomes 0711 (traverse only, no listing). Anything else
/// is the operator's to decide, so we stop with a message saying what to change.
void EmbeddedCluster::make_ancestors_traversable() const {
    for (fs::path dir = options_.root.parent_path(); dir != dir.root_path();
         dir = dir.parent_path()) {
        struct stat status {};
        if (stat(dir.c_str(), &status) != 0)
            throw_errno("cluster: stat " + dir.string());
        bool traversable = (status.st_mode & S_IXOTH) != 0;
        if (status.st_uid == run_uid_) {
            traversable = (status.st_mode & S_IXUSR) != 0;
        } else if (std::find(run_groups_.begin(), run_groups_.end(), status.st_gid) !=
                   run_groups_.end()) {
            traversable = (status.st_mode & S_IXGRP) != 0;
        }
        if (traversable)
            continue;
        const bool under_tmp = dir.string().starts_with("/tmp/");
        if (under_tmp && status.st_uid == 0 && (status.st_mode & 07777) == 0700) {
            if (chmod(dir.c_str(), 0711) != 0)
                throw_errno("cluster: chmod " + dir.string());
            continue;
        }
        throw std::runtime_error("cluster: " + dir.string() + " is not traversable by OS user " +
                                 superuser_ + "; grant it o+x or choose another root");
    }
}

void EmbeddedCluster::adopt(const fs::path& path, mode_t mode) const {
    if (drop_privileges_ && chown(path.c_str(), run_uid_, run_gid_) != 0) {
        throw_errno("cluster: chown " + path.string());
    }
    if (chmod(path.c_str(), mode) != 0)
        throw_errno("cluster: chmod " + path.string());
}

/// initdb runs into a staging directory that is renamed to data/ only once configured,
/// so an interrupted creation is retried from scratch instead of leaving a data/
/// without our settings.
void EmbeddedCluster::create_cluster() const {
    const fs::path staging = options_.root / "data.initdb";
    fs::remove_all(staging);
    if (fs::exists(data_dir()) && !fs::is_empty(data_dir())) {
        throw std::runtime_error("cluster: " + data_dir().string() +
                                 " has no PG_VERSION but is not empty; refusing to touch it");
    }
    const int status = run_tool(
        "initdb",
        {"-D", staging.string(), "-U", superuser_, "--auth-local=trust",
         "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"},
        true);
    if (status != 0)
        throw failure("initdb exited with status " + std::to_string(status));
    {
        // Our settings live in riziki.conf, rewritten before every start (the port can
        // change); postgresql.conf only includes it, after initdb's own defaults.
        std::ofstream conf(staging / "postgresql.conf", std::ios::app);
        conf << "\n# Riziki: settings for the embedded cluster.\ninclude 'riziki.conf'\n";
        std::ofstream hba(staging / "pg_hba.conf", std::ios::trunc);
        // Unix socket: trust, guarded by the 0700 socket directory. TCP: loopback only.
        hba << "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n";
        if (!conf || !hba)
            throw std::runtime_error("cluster: could not write the config");
    }
    if (fs::exists(data_dir()))
        fs::remove(data_dir());
    fs::rename(staging, data_dir());
}

void EmbeddedCluster::write_settings() const {
    std::ostringstream settings;
    settings << "listen_addresses = '127.0.0.1'\n"
             << "port = " << port_ << "\n"
             << "unix_socket_directories = " << conf_quote(socket_dir().string()) << "\n"
             << "unix_socket_permissions = 0700\n"
             << "max_connections = 100\n"
             << "shared_buffers = 256MB\n"
             << "synchronous_commit = on\n"
             << "fsync = on\n"
             << "logging_collector = off\n"
             << "wal_level = minimal\n"
             << "max_wal_senders = 0\n"
             << "log_min_messages = warning\n";
    const fs::path path = data_dir() / "riziki.conf";
    write_file_atomically(path, settings.str());
    adopt(path, 0600);
}

void EmbeddedCluster::write_port_file() const {
    write_file_atomically(port_path(), std::to_string(port_) + "\n");
    adopt(port_path(), 0600);
}

void EmbeddedCluster::ensure_database() const {
    using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
    using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
    const Connection connection(
        PQconnectdb((conninfo(superuser_, "postgres") + " connect_timeout=10").c_str()), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw failure("cannot connect as " + superuser_ + ": " + PQerrorMessage(connection.get()));
    }
    const char* name = options_.database.c_str();
    const Result found(
        PQexecParams(connection.get(), kDatabaseExists, 1, nullptr, &name, nullptr, nullptr, 0),
        &PQclear);
    if (PQresultStatus(found.get()) != PGRES_TUPLES_OK) {
        throw failure(std::string("cannot list databases: ") + PQerrorMessage(connection.get()));
    }
    if (PQntuples(found.get()) == 1)
        return;
    const std::unique_ptr<char, decltype(&PQfreemem)> quoted(
        PQescapeIdentifier(connection.get(), name, options_.database.size()), &PQfreemem);
    if (!quoted)
        throw failure(std::string("bad name: ") + PQerrorMessage(connection.get()));
    const Result created(
        PQexec(connection.get(), (kCreateDatabase + std::string(quoted.get())).c_str()), &PQclear);
    const char* state = PQresultErrorField(created.get(), PG_DIAG_SQLSTATE);
    const bool raced = state != nullptr && std::strcmp(state, kDuplicateDatabase) == 0;
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK && !raced) {
        throw failure("cannot create database " + options_.database + ": " +
                      PQerrorMessage(connection.get()));
    }
}

/// pg_ctl status: 0 running, 3 not running, 4 no usable data directory.
bool EmbeddedCluster::server_running() const {
    if (!fs::exists(data_dir() / "PG_VERSION"))
        return false;
    return run_tool("pg_ctl", {"status", "-D", data_dir().string()}, false) == 0;
}

/// Runs bin_dir_/tool with args (an argv vector, never a shell line), as the server
/// account, in root/, output appended to postgres.log (or discarded). Returns the exit
/// status, or 128 + signal number.
int EmbeddedCluster::run_tool(const std::string& tool, const std::vector<std::string>& args,
                              bool log_output) const {
    std::vector<std::string> argv_strings{(bin_dir_ / tool).string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<std::string> env_strings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view variable(*entry);
        const bool replaced =
            drop_privileges_ && (variable.starts_with("HOME=") || variable.starts_with("USER=") ||
                                 variable.starts_with("LOGNAME="));
        if (!replaced)
            env_strings.emplace_back(variable);
    }
    if (drop_privileges_) {
        env_strings.push_back("HOME=" + run_home_);
        env_strings.push_back("USER=" + superuser_);
        env_strings.push_back("LOGNAME=" + superuser_);
    }
    const auto argv = c_strings(argv_strings);
    const auto envp = c_strings(env_strings);
    const std::string directory = options_.root.string();
    const int output_fd = log_output ? open_log() : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (output_fd < 0)
        throw_errno("cluster: open /dev/null");
    const ChildPlan plan{argv.data(),      envp.data(), directory.c_str(), output_fd,
                         drop_privileges_, run_uid_,    run_gid_,          &run_groups_};
    const pid_t pid = fork();
    if (pid == 0)
        exec_child(plan);
    const int fork_errno = errno;
    close(output_fd);
    if (pid < 0) {
        errno = fork_errno;
        throw_errno("cluster: fork");
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw_errno("cluster: waitpid " + tool);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// postgres.log, created if needed and owned by the server account: pg_ctl reopens it
/// as that account for the server's own output.
int EmbeddedCluster::open_log() const {
    const int fd = open(log_path().c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw_errno("cluster: open " + log_path().string());
    if (drop_privileges_ && fchown(fd, run_uid_, run_gid_) != 0) {
        const int saved = errno;
        close(fd);
        errno = saved;
        throw_errno("cluster: chown " + log_path().string());
    }
    return fd;
}

std::runtime_error EmbeddedCluster::failure(const std::string& what) const {
    return std::runtime_error("cluster " + options_.root.string() + ": " + what +
                              "\n--- last lines of " + log_path().string() + " ---\n" +
                              log_tail(log_path()));
}

}  // namespace riziki::db
