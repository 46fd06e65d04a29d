#include "tests/api/server_fixture.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <soci/postgresql/soci-postgresql.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace riziki::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{10};
constexpr std::chrono::seconds kStartupTimeout{20};
constexpr std::chrono::seconds kExitTimeout{30};

/// The test's environment without RIZIKI_* (so a developer's settings cannot leak into
/// the server) and with the log level the fixture relies on.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (!text.starts_with("RIZIKI_"))
            out.emplace_back(text);
    }
    out.emplace_back("RIZIKI_LOG_LEVEL=info");
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

/// fork + execve with stdout and stderr redirected; stdin is /dev/null and no other
/// descriptor of the test (sockets of other servers' clients) leaks into the child.
/// `run_as` other than 0: the child takes that user and group id before it executes.
pid_t spawn(std::vector<std::string> argv, int out_fd, int err_fd,
            const std::vector<std::string>& extra_environment = {}, uid_t run_as = 0) {
    auto environment = child_environment(extra_environment);
    auto args = c_strings(argv);
    auto envp = c_strings(environment);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0)
        throw std::runtime_error("open /dev/null failed");
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        // If the test program dies, its servers die with it instead of lingering.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::dup2(null_fd, 0);
        ::dup2(out_fd, 1);
        ::dup2(err_fd, 2);
        ::close_range(3, ~0U, 0);
        if (run_as != 0 && (::setgid(run_as) != 0 || ::setuid(run_as) != 0))
            ::_exit(126);
        ::execve(args[0], args.data(), envp.data());
        ::_exit(127);
    }
    ::close(null_fd);
    return pid;
}

int decode_status(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return -WTERMSIG(status);
    return -1000;
}

/// Waits for `pid` until `deadline`; nullopt if it is still running then.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return decode_status(status);
        if (done < 0 && errno != EINTR)
            throw std::runtime_error("waitpid failed");
        if (Clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(kPollInterval);
    }
}

int open_append(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot open " + path);
    return fd;
}

/// The port in the server's "listening on http[s]://HOST:PORT " log line, or 0.
unsigned short port_in_log(const std::string& log) {
    static const std::string kMarker = "listening on http";
    const auto at = log.find(kMarker);
    if (at == std::string::npos)
        return 0;
    const auto end = log.find(' ', at + kMarker.size());
    const auto colon = log.rfind(':', end);
    if (end == std::string::npos || colon == std::string::npos || colon < at)
        return 0;
    unsigned value = 0;
    for (auto i = colon + 1;
         i < end && std::isdigit(static_cast<unsigned char>(log[i])) != 0 && value < 65536; ++i) {
        value = value * 10 + static_cast<unsigned>(log[i] - '0');
    }
    return value > 0 && value < 65536 ? static_cast<unsigned short>(value) : 0;
}

std::string make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "riziki-api-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::unique_ptr<ApiServer> g_shared;

}  // namespace

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stderr_path,
                          std::chrono::milliseconds timeout,
                          const std::vector<std::string>& environment) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    const int err_fd = open_append(stderr_path);
    const pid_t pid = spawn(argv, pipe_fds[1], err_fd, environment);
    ::close(pipe_fds[1]);
    ::close(err_fd);
    CommandResult result;
    const auto deadline = Clock::now() + timeout;
    char chunk[4096];
    for (;;) {
        pollfd fd{pipe_fds[0], POLLIN, 0};
        if (::poll(&fd, 1, 100) > 0) {
            const auto n = ::read(pipe_fds[0], chunk, sizeof chunk);
            if (n <= 0)
                break;
            result.out.append(chunk, static_cast<std::size_t>(n));
        }
        if (Clock::now() >= deadline)
            break;
    }
    ::close(pipe_fds[0]);
    const auto code = wait_until(pid, deadline);
    if (!code) {
        ::kill(pid, SIGKILL);
        wait_until(pid, Clock::now() + kExitTimeout);
        throw std::runtime_error(argv.at(0) + " did not finish in time");
    }
    result.exit_code = *code;
    return result;
}

