#pragma once
/// Internal to db/: what the embedded cluster needs of the operating system — the
/// `postgres` account, PostgreSQL's binaries, free loopback ports, config files written
/// atomically, and a child process started safely from a multithreaded server.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace riziki::db::cluster_process {

namespace fs = std::filesystem;

/// Throws std::system_error for errno, naming `what`.
[[noreturn]] void throw_errno(const std::string& what);

struct Account {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
    std::string home;
};

/// getpwnam_r/getpwuid_r rather than the plain calls: the API server is multithreaded.
/// Looks up `*name` when given, else `uid`.
Account lookup_account(const std::string* name, uid_t uid);
std::vector<gid_t> groups_of(const Account& account);

/// The newest PostgreSQL's bin directory (pg_ctl, initdb, postgres).
fs::path find_bin_dir();

/// Binds 127.0.0.1:port the way postgres will (SO_REUSEADDR), so a port still in
/// TIME_WAIT counts as free. Port 0 asks the kernel for any free port. Returns the
/// bound port, or 0 when the bind failed.
int try_bind_loopback(int port);
int pick_free_port();

/// A port number from line `line_number` of a file, or 0 when missing or malformed.
int read_port(const fs::path& path, int line_number);

/// postgresql.conf string literal: quotes doubled, backslashes escaped.
std::string conf_quote(const std::string& value);

/// The last lines of a log, for an error message.
std::string log_tail(const fs::path& path);

/// Writes a whole file under a temporary name and renames it, so a crash never leaves a
/// half-written config behind.
void write_file_atomically(const fs::path& path, const std::string& content);

/// Pointers into `strings`, null-terminated, for execve.
std::vector<char*> c_strings(std::vector<std::string>& strings);

/// Everything the child needs, prepared before fork(): after fork only
/// async-signal-safe calls are allowed, because the parent may have other threads.
struct ChildPlan {
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* directory = nullptr;
    int output_fd = -1;
    bool drop_privileges = false;
    uid_t uid = 0;
    gid_t gid = 0;
    const std::vector<gid_t>* groups = nullptr;
};

/// In the child after fork(): signals reset, output redirected, privileges dropped, then
/// execve. Only async-signal-safe calls. Never returns.
[[noreturn]] void exec_child(const ChildPlan& plan);

}  // namespace riziki::db::cluster_process
