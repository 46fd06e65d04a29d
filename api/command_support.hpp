#pragma once
/// What the CLI's commands share (api/commands.cpp, api/hub_command.cpp): their options, the
/// configuration they read, and how a server waits for its stop signal.

#include <signal.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/config.hpp"
#include "api/http_server.hpp"
#include "db/database.hpp"

namespace riziki::api {

/// Options after the command name: "--name value" pairs (repeatable) and bare "--flag"s.
struct Options {
    std::map<std::string, std::vector<std::string>> values;
    bool has(const std::string& name) const { return values.contains(name); }
    /// The last value given for `name`.
    const std::string& value(const std::string& name) const { return values.at(name).back(); }
};

/// Skips `skip` leading words (the command and any subcommand). The common options (--home,
/// --listen, --database-url, --pii-key-file) are always taken.
Options parse_options(const std::vector<std::string>& args, const std::set<std::string>& flags,
                      const std::set<std::string>& valued, std::size_t skip = 1);

/// The environment's configuration with the options over it; sets up the logger (stderr).
Config load_config(const Options& options);

/// The ledger's database of `config`.
db::DatabaseConfig database_config(const Config& config);

/// Blocks SIGINT and SIGTERM in every thread started after this, so one thread can wait.
sigset_t block_stop_signals();

/// What `serve` and `hub` do before anything else: the configuration read, the stop signals
/// blocked, the address checked against the transport rules (ConfigError: no database is
/// opened, no port taken) and the TLS context loaded when configured.
struct ServerSetup {
    Config config;
    sigset_t signals;
    ServerOptions server_options;  ///< address, port and TLS set
};
ServerSetup prepare_server(const Options& options);

/// The answer for a request refused before any handler ran (HttpServer's ErrorResponder).
Response problem_answer(http::status status, const std::string& code, const std::string& detail,
                        const RequestContext& context);

}  // namespace riziki::api
