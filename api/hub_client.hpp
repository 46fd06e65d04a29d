#pragma once
/// A member's client of the consortium hub (SPEC §16, docs/registry.md "The hub's API"):
/// one JSON request at a time over HTTP, or HTTPS with the hub's certificate verified
/// against the system's CAs (or RIZIKI_HUB_CA_FILE) and its host name. Every connect, write
/// and read is bounded by a timeout, so an unreachable or hanging hub costs an enrolment at
/// most that long. The member token goes in the Authorization header and nowhere else: not
/// in a log line, not in an error's text.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace riziki::api {

/// The hub could not be reached or did not answer in time (the enrolment's check is then
/// queued).
struct HubUnreachable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HubAnswer {
    int status = 0;
    std::string body;
    /// Retry-After, in seconds, when the hub gave one (a 429).
    std::optional<long> retry_after_s;
};

struct HubSettings {
    std::string url;    ///< RIZIKI_HUB_URL: http://HOST:PORT or https://HOST[:PORT], no path
    std::string token;  ///< RIZIKI_HUB_TOKEN: the member token `riziki hub member add` printed
    /// RIZIKI_HUB_CA_FILE: PEM certificates to trust instead of the system's (a consortium
    /// running its own CA); empty: the system's.
    std::filesystem::path ca_file;
    std::chrono::milliseconds timeout{3000};  ///< RIZIKI_HUB_TIMEOUT_MS
};

class HubClient {
  public:
    /// Throws std::invalid_argument when the URL is not http(s)://host[:port] with no path.
    explicit HubClient(HubSettings settings);
    ~HubClient();
    HubClient(const HubClient&) = delete;
    HubClient& operator=(const HubClient&) = delete;

    /// Sends `method` `target` (a path under the hub's root, "/hub/v1/check") with `body` as
    /// JSON when given. Throws HubUnreachable when the transport fails or times out; any
    /// HTTP answer, an error status included, is returned.
    HubAnswer call(std::string_view method, std::string_view target,
                   std::optional<std::string_view> body = std::nullopt) const;

    const std::string& url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::api
