#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

namespace riziki::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kResponseBodyLimit = 256ull << 20;

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool has_header(const HeaderList& headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return same_name(h.first, name); });
}

HttpResponse convert(http::response<http::string_body>&& message) {
    HttpResponse out;
    out.status = static_cast<int>(message.result_int());
    out.version = message.version();
    out.keep_alive = message.keep_alive();
    for (const auto& field : message) {
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(message.body());
    return out;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (same_name(key, name))
            return value;
    }
    return "";
}

std::size_t HttpResponse::header_count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); }));
}

struct HttpClient::Impl {
    std::string host;
    unsigned short port;
    std::chrono::milliseconds timeout;
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    bool open = false;
    std::size_t connections = 0;

    /// Runs one asynchronous operation to completion under the timeout.
    template <typename Start>
    beast::error_code run(Start start) {
        beast::error_code result = asio::error::would_block;
        stream.expires_after(timeout);
        start([&result](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }

    void connect() {
        const tcp::endpoint endpoint(asio::ip::make_address(host), port);
        const auto ec = run([&](auto handler) { stream.async_connect(endpoint, handler); });
        if (ec)
            throw HttpError("connect to port " + std::to_string(port) + ": " + ec.message());
        buffer.consume(buffer.size());
        open = true;
        ++connections;
    }

    void close() {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        open = false;
    }
};

HttpClient::HttpClient(unsigned short port, std::string host, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
    impl_->host = std::move(host);
    impl_->port = port;
    impl_->timeout = timeout;
}

HttpClient::~HttpClient() {
    if (impl_ && impl_->open)
        impl_->close();
}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 const HeaderList& headers, std::optional<std::string_view> body,
                                 unsigned version) {
    auto& impl = *impl_;
    http::request<http::string_body> request;
    request.method_string(beast::string_view(method.data(), method.size()));
    request.target(beast::string_view(target.data(), target.size()));
    request.version(version);
    if (!has_header(headers, "Host")) {
        request.set(http::field::host, impl.host + ":" + std::to_string(impl.port));
    }
    for (const auto& [name, value] : headers)
        request.insert(name, value);
    if (body) {
        request.body() = std::string(*body);
        if (!has_header(headers, "Content-Length") && !has_header(headers, "Transfer-Encoding")) {
            request.content_length(body->size());
        }
    }
    if (!impl.open)
        impl.connect();
    auto ec = impl.run([&](auto handler) { http::async_write(impl.stream, request, handler); });
    if (ec) {
        impl.close();
        throw HttpError("write " + std::string(target) + ": " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kResponseBodyLimit);
    parser.header_limit(1 << 20);
    parser.skip(method == "HEAD");  // a HEAD answer has headers only (RFC 9110 9.3.2)
    ec = impl.run(
        [&](auto handler) { http::async_read(impl.stream, impl.buffer, parser, handler); });
    if (ec) {
        impl.close();
        throw HttpError("read " + std::string(target) + ": " + ec.message());
    }
    auto response = convert(parser.release());
    if (!response.keep_alive)
        impl.close();
    return response;
}

HttpResponse HttpClient::get(std::string_view target, const HeaderList& headers) {
    return request("GET", target, headers);
}

HttpResponse HttpClient::post(std::string_view target, std::string_view body,
                              const HeaderList& headers) {
    if (has_header(headers, "Content-Type"))
        return request("POST", target, headers, body);
    HeaderList with_type = headers;
    with_type.emplace_back("Content-Type", "application/json");
    return request("POST", target, with_type, body);
}

std::size_t HttpClient::connections_opened() const {
    return impl_->connections;
}
bool HttpClient::connected() const {
    return impl_->open;
}
void HttpClient::disconnect() {
    if (impl_->open)
        impl_->close();
}

std::vector<HttpResponse> parse_responses(std::string_view bytes) {
    std::vector<HttpResponse> out;
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        parser.body_limit(kResponseBodyLimit);
        parser.header_limit(1 << 20);
        while (!parser.is_done()) {
            beast::error_code ec;
            const auto used =
                parser.put(asio::const_buffer(bytes.data() + offset, bytes.size() - offset), ec);
            offset += used;
            if (ec == http::error::need_more && used > 0)
                continue;
            if (ec == http::error::need_more) {
                ec = {};
                parser.put_eof(ec);  // a body delimited by the end of the connection
            }
            if (ec || (!parser.is_done() && used == 0))
                return out;
        }
        out.push_back(convert(parser.release()));
    }
    return out;
}

RawReply exchange_raw(unsigned short port, std::string_view bytes, std::size_t responses_wanted,
                      std::chrono::milliseconds timeout, const std::string& host) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    asio::steady_timer deadline(ioc, timeout);
    RawReply reply;
    const std::string data(bytes);
    std::array<char, 64 * 1024> chunk{};
    bool done = false;
    bool refused = false;
    const auto finish = [&] {
        done = true;
        deadline.cancel();
        beast::error_code ignored;
        socket.close(ignored);
    };
    // Enough: the responses wanted arrived, and when the last one announced the end of
    // the connection, the server closed it too (so tests see that it did).
    const auto enough = [&](const std::string& received) {
        const auto responses = parse_responses(received);
        return responses.size() >= responses_wanted && responses.back().keep_alive;
    };
    std::function<void()> read_more = [&] {
        socket.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            reply.bytes.append(chunk.data(), n);
            if (done)
                return;
            if (ec) {
                reply.closed_by_server = !reply.timed_out;
                finish();
            } else if (enough(reply.bytes)) {
                finish();
            } else {
                read_more();
            }
        });
    };
    deadline.async_wait([&](beast::error_code ec) {
        if (ec || done)
            return;
        reply.timed_out = true;
        finish();
    });
    socket.async_connect(
        tcp::endpoint(asio::ip::make_address(host), port), [&](beast::error_code ec) {
            if (ec) {
                refused = true;
                finish();
                return;
            }
            // A failed write is expected when the server answers early and
            // closes; what it sent back is read either way.
            asio::async_write(socket, asio::buffer(data), [](beast::error_code, std::size_t) {});
            read_more();
        });
    ioc.run();
    if (refused)
        throw HttpError("connect to port " + std::to_string(port) + " refused");
    return reply;
}

}  // namespace riziki::testing
