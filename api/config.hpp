#pragma once
/// Settings from the environment (SPEC §3), overridable by command-line flags.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "ledger/date.hpp"

namespace riziki::api {

struct Config {
    std::string database_url;               ///< RIZIKI_DATABASE_URL; empty: embedded
    std::filesystem::path home = "./var";   ///< RIZIKI_HOME
    std::string listen = "127.0.0.1:8080";  ///< RIZIKI_LISTEN
    std::filesystem::path pii_key_file;     ///< RIZIKI_PII_KEY_FILE; default home/pii.key
    std::string log_level = "info";         ///< RIZIKI_LOG_LEVEL
    /// RIZIKI_QUERY_TIMEOUT_MS: how long one statement of an API report, export, trial
    /// balance or verify may run (0: no limit). The CLI's commands take none.
    std::chrono::milliseconds query_timeout{30000};
    /// RIZIKI_TODAY (YYYY-MM-DD): the day the program takes for today, fixed; for tests and
    /// demonstrations only. Empty: the clock's day (UTC).
    std::optional<ledger::Date> today;
    /// RIZIKI_METRICS_LISTEN: a second address serving GET /metrics without a token, for a
    /// scraper on loopback or a private network; empty: none.
    std::string metrics_listen;
};

/// Throws std::invalid_argument when RIZIKI_QUERY_TIMEOUT_MS or RIZIKI_TODAY is malformed.
Config config_from_environment();

/// Splits "host:port"; throws std::invalid_argument when malformed.
std::pair<std::string, unsigned short> parse_listen(const std::string& listen);

}  // namespace riziki::api
