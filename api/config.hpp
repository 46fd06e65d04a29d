#pragma once
/// Settings from the environment (SPEC §3), overridable by command-line flags.

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "ledger/date.hpp"

namespace riziki::api {

/// Settings that cannot work together, or that would be unsafe; `riziki` says why and exits
/// with status 2.
struct ConfigError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

struct Config {
    std::string database_url;               ///< RIZIKI_DATABASE_URL; empty: embedded
    std::filesystem::path home = "./var";   ///< RIZIKI_HOME
    std::string listen = "127.0.0.1:8080";  ///< RIZIKI_LISTEN
    /// RIZIKI_PII_KEY_FILE or --pii-key-file; default home/pii.key, which only `demo` accepts:
    /// `serve` wants the key outside the home and the data directory (key_safety.hpp).
    std::filesystem::path pii_key_file;
    std::string log_level = "info";  ///< RIZIKI_LOG_LEVEL
    /// RIZIKI_QUERY_TIMEOUT_MS: how long one statement of an API report, export, trial
    /// balance or verify may run (0: no limit). The CLI's commands take none.
    std::chrono::milliseconds query_timeout{30000};
    /// RIZIKI_TODAY (YYYY-MM-DD): the day the program takes for today, fixed; for tests and
    /// demonstrations only. Empty: the clock's day (UTC).
    std::optional<ledger::Date> today;
    /// RIZIKI_METRICS_LISTEN: a second address serving GET /metrics without a token, for a
    /// scraper on loopback or a private network; empty: none.
    std::string metrics_listen;
    /// RIZIKI_TLS_CERT and RIZIKI_TLS_KEY (PEM; the certificate file may hold the chain):
    /// both set, `serve` speaks HTTPS only.
    std::filesystem::path tls_certificate_file;
    std::filesystem::path tls_private_key_file;
    /// RIZIKI_BEHIND_PROXY=1: a TLS-terminating proxy is in front, so plain HTTP on a
    /// non-loopback address is allowed (the proxy's network must be private).
    bool behind_proxy = false;
    /// RIZIKI_CONNECTIONS_PER_ADDRESS: the most connections open at once from one client
    /// address (ServerOptions::connections_per_address_max); unset: 64, or none behind a proxy.
    std::optional<std::size_t> connections_per_address;
    /// RIZIKI_AUTH_FAILURE_FLUSH_MS: how often failed authentications are written to the
    /// audit log (api/auth_failures.hpp); 0, for tests: only when the server stops.
    std::chrono::milliseconds auth_failure_flush{10000};
    /// RIZIKI_IDENTITY_RATE_PER_MINUTE: enrolments and lookups by phone or national id one
    /// credential may make a minute (ApiOptions::identity_rate_per_minute); default 30.
    int identity_rate_per_minute = 30;
    /// The consortium registry, a member's side (SPEC §16, api/registry_member.hpp):
    /// RIZIKI_HUB_URL (empty: this organisation checks no registry), RIZIKI_HUB_TOKEN (the
    /// member token), RIZIKI_CONSORTIUM_KEY_FILE, RIZIKI_HUB_CA_FILE (PEM CAs to trust instead
    /// of the system's), RIZIKI_HUB_TIMEOUT_MS (default 3000: the longest an enrolment waits
    /// for the hub), RIZIKI_HUB_RETRY_S (default 60: how often the queue is sent again).
    std::string hub_url;
    std::string hub_token;
    std::filesystem::path consortium_key_file;
    std::filesystem::path hub_ca_file;
    std::chrono::milliseconds hub_timeout{3000};
    std::chrono::seconds hub_retry{60};
    /// RIZIKI_HUB_RECORDS_BURST and RIZIKI_HUB_RECORDS_PER_MINUTE (`riziki hub`): each member's
    /// bucket of records it may send to POST /hub/v1/check, and how fast it refills.
    int hub_records_burst = 120000;
    int hub_records_per_minute = 100;

    bool tls() const { return !tls_certificate_file.empty(); }
};

/// Throws ConfigError when a variable's value is not one it takes (RIZIKI_QUERY_TIMEOUT_MS,
/// RIZIKI_TODAY, RIZIKI_BEHIND_PROXY).
Config config_from_environment();

/// Splits "host:port" ("[v6 address]:port" gives the address without brackets); throws
/// std::invalid_argument when malformed.
std::pair<std::string, unsigned short> parse_listen(const std::string& listen);

/// Throws ConfigError unless `config` may serve on `host`: TLS needs both files, and plain
/// HTTP on an address other than loopback would carry tokens and personal data across the
/// network in clear text unless a TLS-terminating proxy is in front (`behind_proxy`).
void check_transport(const Config& config, const std::string& host);

}  // namespace riziki::api
