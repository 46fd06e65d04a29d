#pragma once
/// Settings from the environment (SPEC §3), overridable by command-line flags.

#include <filesystem>
#include <string>

namespace riziki::api {

struct Config {
    std::string database_url;               ///< RIZIKI_DATABASE_URL; empty: embedded
    std::filesystem::path home = "./var";   ///< RIZIKI_HOME
    std::string listen = "127.0.0.1:8080";  ///< RIZIKI_LISTEN
    std::filesystem::path pii_key_file;     ///< RIZIKI_PII_KEY_FILE; default home/pii.key
    std::string log_level = "info";         ///< RIZIKI_LOG_LEVEL
};

Config config_from_environment();

/// Splits "host:port"; throws std::invalid_argument when malformed.
std::pair<std::string, unsigned short> parse_listen(const std::string& listen);

}  // namespace riziki::api
