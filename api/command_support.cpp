#include "api/command_support.hpp"

#include <pthread.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "api/commands.hpp"
#include "api/problem.hpp"

namespace riziki::api {

Options parse_options(const std::vector<std::string>& args, const std::set<std::string>& flags,
                      const std::set<std::string>& valued, std::size_t skip) {
    static const std::set<std::string> kCommon{"home", "listen", "database-url", "pii-key-file"};
    Options options;
    for (std::size_t i = skip; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (!arg.starts_with("--"))
            throw UsageError("unexpected argument '" + arg + "'");
        const std::string name = arg.substr(2);
        if (flags.contains(name)) {
            options.values[name].push_back("");
        } else if (!valued.contains(name) && !kCommon.contains(name)) {
            throw UsageError("unknown option " + arg);
        } else if (i + 1 < args.size()) {
            options.values[name].push_back(args[++i]);
        } else {
            throw UsageError("option " + arg + " needs a value");
        }
    }
    return options;
}

Config load_config(const Options& options) {
    Config config = config_from_environment();
    if (options.has("home")) {
        config.home = options.value("home");
        const char* key_file = std::getenv("RIZIKI_PII_KEY_FILE");
        if (key_file == nullptr || *key_file == '\0')  // empty is unset, as for every variable
            config.pii_key_file = config.home / "pii.key";
    }
    if (options.has("pii-key-file"))
        config.pii_key_file = options.value("pii-key-file");
    if (options.has("listen"))
        config.listen = options.value("listen");
    if (options.has("database-url"))
        config.database_url = options.value("database-url");
    if (options.has("tls-cert"))
        config.tls_certificate_file = options.value("tls-cert");
    if (options.has("tls-key"))
        config.tls_private_key_file = options.value("tls-key");
    if (options.has("behind-proxy"))
        config.behind_proxy = true;
    // Logs go to stderr: stdout carries only what a command prints (tokens, reports).
    spdlog::set_default_logger(spdlog::stderr_logger_mt("riziki"));
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    return config;
}

db::DatabaseConfig database_config(const Config& config) {
    return {config.database_url, config.home, true};
}

sigset_t block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

ServerSetup prepare_server(const Options& options) {
    ServerSetup setup{load_config(options), block_stop_signals(), {}};
    const auto [host, port] = parse_listen(setup.config.listen);
    check_transport(setup.config, host);
    if (setup.config.tls())
        setup.server_options.tls =
            make_tls_context(setup.config.tls_certificate_file, setup.config.tls_private_key_file);
    setup.server_options.address = host;
    setup.server_options.port = port;
    return setup;
}

Response problem_answer(http::status status, const std::string& code, const std::string& detail,
                        const RequestContext& context) {
    return problem(status, code, detail, context);
}

}  // namespace riziki::api
