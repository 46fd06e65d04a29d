#pragma once
/// A real `riziki serve` process on a fresh database, for black-box API tests: funds
/// F-KES (KES), F-KES2 (KES) and F-USD (USD), and one token per role (the donor's scoped
/// to F-KES). Enrolments and lookups are not rate-limited unless the settings' environment
/// names RIZIKI_IDENTITY_RATE_PER_MINUTE. SharedServer shares one across the tests of a suite.

#include <soci/soci.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/test_database.hpp"

namespace riziki::testing {

inline const std::vector<std::string> kRoles{"admin", "finance", "field", "donor", "auditor"};

/// Runs `argv` (argv[0] a path) to completion; its stdout is returned, its stderr goes to
/// `stderr_path`. Kills it and throws after `timeout`.
struct CommandResult {
    int exit_code = -1;  ///< the exit status, or -signal when killed by a signal
    std::string out;
};
/// `environment` (NAME=value) is added to the test's own, which has no RIZIKI_* variables.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stderr_path,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30),
                          const std::vector<std::string>& environment = {});

/// The bytes of the file at `path`; empty when it cannot be read.
std::string read_file(const std::string& path);

/// How ApiServer starts `riziki serve`.
struct ServeSettings {
    std::string listen = "127.0.0.1:0";  ///< --listen; empty: none (RIZIKI_LISTEN, or the default)
    std::vector<std::string> options;    ///< more options, e.g. --tls-cert FILE
    std::vector<std::string> environment;  ///< NAME=value added to the server's environment
    /// Not 0: the server runs as this user id (and the group of the same number), its home
    /// and key directories opened to it.
    uid_t run_as = 0;
    /// The command: "serve", "demo" (which seeds the database first), or "hub" (the
    /// consortium registry's hub: its own schema, so no funds and no role tokens are made).
    std::string command = "serve";
    /// It speaks HTTPS: ready once it says it listens (the fixture's client speaks only HTTP).
    bool tls = false;
};

/// The default settings with `environment` (NAME=value) added to the server's.
inline ServeSettings with_environment(std::vector<std::string> environment) {
    ServeSettings settings;
    settings.environment = std::move(environment);
    return settings;
}

class ApiServer {
  public:
    /// A fresh database with the three funds and five tokens, and a started server.
    explicit ApiServer(ServeSettings settings = {});
    /// Stops the server if it still runs (SIGTERM, then SIGKILL after a bound).
    ~ApiServer();
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    /// Starts `riziki serve` and waits (at most 20 s) until /healthz answers 200.
    void start();
    /// Sends SIGTERM without waiting.
    void terminate();
    /// Waits (at most 30 s) for the process to end: its exit status, or -signal.
    int wait_for_exit();
    /// terminate() then wait_for_exit().
    int stop();
    bool running() const { return pid_ > 0; }

    unsigned short port() const { return port_; }
    /// The server's process id (-1 when it is not running), e.g. to count its descriptors.
    pid_t pid() const { return pid_; }
    HttpClient client() const { return HttpClient(port_); }
    const TestDatabase& database() const { return database_; }
    const std::string& home() const { return home_; }
    /// The PII key file: in a directory of its own, outside home() (serve refuses a key
    /// inside it), unless the settings' environment names another RIZIKI_PII_KEY_FILE.
    const std::string& key_file() const { return key_file_; }

    /// The token of one of kRoles.
    const std::string& token(const std::string& role) const { return tokens_.at(role); }
    /// {"Authorization": "Bearer <token of role>"}.
    HeaderList auth(const std::string& role) const;
    /// A new token through `riziki token create`.
    std::string create_token(const std::string& role, const std::vector<std::string>& funds = {},
                             const std::string& name = "");

    /// A session as the database owner, for SQL the API does not offer.
    std::unique_ptr<soci::session> owner() const;
    void create_fund(const std::string& code, const std::string& currency);
    /// journal_seq from /healthz.
    long long journal_seq() const;
    /// Everything the server wrote to stdout and stderr so far.
    std::string log() const;
    /// What is wrong with the log: lines at level error or critical (a request that failed
    /// inside the server), a token in clear (SPEC §8), or a secret given to
    /// keep_out_of_log(). Empty when nothing is.
    std::string log_problems() const;
    /// A secret a test saw (a session id, a set-password code, a password) that the log
    /// must never contain: log_problems() looks for it.
    void keep_out_of_log(const std::string& secret) { secrets_.push_back(secret); }

  private:
    TestDatabase database_;
    std::vector<std::string> environment_;
    std::string home_;
    std::string key_directory_;
    std::string key_file_;
    std::string log_path_;
    std::map<std::string, std::string> tokens_;
    std::vector<std::string> secrets_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    ServeSettings settings_;
};

/// Boost.Test suite fixture: `BOOST_AUTO_TEST_SUITE(name, *utf::fixture<SharedServer>())`.
/// One server for the whole suite; teardown asserts it stops cleanly (exit status 0) and
/// that its log has no errors and no tokens.
struct SharedServer {
    void setup();
    void teardown();
    static ApiServer& get();
};

}  // namespace riziki::testing
