#include "api/hub_client.hpp"

#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>
#include <regex>

namespace riziki::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// The hub's answers are small (at most 500 records' matches); a bigger one is refused.
constexpr std::uint64_t kAnswerBytesMax = 8u << 20;

struct Endpoint {
    bool tls = false;
    std::string host;
    std::string port;
};

Endpoint parse_url(const std::string& url) {
    static const std::regex kUrl(
        R"(^(https?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?/?$)");
    std::smatch m;
    if (!std::regex_match(url, m, kUrl))
        throw std::invalid_argument("RIZIKI_HUB_URL must be http(s)://HOST[:PORT] without a path");
    Endpoint e;
    e.tls = m[1] == "https";
    e.host = m[2];
    if (e.host.front() == '[')
        e.host = e.host.substr(1, e.host.size() - 2);
    e.port = m[3].matched ? m[3].str() : (e.tls ? "443" : "80");
    return e;
}

}  // namespace

struct HubClient::Impl {
    HubSettings settings;
    Endpoint endpoint;
    /// HTTPS only; mutable: a stream takes the context by reference, not const.
    mutable std::optional<asio::ssl::context> tls;

    /// Runs one asynchronous operation to completion, bounded by the timeout of `stream`.
    template <typename Start>
    static beast::error_code run(asio::io_context& ioc, Start start) {
        beast::error_code result = asio::error::would_block;
        start([&result](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }

    template <typename Stream>
    HubAnswer exchange(asio::io_context& ioc, Stream& stream, beast::tcp_stream& lowest,
                       bhttp::request<bhttp::string_body>& request) const {
        lowest.expires_after(settings.timeout);
        if (auto ec = run(ioc, [&](auto h) { bhttp::async_write(stream, request, h); }))
            throw HubUnreachable("the hub did not take the request: " + ec.message());
        beast::flat_buffer buffer;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(kAnswerBytesMax);
        lowest.expires_after(settings.timeout);
        if (auto ec = run(ioc, [&](auto h) { bhttp::async_read(stream, buffer, parser, h); }))
            throw HubUnreachable("the hub did not answer: " + ec.message());
        auto message = parser.release();
        HubAnswer answer{static_cast<int>(message.result_int()), std::move(message.body()), {}};
        if (const auto it = message.find(bhttp::field::retry_after); it != message.end()) {
            long seconds = 0;
            const auto text = it->value();
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), seconds);
            if (error == std::errc() && end == text.data() + text.size())
                answer.retry_after_s = seconds;
        }
        return answer;
    }
};

HubClient::HubClient(HubSettings settings) : impl_(std::make_unique<Impl>()) {
    impl_->endpoint = parse_url(settings.url);
    if (impl_->endpoint.tls) {
        impl_->tls.emplace(asio::ssl::context::tls_client);
        impl_->tls->set_options(asio::ssl::context::default_workarounds |
                                asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        if (settings.ca_file.empty())
            impl_->tls->set_default_verify_paths();
        else
            impl_->tls->load_verify_file(settings.ca_file.string());
        impl_->tls->set_verify_mode(asio::ssl::verify_peer);
    }
    impl_->settings = std::move(settings);
}

HubClient::~HubClient() = default;

const std::string& HubClient::url() const {
    return impl_->settings.url;
}

HubAnswer HubClient::call(std::string_view method, std::string_view target,
                          std::optional<std::string_view> body) const {
    const auto& impl = *impl_;
    const auto& e = impl.endpoint;
    bhttp::request<bhttp::string_body> request;
    request.method_string(beast::string_view(method.data(), method.size()));
    request.target(beast::string_view(target.data(), target.size()));
    request.version(11);
    request.set(
        bhttp::field::host,
        (e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host) + ":" + e.port);
    request.set(bhttp::field::authorization, "Bearer " + impl.settings.token);
    request.set(bhttp::field::accept, "application/json");
    request.set(bhttp::field::connection, "close");
    if (body) {
        request.set(bhttp::field::content_type, "application/json");
        request.body() = std::string(*body);
    }
    request.prepare_payload();

    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    const auto addresses = resolver.resolve(e.host, e.port, ec);
    if (ec)
        throw HubUnreachable("cannot resolve the hub's host: " + ec.message());
    beast::tcp_stream tcp_stream(ioc);
    tcp_stream.expires_after(impl.settings.timeout);
    if ((ec = Impl::run(ioc, [&](auto h) { tcp_stream.async_connect(addresses, h); })))
        throw HubUnreachable("cannot connect to the hub: " + ec.message());
    if (!impl.tls)
        return impl.exchange(ioc, tcp_stream, tcp_stream, request);

    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *impl.tls);
    // SNI, and the certificate must name the host (RFC 6125).
    // SSL_set_tlsext_host_name, without its macro's C cast.
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(e.host.c_str())) != 1)
        throw HubUnreachable("cannot set the hub's TLS server name");
    stream.set_verify_callback(asio::ssl::host_name_verification(e.host));
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(impl.settings.timeout);
    if ((ec = Impl::run(
             ioc, [&](auto h) { stream.async_handshake(asio::ssl::stream_base::client, h); })))
        throw HubUnreachable("TLS with the hub failed: " + ec.message());
    return impl.exchange(ioc, stream, lowest, request);
}

}  // namespace riziki::api
