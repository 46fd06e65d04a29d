#include "api/config.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace riziki::api {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

/// The whole number in variable `name` (at most 9 digits), nullopt when unset.
std::optional<long> env_whole_number(const char* name, const char* unit) {
    const std::string text = env_or(name, "");
    if (text.empty())
        return std::nullopt;
    const bool digits = text.size() <= 9 && std::all_of(text.begin(), text.end(), [](char c) {
                            return c >= '0' && c <= '9';
                        });
    if (!digits)
        throw ConfigError(std::string(name) + " must be a whole number" + unit);
    return std::stol(text);
}

/// The whole number above 0 in variable `name`, into `target` when set.
void read_positive(const char* name, int& target) {
    if (const auto n = env_whole_number(name, " above 0")) {
        if (*n == 0)
            throw ConfigError(std::string(name) + " must be a whole number above 0");
        target = static_cast<int>(*n);
    }
}

/// RIZIKI_QUERY_TIMEOUT_MS, RIZIKI_CONNECTIONS_PER_ADDRESS, the rate limits and
/// RIZIKI_TODAY, when set.
void read_limits_and_today(Config& config) {
    if (const auto ms = env_whole_number("RIZIKI_QUERY_TIMEOUT_MS", " of ms"))
        config.query_timeout = std::chrono::milliseconds(*ms);
    if (const auto n = env_whole_number("RIZIKI_CONNECTIONS_PER_ADDRESS", ""))
        config.connections_per_address = static_cast<std::size_t>(*n);
    if (const auto ms = env_whole_number("RIZIKI_AUTH_FAILURE_FLUSH_MS", " of ms"))
        config.auth_failure_flush = std::chrono::milliseconds(*ms);
    read_positive("RIZIKI_IDENTITY_RATE_PER_MINUTE", config.identity_rate_per_minute);
    read_positive("RIZIKI_HUB_RECORDS_BURST", config.hub_records_burst);
    read_positive("RIZIKI_HUB_RECORDS_PER_MINUTE", config.hub_records_per_minute);
    const std::string today = env_or("RIZIKI_TODAY", "");
    if (!today.empty()) {
        config.today = ledger::parse_date(today);
        if (!config.today)
            throw ConfigError("RIZIKI_TODAY must be a date YYYY-MM-DD");
    }
}

/// "1" or "true" is on; unset, empty, "0" or "false" is off; anything else is refused.
bool env_flag(const char* name) {
    const std::string value = env_or(name, "0");
    if (value == "1" || value == "true")
        return true;
    if (value == "0" || value == "false")
        return false;
    throw ConfigError(std::string(name) + " must be 1 or 0, got '" + value + "'");
}

/// The consortium registry's variables: all of URL, token and key file, or none.
void read_registry(Config& config) {
    config.hub_url = env_or("RIZIKI_HUB_URL", "");
    config.hub_token = env_or("RIZIKI_HUB_TOKEN", "");
    config.consortium_key_file = env_or("RIZIKI_CONSORTIUM_KEY_FILE", "");
    config.hub_ca_file = env_or("RIZIKI_HUB_CA_FILE", "");
    if (const auto ms = env_whole_number("RIZIKI_HUB_TIMEOUT_MS", " of ms above 0")) {
        if (*ms == 0)
            throw ConfigError("RIZIKI_HUB_TIMEOUT_MS must be a whole number of ms above 0");
        config.hub_timeout = std::chrono::milliseconds(*ms);
    }
    if (const auto s = env_whole_number("RIZIKI_HUB_RETRY_S", " of seconds above 0")) {
        if (*s == 0)
            throw ConfigError("RIZIKI_HUB_RETRY_S must be a whole number of seconds above 0");
        config.hub_retry = std::chrono::seconds(*s);
    }
    const bool any =
        !config.hub_url.empty() || !config.hub_token.empty() || !config.consortium_key_file.empty();
    if (any &&
        (config.hub_url.empty() || config.hub_token.empty() || config.consortium_key_file.empty()))
        throw ConfigError(
            "the consortium registry needs RIZIKI_HUB_URL, RIZIKI_HUB_TOKEN and "
            "RIZIKI_CONSORTIUM_KEY_FILE together (docs/operations.md, \"Joining a consortium\")");
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
    config.tls_certificate_file = env_or("RIZIKI_TLS_CERT", "");
    config.tls_private_key_file = env_or("RIZIKI_TLS_KEY", "");
    config.behind_proxy = env_flag("RIZIKI_BEHIND_PROXY");
    read_registry(config);
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
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);  // an IPv6 address: "[::1]:8080"
    return {host, static_cast<unsigned short>(port)};
}

void check_transport(const Config& config, const std::string& host) {
    if (config.tls_certificate_file.empty() != config.tls_private_key_file.empty()) {
        throw ConfigError(
            "TLS needs both a certificate and its private key: give --tls-cert FILE and "
            "--tls-key FILE (RIZIKI_TLS_CERT, RIZIKI_TLS_KEY), or neither");
    }
    if (config.tls() || config.behind_proxy)
        return;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
        throw ConfigError(
            "the listen address must be an IP address (127.0.0.1, 0.0.0.0, [::1]), "
            "got '" +
            host + "'");
    }
    if (address.is_loopback())
        return;
    throw ConfigError(
        "refusing to serve plain HTTP on " + host +
        ", which is not a loopback address: tokens and personal data would cross the network "
        "unencrypted. Give --tls-cert FILE --tls-key FILE (RIZIKI_TLS_CERT, RIZIKI_TLS_KEY) to "
        "serve HTTPS, or --behind-proxy (RIZIKI_BEHIND_PROXY=1) when a TLS-terminating proxy "
        "is in front and reaches riziki over a private network (docs/operations.md)");
}

}  // namespace riziki::api
