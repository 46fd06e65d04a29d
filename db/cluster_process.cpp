#include "db/cluster_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <system_error>

namespace riziki::db::cluster_process {

namespace {

constexpr std::size_t kLogTailLines = 20;
constexpr std::size_t kGroupsMax = 256;

/// "15" or "9.6" as (major, minor), so that 15 sorts above 9.6.
std::pair<int, int> parse_version(const std::string& text) {
    std::pair<int, int> version{-1, -1};
    const char* end = text.data() + text.size();
    auto [next, error] = std::from_chars(text.data(), end, version.first);
    if (error != std::errc{})
        return {-1, -1};
    if (next != end && *next == '.')
        std::from_chars(next + 1, end, version.second);
    return version;
}

[[noreturn]] void fail_in_child(const char* what) {
    const char* reason = strerrorname_np(errno);
    const char prefix[] = "riziki cluster: ";
    (void)!write(STDERR_FILENO, prefix, sizeof prefix - 1);
    (void)!write(STDERR_FILENO, what, std::strlen(what));
    (void)!write(STDERR_FILENO, ": ", 2);
    if (reason != nullptr)
        (void)!write(STDERR_FILENO, reason, std::strlen(reason));
    (void)!write(STDERR_FILENO, "\n", 1);
    _exit(127);
}

}  // namespace

void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

/// getpwnam_r/getpwuid_r rather than the plain calls: the API server is multithreaded.
Account lookup_account(const std::string* name, uid_t uid) {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    const int error = name != nullptr
                          ? getpwnam_r(name->c_str(), &entry, buffer.data(), buffer.size(), &found)
                          : getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) {
        const std::string who = name != nullptr ? *name : "uid " + std::to_string(uid);
        throw std::runtime_error("cluster: no OS account for " + who +
                                 (error != 0 ? std::string(": ") + std::strerror(error) : ""));
    }
    return Account{entry.pw_uid, entry.pw_gid, entry.pw_name, entry.pw_dir};
}

std::vector<gid_t> groups_of(const Account& account) {
    std::vector<gid_t> groups(kGroupsMax);
    int count = static_cast<int>(groups.size());
    if (getgrouplist(account.name.c_str(), account.gid, groups.data(), &count) < 0) {
        count = static_cast<int>(groups.size());  // truncated: the first kGroupsMax will do
    }
    groups.resize(static_cast<std::size_t>(count));
    return groups;
}

fs::path find_bin_dir() {
    if (const char* env = std::getenv("RIZIKI_PG_BIN"); env != nullptr && *env != '\0') {
        const fs::path dir = fs::absolute(env);
        if (!fs::exists(dir / "initdb")) {
            throw std::runtime_error("cluster: RIZIKI_PG_BIN=" + dir.string() + " has no initdb");
        }
        return dir;
    }
    fs::path best;
    std::pair<int, int> best_version{-1, -1};
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
        const auto version = parse_version(entry.path().filename().string());
        if (version > best_version && fs::exists(entry.path() / "bin" / "initdb", error)) {
            best = entry.path() / "bin";
            best_version = version;
        }
    }
    if (best.empty()) {
        throw std::runtime_error(
            "cluster: no /usr/lib/postgresql/*/bin/initdb; install postgresql or set "
            "RIZIKI_PG_BIN");
    }
    return best;
}

/// Binds 127.0.0.1:port the way postgres will (SO_REUSEADDR), so a port still in
/// TIME_WAIT counts as free. Port 0 asks the kernel for any free port. Returns the
/// bound port, or 0 when the bind failed.
int try_bind_loopback(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw_errno("cluster: socket");
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    int bound = 0;
    if (bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0) {
        bound = ntohs(address.sin_port);
    }
    close(fd);
    return bound;
}

int pick_free_port() {
    const int port = try_bind_loopback(0);
    if (port == 0)
        throw_errno("cluster: could not find a free loopback port");
    return port;
}

/// A port number from the first line of a file, or 0 when missing or malformed.
int read_port(const fs::path& path, int line_number) {
    std::ifstream in(path);
    std::string line;
    for (int line_index = 0; line_index < line_number; ++line_index) {
        if (!std::getline(in, line))
            return 0;
    }
    int port = 0;
    const auto result = std::from_chars(line.data(), line.data() + line.size(), port);
    return result.ec == std::errc{} && port > 0 && port < 65536 ? port : 0;
}

/// postgresql.conf string literal: quotes doubled, backslashes escaped.
std::string conf_quote(const std::string& value) {
    std::string quoted = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\')
            quoted += c;
        quoted += c;
    }
    return quoted + "'";
}

std::string log_tail(const fs::path& path) {
    std::ifstream in(path);
    std::deque<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(std::move(line));
        if (lines.size() > kLogTailLines)
            lines.pop_front();
    }
    std::string tail;
    for (const auto& line : lines)
        tail += line + "\n";
    return tail;
}

/// Writes a whole file under a temporary name and renames it, so a crash never leaves a
/// half-written config behind.
void write_file_atomically(const fs::path& path, const std::string& content) {
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
            throw std::runtime_error("cluster: could not write " + temporary.string());
    }
    fs::rename(temporary, path);
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& string : strings)
        pointers.push_back(string.data());
    pointers.push_back(nullptr);
    return pointers;
}

[[noreturn]] void exec_child(const ChildPlan& plan) {
    // The caller's blocked signals and ignored SIGPIPE would otherwise leak into
    // pg_ctl and the postmaster it spawns.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &default_action, nullptr);

    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0)
        fail_in_child("stdin");
    if (dup2(plan.output_fd, STDOUT_FILENO) < 0)
        fail_in_child("stdout");
    if (dup2(plan.output_fd, STDERR_FILENO) < 0)
        fail_in_child("stderr");
    // Sockets and files the server process opened (libpq connections, the HTTP listener)
    // must not end up held open by a long-lived postmaster.
    close_range(3, ~0U, 0);
    if (plan.drop_privileges) {
        // Order matters: groups and gid while we still have the right to change them.
        if (setgroups(plan.groups->size(), plan.groups->data()) != 0)
            fail_in_child("setgroups");
        if (setresgid(plan.gid, plan.gid, plan.gid) != 0)
            fail_in_child("setresgid");
        if (setresuid(plan.uid, plan.uid, plan.uid) != 0)
            fail_in_child("setresuid");
    }
    if (chdir(plan.directory) != 0)
        fail_in_child("chdir");
    execve(plan.argv[0], plan.argv, plan.envp);
    fail_in_child("execve");
}
}  // namespace riziki::db::cluster_process