ApiServer::ApiServer(ServeSettings settings)
    : database_(TestCluster::instance().fresh_database(
          settings.command == "hub" ? db::MigrationSet::hub : db::MigrationSet::ledger)),
      settings_(std::move(settings)) {
    home_ = make_temp_dir();
    key_directory_ = make_temp_dir();
    key_file_ = key_directory_ + "/pii.key";
    const auto& environment = settings_.environment;
    const auto named = std::find_if(environment.begin(), environment.end(), [](const auto& e) {
        return e.starts_with("RIZIKI_PII_KEY_FILE=");
    });
    if (named == environment.end())
        settings_.environment.push_back("RIZIKI_PII_KEY_FILE=" + key_file_);
    else
        key_file_ = named->substr(std::string("RIZIKI_PII_KEY_FILE=").size());
    // Suites enrol more than the default 30 a minute with one token; the tests of the limit
    // name it (test_lookup.cpp; an empty value gives the default).
    if (std::none_of(environment.begin(), environment.end(), [](const auto& e) {
            return e.starts_with("RIZIKI_IDENTITY_RATE_PER_MINUTE=");
        })) {
        settings_.environment.push_back("RIZIKI_IDENTITY_RATE_PER_MINUTE=1000000");
    }
    log_path_ = home_ + "/riziki.log";
    if (settings_.run_as != 0) {
        for (const auto& directory : {home_, key_directory_})
            std::filesystem::permissions(directory, std::filesystem::perms::all);
    }
    // A hub (`riziki hub`) has its own schema: no funds, no tokens of these roles.
    if (settings_.command != "hub") {
        create_fund("F-KES", "KES");
        create_fund("F-KES2", "KES");
        create_fund("F-USD", "USD");
        for (const auto& role : kRoles) {
            tokens_[role] = create_token(role, role == "donor" ? std::vector<std::string>{"F-KES"}
                                                               : std::vector<std::string>{});
        }
    }
    // `token create` made the key file as this process's user: the server's it must be.
    if (settings_.run_as != 0 &&
        ::chown(key_file_.c_str(), settings_.run_as, settings_.run_as) != 0)
        throw std::runtime_error("cannot give the key file to the server's user");
    start();
}

ApiServer::~ApiServer() {
    if (running()) {
        ::kill(pid_, SIGTERM);
        if (!wait_until(pid_, Clock::now() + kExitTimeout)) {
            ::kill(pid_, SIGKILL);
            wait_until(pid_, Clock::now() + kExitTimeout);
        }
    }
    std::error_code ignored;
    std::filesystem::remove_all(home_, ignored);
    std::filesystem::remove_all(key_directory_, ignored);
}

