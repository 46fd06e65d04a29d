#include "api/http_server.hpp"

// GCC 12 misreads asio's coroutine frames, which pair a class-specific operator new with a
// sized operator delete (boost/asio/impl/awaitable.hpp), as a mismatch, depending on how
// it happens to inline a coroutine's body: a false -Wmismatched-new-delete.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/mpesa_callback.hpp"

namespace riziki::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 64)
        return false;
    for (char c : id) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

std::string new_request_id() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string id(16, '0');
    auto bits = generator();
    for (auto& c : id) {
        c = kDigits[bits & 0xf];
        bits >>= 4;
    }
    return id;
}

/// A fresh id of our own, and the client's X-Request-Id kept beside it when it is
/// well-formed. One that is not (too long, spaces, anything outside [A-Za-z0-9_-]) is
/// dropped unlogged: it could carry a name or a phone number.
RequestContext request_context(const Request& request) {
    RequestContext context;
    context.request_id = new_request_id();
    const auto header = request["X-Request-Id"];
    const std::string_view given(header.data(), header.size());
    if (valid_request_id(given))
        context.client_request_id = given;
    return context;
}

/// "request_id=ours", with " client_request_id=theirs" when the client sent one.
std::string log_ids(const RequestContext& context) {
    std::string out = "request_id=" + context.request_id;
    if (!context.client_request_id.empty())
        out += " client_request_id=" + context.client_request_id;
    return out;
}

/// The path without its query string: queries may carry codes we keep out of logs. The
/// M-Pesa callback's path ends in its secret, which stands in for a token: it is logged
/// without it, whatever follows the prefix.
std::string_view log_path(std::string_view target) {
    const auto path = target.substr(0, target.find('?'));
    if (path.find(kCallbackPathPrefix.substr(0, kCallbackPathPrefix.size() - 1)) !=
        std::string_view::npos)
        return kCallbackPathLogged;
    return path;
}

/// The access-log line of a request but for its size and duration (known once it is sent).
std::string access_line(const Request& request, const RequestContext& context, unsigned status) {
    return log_ids(context) + " method=" + std::string(request.method_string()) +
           " path=" + std::string(log_path({request.target().data(), request.target().size()})) +
           " status=" + std::to_string(status);
}

long long microseconds_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

/// The most refusals (503 too_many_connections) being written at once.
constexpr std::size_t kRefusingMax = 64;

}  // namespace

struct HttpServer::Impl {
    ServerOptions options;
    Handler handler;
    ErrorResponder on_error;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    asio::thread_pool handlers;
    std::vector<std::thread> threads;
    std::atomic<std::size_t> connections{0};
    std::mutex addresses_mutex;
    std::unordered_map<std::string, std::size_t> per_address;  ///< open connections by address
    std::atomic<std::size_t> refusing{0};                      ///< 503s being written

    std::mutex mutex;
    std::condition_variable drained;
    std::size_t in_flight = 0;
    bool stopping = false;
    bool stopped = false;

    Impl(ServerOptions o, Handler h, ErrorResponder e)
        : options(std::move(o)),
          handler(std::move(h)),
          on_error(std::move(e)),
          handlers(options.handler_threads) {}

    asio::awaitable<void> accept_loop();
    bool admit(const std::string& address);
    void release(const std::string& address);
    asio::awaitable<void> refuse(tcp::socket socket);
    asio::awaitable<void> session(tcp::socket socket, std::string address);
    template <typename Stream>
    asio::awaitable<void> serve(Stream& stream, const std::string& address);
    template <typename Stream>
    asio::awaitable<void> linger(Stream& stream);
    template <typename Stream>
    asio::awaitable<bool> send(Stream& stream, Response& response, bool head,
                               const std::string& line, Clock::time_point started);
    template <typename Stream>
    asio::awaitable<bool> send_streamed(Stream& stream, Response& response, bool head,
                                        const std::string& line, Clock::time_point started);
    asio::awaitable<std::optional<std::string>> produce(const BodyProducer& producer);
    std::optional<Response> refusal(beast::error_code ec, RequestContext& context);
    asio::awaitable<Response> respond(const Request& request, const RequestContext& context);
    bool enter();
    void leave();

    /// Whether `target` (the request line's, query and all) is one of options.upload_paths.
    bool upload_path(std::string_view target) const {
        target = target.substr(0, target.find('?'));
        return std::ranges::find(options.upload_paths, target) != options.upload_paths.end();
    }
};

bool HttpServer::Impl::enter() {
    std::lock_guard lock(mutex);
    if (stopped)
        return false;
    ++in_flight;
    return true;
}

void HttpServer::Impl::leave() {
    std::lock_guard lock(mutex);
    if (--in_flight == 0)
        drained.notify_all();
}

