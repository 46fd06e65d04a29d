#include "api/http_server.hpp"

// GCC 12 misreads asio's coroutine frames, which pair a class-specific operator new with a
// sized operator delete (boost/asio/impl/awaitable.hpp), as a mismatch, depending on how
// it happens to inline a coroutine's body: a false -Wmismatched-new-delete.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace riziki::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

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

/// The path without its query string: queries may carry codes we keep out of logs.
std::string_view log_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

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
    asio::awaitable<void> session(tcp::socket socket);
    template <typename Stream>
    asio::awaitable<void> serve(Stream& stream);
    template <typename Stream>
    asio::awaitable<void> linger(Stream& stream);
    std::optional<Response> refusal(beast::error_code ec, RequestContext& context);
    asio::awaitable<Response> respond(const Request& request, const RequestContext& context);
    bool enter();
    void leave();
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
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
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

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket) {
    try {
        beast::tcp_stream stream(std::move(socket));
        co_await serve(stream);
    } catch (const std::exception& error) {
        spdlog::error("connection failed: {}", error.what());
    }
    --connections;
}

template <typename Stream>
asio::awaitable<void> HttpServer::Impl::serve(Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(options.body_limit_bytes);
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit_bytes));
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        beast::error_code ec;
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        const auto started = std::chrono::steady_clock::now();
        RequestContext context;
        Response response;
        bool keep_alive = false;
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
            response = co_await respond(request, context);
            keep_alive = request.keep_alive();
            response.version(request.version());
            spdlog::info("{} method={} path={} status={} bytes={} us={}", log_ids(context),
                         std::string(request.method_string()),
                         std::string(log_path({request.target().data(), request.target().size()})),
                         response.result_int(), response.body().size(),
                         std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count());
            leave();
        }
        {
            std::lock_guard lock(mutex);
            keep_alive = keep_alive && !stopping;
        }
        response.set("X-Request-Id", context.request_id);
        if (!context.client_request_id.empty())
            response.set("X-Client-Request-Id", context.client_request_id);
        response.keep_alive(keep_alive);
        response.prepare_payload();
        // A HEAD answer states the length it would have but carries no content.
        if (!ec && parser.get().method() == http::verb::head)
            response.body().clear();
        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
        if (!keep_alive)
            break;
    }
    co_await linger(stream);
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
        if (connections.load() >= options.connections_max) {
            socket.close(ec);  // over the limit: refuse rather than queue without bound
            continue;
        }
        ++connections;
        asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
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

}  // namespace riziki::api