void ApiServer::start() {
    if (running())
        throw std::logic_error("server already running");
    const auto offset = std::filesystem::exists(log_path_) ? read_file(log_path_).size() : 0;
    const int log_fd = open_append(log_path_);
    std::vector<std::string> argv{RIZIKI_BINARY,    settings_.command,
                                  "--database-url", database_.owner_conninfo,
                                  "--home",         home_};
    if (!settings_.listen.empty()) {
        argv.push_back("--listen");
        argv.push_back(settings_.listen);
    }
    argv.insert(argv.end(), settings_.options.begin(), settings_.options.end());
    pid_ = spawn(argv, log_fd, log_fd, settings_.environment, settings_.run_as);
    ::close(log_fd);
    const auto deadline = Clock::now() + kStartupTimeout;
    port_ = 0;
    while (Clock::now() < deadline) {
        if (auto code = wait_until(pid_, Clock::now()); code) {
            pid_ = -1;
            throw std::runtime_error("riziki serve exited with " + std::to_string(*code) +
                                     " while starting:\n" + log());
        }
        if (port_ == 0)
            port_ = port_in_log(log().substr(offset));
        if (port_ != 0 && settings_.tls)
            return;  // it logs that line once it accepts connections
        if (port_ != 0) {
            try {
                if (client().get("/healthz").status == 200)
                    return;
            } catch (const HttpError&) {
                // Not accepting yet: poll again.
            }
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    throw std::runtime_error("riziki serve was not ready within 20 s:\n" + log());
}

void ApiServer::terminate() {
    if (running())
        ::kill(pid_, SIGTERM);
}

int ApiServer::wait_for_exit() {
    if (!running())
        throw std::logic_error("server is not running");
    auto code = wait_until(pid_, Clock::now() + kExitTimeout);
    if (!code) {
        ::kill(pid_, SIGKILL);
        code = wait_until(pid_, Clock::now() + kExitTimeout);
    }
    pid_ = -1;
    return code.value_or(-1000);
}

int ApiServer::stop() {
    terminate();
    return wait_for_exit();
}

HeaderList ApiServer::auth(const std::string& role) const {
    return {{"Authorization", "Bearer " + token(role)}};
}

std::string ApiServer::create_token(const std::string& role, const std::vector<std::string>& funds,
                                    const std::string& name) {
    std::vector<std::string> argv{RIZIKI_BINARY,
                                  "token",
                                  "create",
                                  "--role",
                                  role,
                                  "--database-url",
                                  database_.owner_conninfo,
                                  "--home",
                                  home_};
    for (const auto& fund : funds) {
        argv.push_back("--fund");
        argv.push_back(fund);
    }
    if (!name.empty()) {
        argv.push_back("--name");
        argv.push_back(name);
    }
    // The server's key file: a token is keyed with it (migration 0020).
    const auto result =
        run_command(argv, log_path_, std::chrono::seconds(30), settings_.environment);
    std::string token = result.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
        token.pop_back();
    if (result.exit_code != 0 || token.size() != 68) {
        throw std::runtime_error("riziki token create --role " + role + " failed (" +
                                 std::to_string(result.exit_code) + "): '" + result.out + "'\n" +
                                 log());
    }
    return token;
}

std::unique_ptr<soci::session> ApiServer::owner() const {
    return std::make_unique<soci::session>(*soci::factory_postgresql(), database_.owner_conninfo);
}

void ApiServer::create_fund(const std::string& code, const std::string& currency) {
    const std::string name = "Test fund " + code;
    *owner() << "INSERT INTO funds (code, currency, name) VALUES (:c, :k, :n)", soci::use(code),
        soci::use(currency), soci::use(name);
}

long long ApiServer::journal_seq() const {
    const auto response = client().get("/healthz");
    if (response.status != 200)
        throw std::runtime_error("/healthz: " + response.body);
    return nlohmann::json::parse(response.body).at("journal_seq").get<long long>();
}

std::string ApiServer::log() const {
    return read_file(log_path_);
}

std::string ApiServer::log_problems() const {
    const auto text = log();
    std::string problems;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("] [error] ") != std::string::npos ||
            line.find("] [critical] ") != std::string::npos) {
            problems += line + "\n";
        }
    }
    for (const auto& [role, token] : tokens_) {
        // Neither the token nor its secret digits alone may appear.
        if (text.find(token.substr(4)) != std::string::npos) {
            problems += "the " + role + " token is in the log\n";
        }
    }
    for (const auto& secret : secrets_) {
        if (text.find(secret) != std::string::npos)
            problems += "a session id, link code or password is in the log\n";
    }
    return problems;
}

void SharedServer::setup() {
    g_shared = std::make_unique<ApiServer>();
}

void SharedServer::teardown() {
    if (!g_shared)
        return;
    const int code = g_shared->stop();
    BOOST_TEST(code == 0, "riziki serve exited with " << code << " after SIGTERM; log:\n"
                                                      << g_shared->log());
    BOOST_TEST(g_shared->log_problems().empty(), g_shared->log_problems());
    g_shared.reset();
}

ApiServer& SharedServer::get() {
    if (!g_shared)
        throw std::logic_error("no shared server: use the SharedServer fixture");
    return *g_shared;
}

}  // namespace riziki::testing