asio::awaitable<Response> HttpServer::Impl::respond(const Request& request,
                                                    const RequestContext& context) {
    // Handlers may block on the database: run them on their own pool, not the I/O threads.
    // The closure lives in co_spawn's frame until the coroutine ends; `this` outlives both
    // because the server joins its pools before it is destroyed.
    co_return co_await asio::co_spawn(
        handlers,
        [self = this, &request, &context]() -> asio::awaitable<Response> {
            try {
                co_return self->handler(request, context);
            } catch (const std::exception& error) {
                spdlog::error("{} unhandled: {}", log_ids(context), error.what());
                co_return self->on_error(http::status::internal_server_error, "internal_error",
                                         "The server failed; the request id identifies it.",
                                         context);
            }
        },
        asio::use_awaitable);
}

/// The answer to a request refused before any handler saw it, or nullopt when `ec` means
/// the client is gone (or silent) and there is no one to answer.
std::optional<Response> HttpServer::Impl::refusal(beast::error_code ec, RequestContext& context) {
    // Only what the HTTP parser refused gets an answer; the transport's errors (end of
    // stream, reset, timeout, TLS) mean the client is gone or silent.
    if (ec.category() != http::make_error_code(http::error::end_of_stream).category() ||
        ec == http::error::end_of_stream) {
        return std::nullopt;
    }
    context.request_id = new_request_id();
    if (ec == http::error::body_limit) {
        return on_error(http::status::payload_too_large, "payload_too_large",
                        "The body exceeds the limit.", context);
    }
    if (ec == http::error::header_limit) {
        return on_error(http::status::request_header_fields_too_large, "headers_too_large",
                        "Headers exceed the limit.", context);
    }
    return on_error(http::status::bad_request, "malformed_request",
                    "The request is not valid HTTP/1.1.", context);
}

/// Counts a connection from `address` in; false, counting nothing, when the server is at
/// its cap or the address at its own.
bool HttpServer::Impl::admit(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    if (connections.load() >= options.connections_max)
        return false;
    if (options.connections_per_address_max > 0) {
        const auto it = per_address.find(address);
        if (it != per_address.end() && it->second >= options.connections_per_address_max)
            return false;
        ++per_address[address];
    }
    ++connections;
    return true;
}

void HttpServer::Impl::release(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    if (options.connections_per_address_max > 0) {
        const auto it = per_address.find(address);
        if (it != per_address.end() && --it->second == 0)
            per_address.erase(it);
    }
    --connections;
}

/// A connection over a cap: 503 too_many_connections with Retry-After, then a lingering
/// close, so the client reads why instead of a reset.
asio::awaitable<void> HttpServer::Impl::refuse(tcp::socket socket) {
    try {
        beast::tcp_stream stream(std::move(socket));
        RequestContext context;
        context.request_id = new_request_id();
        Response answer = on_error(http::status::service_unavailable, "too_many_connections",
                                   "Too many connections are open; try again shortly.", context);
        answer.set(http::field::retry_after, "1");
        answer.set("X-Request-Id", context.request_id);
        answer.keep_alive(false);
        answer.prepare_payload();
        stream.expires_after(options.read_timeout);
        beast::error_code ec;
        co_await http::async_write(stream, static_cast<Response::Message&>(answer),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
            co_await linger(stream);
    } catch (const std::exception& error) {
        spdlog::error("refusing a connection failed: {}", error.what());
    }
    --refusing;
}

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket, std::string address) {
    try {
        if (options.tls) {
            beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *options.tls);
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            beast::error_code ec;
            co_await stream.async_handshake(asio::ssl::stream_base::server,
                                            asio::redirect_error(asio::use_awaitable, ec));
            // A failed handshake (plain HTTP, an old protocol, no common cipher) just ends.
            if (!ec)
                co_await serve(stream, address);
        } else {
            beast::tcp_stream stream(std::move(socket));
            co_await serve(stream, address);
        }
    } catch (const std::exception& error) {
        spdlog::error("connection failed: {}", error.what());
    }
    release(address);
}

