#pragma once
/// The HTTP/1.1 server: Boost.Beast sessions on a small I/O thread pool, handlers on a
/// separate pool (they may wait on the database), limits on everything, graceful stop,
/// lingering close, streamed answers, and HTTPS with one session implementation for both.

#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace riziki::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;

/// Makes a streamed body a piece at a time, on the handler pool (it may read the database):
/// the next piece, or nullopt after the last. If it throws, the client sees the body cut
/// short (no last chunk), never a part passed off as the whole.
using BodyProducer = std::function<std::optional<std::string>()>;

/// An answer. With `producer` set, body() is not sent: the body is what the producer makes,
/// sent as it comes with chunked transfer coding (to an HTTP/1.0 client, up to the end of
/// the connection), so memory holds one piece at a time whatever the body's size.
struct Response : http::response<http::string_body> {
    using Message = http::response<http::string_body>;
    using Message::Message;
    Response() = default;
    /// From a plain Beast response, as when Response was an alias of it.
    Response(Message plain) : Message(std::move(plain)) {}
    BodyProducer producer;
};

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  ///< 0 picks a free port (see HttpServer::port())
    std::size_t io_threads = 2;
    std::size_t handler_threads = 64;  ///< handlers block on the writer; batches need many
    std::size_t body_limit_bytes = 1 << 20;
    /// Paths that take a file as their body (an M-Pesa statement) and the limit there
    /// instead: the path is read from the request line before any of the body is.
    std::vector<std::string> upload_paths = {"/v1/mpesa/statements"};
    std::size_t upload_limit_bytes = 16 << 20;
    std::size_t header_limit_bytes = 16 << 10;
    std::size_t connections_max = 1024;
    /// The most connections open at once from one client address, so that one client's
    /// idle sockets cannot take every slot; 0: no such cap (behind a proxy, every connection
    /// comes from the proxy's address). A connection over either cap is answered 503
    /// `too_many_connections` with `Retry-After` (over TLS it is closed unanswered: an
    /// answer would cost the handshake the cap saves).
    std::size_t connections_per_address_max = 64;
    std::chrono::milliseconds read_timeout{30000};
    /// Closing after an answer, what the client still sends is read and thrown away for at
    /// most this long and this many bytes (a lingering close, as nginx's), so a client
    /// that writes its whole body before reading sees the answer instead of a reset.
    std::chrono::milliseconds linger_timeout{5000};
    std::size_t linger_bytes_max = 8 << 20;
    /// Set: HTTPS only (make_tls_context), every answer with `Strict-Transport-Security`.
    std::shared_ptr<boost::asio::ssl::context> tls;
};

/// A TLS server context with this certificate (chain) and key, PEM files: TLS 1.2 or later,
/// forward-secret AEAD ciphers only, no compression, no renegotiation. Throws
/// std::runtime_error naming the file that cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(
    const std::filesystem::path& certificate_file, const std::filesystem::path& private_key_file);

/// What a handler learns besides the request itself.
struct RequestContext {
    /// The server's own id for this request, made fresh for each (16 hex digits): in the
    /// `X-Request-Id` answer header, problem bodies, the access log and the audit log. A
    /// client's `X-Request-Id` never becomes it, so no client can make two requests share
    /// an id or give one the id of another's.
    std::string request_id;
    /// The client's `X-Request-Id` when well-formed (1-64 of [A-Za-z0-9_-]), else empty:
    /// logged beside ours and echoed as `X-Client-Request-Id`, so either side can find a
    /// request by the id it knows.
    std::string client_request_id;
    /// The peer's IP address as text ("127.0.0.1", "::1"): behind a proxy, the proxy's.
    /// Failed authentication is counted by it (api/auth_failures.hpp); never logged.
    std::string client_address;
};

/// A pure function from request to response; it must not throw for bad input.
using Handler = std::function<Response(const Request&, const RequestContext&)>;

/// Builds the answer for a request refused before any handler ran (413, 400, 503...).
using ErrorResponder = std::function<Response(http::status, const std::string& code,
                                              const std::string& detail, const RequestContext&)>;

class HttpServer {
  public:
    HttpServer(ServerOptions options, Handler handler, ErrorResponder on_error);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and starts serving; returns once listening.
    void start();
    /// Stops accepting, lets requests in flight finish, then closes idle connections.
    /// Safe to call from a signal-watching thread.
    void stop();
    /// Blocks until stop() completed.
    void wait();
    unsigned short port() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace riziki::api
