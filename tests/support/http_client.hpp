#pragma once
/// A small synchronous HTTP/1.1 client for API tests, on Boost.Beast. One keep-alive
/// connection is reused across requests; every connect, write and read is bounded by a
/// timeout, so a server that hangs fails the test instead of blocking it. Raw-socket
/// helpers send bytes no well-behaved client would (malformed HTTP, oversize headers).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riziki::testing {

/// Header name/value pairs, in order; names may repeat.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::milliseconds kHttpTimeout{10000};

struct HttpResponse {
    int status = 0;
    unsigned version = 11;  ///< 11 for HTTP/1.1, 10 for HTTP/1.0
    HeaderList headers;     ///< as received
    std::string body;
    bool keep_alive = false;

    /// The first value of the header `name` (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
    /// How many times the header `name` occurs (case-insensitive).
    std::size_t header_count(std::string_view name) const;
};

/// The transport failed: refused, reset, closed early or timed out.
class HttpError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class HttpClient {
  public:
    explicit HttpClient(unsigned short port, std::string host = "127.0.0.1",
                        std::chrono::milliseconds timeout = kHttpTimeout);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    /// Sends one request on the open connection (connecting first if there is none) and
    /// reads the whole response. Adds Host, and Content-Length when a body is given,
    /// unless `headers` names them. Throws HttpError when the transport fails.
    HttpResponse request(std::string_view method, std::string_view target,
                         const HeaderList& headers = {},
                         std::optional<std::string_view> body = std::nullopt,
                         unsigned version = 11);
    HttpResponse get(std::string_view target, const HeaderList& headers = {});
    /// A POST with `Content-Type: application/json` unless `headers` gives one.
    HttpResponse post(std::string_view target, std::string_view body,
                      const HeaderList& headers = {});

    /// Connections this client opened so far (1 while keep-alive works).
    std::size_t connections_opened() const;
    bool connected() const;
    void disconnect();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// What came back on a raw connection.
struct RawReply {
    std::string bytes;              ///< everything received
    bool closed_by_server = false;  ///< the server closed or reset the connection
    bool timed_out = false;
};

/// Connects, writes `bytes` (while already reading, so a server that answers early and
/// closes is seen), and reads until `responses_wanted` complete responses arrived (and,
/// if the last says `Connection: close`, the server closed), the server closed, or
/// `timeout` passed.
RawReply exchange_raw(unsigned short port, std::string_view bytes, std::size_t responses_wanted = 1,
                      std::chrono::milliseconds timeout = kHttpTimeout,
                      const std::string& host = "127.0.0.1");

/// The complete responses at the start of `bytes`, in order; stops at the first
/// incomplete or unparseable one.
std::vector<HttpResponse> parse_responses(std::string_view bytes);

}  // namespace riziki::testing