template <typename Stream>
asio::awaitable<void> HttpServer::Impl::serve(Stream& stream, const std::string& address) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        // The header is read under the larger limit; the path it names then sets its own.
        parser.body_limit(std::max(options.body_limit_bytes, options.upload_limit_bytes));
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit_bytes));
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        beast::error_code ec;
        co_await http::async_read_header(stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            const auto target = parser.get().target();
            const auto limit = upload_path({target.data(), target.size()})
                                   ? options.upload_limit_bytes
                                   : options.body_limit_bytes;
            const auto declared = parser.content_length();
            if (declared && *declared > limit) {
                ec = http::error::body_limit;
            } else {
                parser.body_limit(limit);
                co_await http::async_read(stream, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        const auto started = Clock::now();
        RequestContext context;
        Response response;
        std::string line;  // the access-log line, but for size and duration
        bool keep_alive = false;
        bool head = false;
        if (ec) {
            // Refused while reading: the rest of what the client sends is never read into
            // memory, and the connection ends after the answer.
            auto refused = refusal(ec, context);
            if (!refused)
                co_return;
            response = std::move(*refused);
        } else {
            if (!enter())
                co_return;
            const Request& request = parser.get();
            context = request_context(request);
            context.client_address = address;
            response = co_await respond(request, context);
            response.version(request.version());
            head = request.method() == http::verb::head;
            // HTTP/1.0 has no chunked coding: a streamed body ends where the connection does.
            keep_alive = request.keep_alive() && (!response.producer || request.version() >= 11);
            line = access_line(request, context, response.result_int());
        }
        {
            std::lock_guard lock(mutex);
            keep_alive = keep_alive && !stopping;
        }
        response.set("X-Request-Id", context.request_id);
        if (options.tls)  // browsers then refuse plain HTTP to this host for a year
            response.set(http::field::strict_transport_security, "max-age=31536000");
        if (!context.client_request_id.empty())
            response.set("X-Client-Request-Id", context.client_request_id);
        response.keep_alive(keep_alive);
        const bool sent = co_await send(stream, response, head, line, started);
        if (!line.empty())
            leave();  // only now: stopping waits for answers to be written, streams included
        if (!sent)
            co_return;
        if (!keep_alive)
            break;
    }
    co_await linger(stream);
}

/// Writes the answer, or for a streamed one its head and then its pieces as the producer
/// makes them. Logs the access line (`line`, when there is one) with the size. False when
/// the connection cannot go on: the client left, a write timed out, or the body was cut
/// short.
template <typename Stream>
asio::awaitable<bool> HttpServer::Impl::send(Stream& stream, Response& response, bool head,
                                             const std::string& line, Clock::time_point started) {
    if (response.producer)
        co_return co_await send_streamed(stream, response, head, line, started);
    if (!line.empty()) {
        // Before the write, so the line is there by the time the client has its answer.
        spdlog::info("{} bytes={} us={}", line, response.body().size(),
                     microseconds_since(started));
    }
    response.prepare_payload();
    // A HEAD answer states the length it would have but carries no content.
    if (head)
        response.body().clear();
    beast::get_lowest_layer(stream).expires_after(options.read_timeout);
    beast::error_code ec;
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
}

/// A streamed answer: chunked (HTTP/1.1) or up to the connection's end (HTTP/1.0), one
/// piece in memory at a time. The producer runs on the handler pool (it reads the
/// database). If it throws or the client leaves, the body stops without its last chunk,
/// so the client sees it cut short rather than taking a part for the whole.
template <typename Stream>
asio::awaitable<bool> HttpServer::Impl::send_streamed(Stream& stream, Response& response, bool head,
                                                      const std::string& line,
                                                      Clock::time_point started) {
    const bool chunked = response.version() >= 11;
    response.chunked(chunked);
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(options.read_timeout);
    http::response_serializer<http::string_body> serializer(response);
    beast::error_code ec;
    co_await http::async_write_header(stream, serializer,
                                      asio::redirect_error(asio::use_awaitable, ec));
    std::size_t bytes = 0;
    std::string failure = ec ? ec.message() : "";
    bool server_failed = false;
    while (failure.empty() && !head) {
        std::optional<std::string> piece;
        try {
            piece = co_await produce(response.producer);
        } catch (const std::exception& error) {
            failure = error.what();
            server_failed = true;
            break;
        }
        lowest.expires_after(options.read_timeout);
        if (!piece && chunked) {
            co_await asio::async_write(stream, http::make_chunk_last(),
                                       asio::redirect_error(asio::use_awaitable, ec));
        } else if (piece && chunked && !piece->empty()) {  // an empty chunk would end the body
            co_await asio::async_write(stream, http::make_chunk(asio::buffer(*piece)),
                                       asio::redirect_error(asio::use_awaitable, ec));
        } else if (piece) {
            co_await asio::async_write(stream, asio::buffer(*piece),
                                       asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec)
            failure = ec.message();
        if (!piece || ec)
            break;
        bytes += piece->size();
    }
    if (failure.empty())
        spdlog::info("{} bytes={} us={}", line, bytes, microseconds_since(started));
    else
        spdlog::log(server_failed ? spdlog::level::err : spdlog::level::warn,
                    "{} bytes={} us={} stream cut short: {}", line, bytes,
                    microseconds_since(started), failure);
    co_return failure.empty();
}

/// The producer's next piece, made on the handler pool; its exception, if it throws.
asio::awaitable<std::optional<std::string>> HttpServer::Impl::produce(
    const BodyProducer& producer) {
    co_return co_await asio::co_spawn(
        handlers,
        [&producer]() -> asio::awaitable<std::optional<std::string>> { co_return producer(); },
        asio::use_awaitable);
}

/// Ends a connection the server chose to close after an answer. Closing a socket with
/// unread input makes the kernel send a reset, which can destroy the answer before the
/// client reads it (a client still writing a refused body sees `Broken pipe`). So: end
/// the sending side (the client reads the answer to its end), then read and discard what
/// the client still sends until it closes, within a time and byte bound.
template <typename Stream>
asio::awaitable<void> HttpServer::Impl::linger(Stream& stream) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::error_code ec;
    // TLS has no half-close to offer while still reading (close_notify ends reading too), so
    // under TLS the client reads the answer to its Content-Length while this drains.
    if (!options.tls)
        lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest.expires_after(options.linger_timeout);
    std::vector<char> discard(16 << 10);
    std::size_t discarded = 0;
    while (!ec && discarded < options.linger_bytes_max) {
        discarded += co_await stream.async_read_some(asio::buffer(discard),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
    for (;;) {
        beast::error_code ec;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (!acceptor.is_open())
                co_return;
            continue;
        }
        auto address = socket.remote_endpoint(ec).address().to_string();
        if (ec)
            continue;  // the client left already
        if (!admit(address)) {
            // Over a cap: answered, not queued without bound; and the answers themselves are
            // bounded, past which (and over TLS) the socket is simply closed.
            if (!options.tls && refusing.load() < kRefusingMax) {
                ++refusing;
                asio::co_spawn(ioc, refuse(std::move(socket)), asio::detached);
            } else {
                socket.close(ec);
            }
            continue;
        }
        asio::co_spawn(ioc, session(std::move(socket), std::move(address)), asio::detached);
    }
}

HttpServer::HttpServer(ServerOptions options, Handler handler, ErrorResponder on_error)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(on_error))) {}

