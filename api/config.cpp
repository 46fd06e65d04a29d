#include "api/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace riziki::api {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

/// RIZIKI_QUERY_TIMEOUT_MS and RIZIKI_TODAY, when set.
void read_limits_and_today(Config& config) {
    const std::string timeout = env_or("RIZIKI_QUERY_TIMEOUT_MS", "");
    if (!timeout.empty()) {
        const bool digits =
            timeout.size() <= 9 && std::all_of(timeout.begin(), timeout.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
        if (!digits)
            throw std::invalid_argument("RIZIKI_QUERY_TIMEOUT_MS must be a whole number of ms");
        config.query_timeout = std::chrono::milliseconds(std::stol(timeout));
    }
    const std::string today = env_or("RIZIKI_TODAY", "");
    if (!today.empty()) {
        config.today = ledger::parse_date(today);
        if (!config.today)
            throw std::invalid_argument("RIZIKI_TODAY must be a date YYYY-MM-DD");
    }
}

}  // namespace

Config config_from_environment() {
    Config config;
    config.database_url = env_or("RIZIKI_DATABASE_URL", "");
    config.home = env_or("RIZIKI_HOME", config.home.string());
    config.listen = env_or("RIZIKI_LISTEN", config.listen);
    config.metrics_listen = env_or("RIZIKI_METRICS_LISTEN", "");
    config.log_level = env_or("RIZIKI_LOG_LEVEL", config.log_level);
    config.pii_key_file = env_or("RIZIKI_PII_KEY_FILE", (config.home / "pii.key").string());
    read_limits_and_today(config);
    return config;
}

std::pair<std::string, unsigned short> parse_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
        throw std::invalid_argument("listen address must be host:port, got '" + listen + "'");
    }
    const std::string port_text = listen.substr(colon + 1);
    int port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) {
            throw std::invalid_argument("bad port in '" + listen + "'");
        }
        port = port * 10 + (c - '0');
    }
    if (port > 65535)
        throw std::invalid_argument("bad port in '" + listen + "'");
    return {listen.substr(0, colon), static_cast<unsigned short>(port)};
}

}  // namespace riziki::api