HttpServer::~HttpServer() {
    stop();
    wait();
}

void HttpServer::start() {
    auto& impl = *impl_;
    const tcp::endpoint endpoint(asio::ip::make_address(impl.options.address), impl.options.port);
    impl.acceptor.open(endpoint.protocol());
    impl.acceptor.set_option(asio::socket_base::reuse_address(true));
    impl.acceptor.bind(endpoint);
    impl.acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(impl.ioc, impl.accept_loop(), asio::detached);
    for (std::size_t i = 0; i < std::max<std::size_t>(1, impl.options.io_threads); ++i) {
        impl.threads.emplace_back([this] { impl_->ioc.run(); });
    }
}

void HttpServer::stop() {
    Impl* impl = impl_.get();
    {
        std::lock_guard lock(impl->mutex);
        if (impl->stopping)
            return;
        impl->stopping = true;
    }
    asio::post(impl->ioc, [impl] {
        beast::error_code ignored;
        impl->acceptor.close(ignored);
    });
    std::unique_lock lock(impl->mutex);
    impl->drained.wait(lock, [&] { return impl->in_flight == 0; });
    impl->stopped = true;
    lock.unlock();
    impl->ioc.stop();  // idle keep-alive connections are simply dropped
}

void HttpServer::wait() {
    for (auto& thread : impl_->threads) {
        if (thread.joinable())
            thread.join();
    }
    impl_->handlers.join();
}

unsigned short HttpServer::port() const {
    return impl_->acceptor.local_endpoint().port();
}

namespace {

/// TLS 1.2's forward-secret AEAD suites (TLS 1.3's are all of that kind).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Ciphers =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

[[noreturn]] void tls_failure(const std::string& what, const std::filesystem::path& file,
                              const beast::error_code& ec) {
    throw std::runtime_error("cannot use " + what + " " + file.string() +
                             " for TLS: " + ec.message());
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_tls_context(
    const std::filesystem::path& certificate_file, const std::filesystem::path& private_key_file) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                         asio::ssl::context::single_dh_use);
    SSL_CTX* native = context->native_handle();
    // Set here rather than left to the system's OpenSSL configuration, which may allow more.
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(native, kTls13Ciphers) != 1) {
        throw std::runtime_error("OpenSSL refused Riziki's TLS settings");
    }
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
    beast::error_code ec;
    context->use_certificate_chain_file(certificate_file.string(), ec);
    if (ec)
        tls_failure("the certificate", certificate_file, ec);
    context->use_private_key_file(private_key_file.string(), asio::ssl::context::pem, ec);
    if (ec)
        tls_failure("the private key", private_key_file, ec);
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("the TLS private key " + private_key_file.string() +
                                 " does not belong to the certificate " +
                                 certificate_file.string());
    }
    return context;
}

}  // namespace riziki::api
