// HTTP/1.1 itself: size limits, lingering close, malformed requests, request ids, keep-alive,
// pipelining, chunked bodies and HEAD.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstring>
#include <set>

#include "tests/api/api_checks.hpp"

namespace utf = boost::unit_test;
using namespace riziki::testing;

namespace {

ApiServer& server() {
    return SharedServer::get();
}

constexpr std::size_t kBodyLimit = 1 << 20;
const std::regex kGeneratedId("[0-9a-f]{16}");

/// Request head for a POST /v1/entries as finance, ending with the blank line.
std::string entry_head(const std::string& framing) {
    return "POST /v1/entries HTTP/1.1\r\nHost: riziki\r\nAuthorization: Bearer " +
           server().token("finance") + "\r\nIdempotency-Key: " + fresh_key("raw") +
           "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

/// A valid entry padded with white space to exactly `size` bytes.
std::string entry_of_size(std::size_t size, const std::string& memo) {
    std::string body = receipt_body("F-KES", "1.00", "2026-07-01", memo);
    BOOST_TEST_REQUIRE(body.size() <= size);
    body.insert(body.size() - 1, size - body.size(), ' ');
    return body;
}

/// The one response the server sent before closing the connection.
HttpResponse sole_response(const RawReply& reply) {
    const auto responses = parse_responses(reply.bytes);
    BOOST_TEST(responses.size() == 1u, "raw reply: " << reply.bytes.substr(0, 300));
    BOOST_TEST(reply.closed_by_server);
    BOOST_TEST(!reply.timed_out);
    return responses.empty() ? HttpResponse{} : responses.front();
}

/// What a blocking client saw: it wrote all of `request` first, then read until the end.
struct WriteThenRead {
    std::string write_error;  ///< empty when every byte was sent
    std::string read_error;   ///< empty when it read to the server's orderly close
    std::string received;
};

/// Like the simplest client (a shell script's `nc`, a naive SDK): write the whole request
/// before reading a byte of the answer. Every call is bounded by `kHttpTimeout`. Its send
/// buffer is small, as a slow network's would be: on loopback the kernel would otherwise
/// take 2 MiB into its buffers at once, and the client would finish writing before any
/// answer came.
WriteThenRead write_all_then_read(unsigned short port, const std::string& request) {
    WriteThenRead out;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_TEST_REQUIRE(fd >= 0);
    const timeval bound{static_cast<time_t>(kHttpTimeout.count() / 1000), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    const int send_buffer_bytes = 64 << 10;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer_bytes, sizeof send_buffer_bytes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_TEST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    for (std::size_t sent = 0; sent < request.size();) {
        const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            out.write_error = std::strerror(errno);
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    char chunk[16384];
    for (;;) {
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n == 0)
            break;
        if (n < 0) {
            out.read_error = std::strerror(errno);
            break;
        }
        out.received.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

void check_generated_id(const HttpResponse& response) {
    BOOST_TEST(std::regex_match(response.header("X-Request-Id"), kGeneratedId),
               "X-Request-Id " << response.header("X-Request-Id"));
}

/// The server's access-log line of the request with this (server-made) id.
std::string log_line_of(const std::string& request_id) {
    const auto log = server().log();
    const auto at = log.find("request_id=" + request_id + " ");
    if (at == std::string::npos)
        return "";
    const auto start = log.rfind('\n', at) + 1;  // npos + 1 == 0 on the first line
    return log.substr(start, log.find('\n', at) - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http, *utf::fixture<SharedServer>())

BOOST_AUTO_TEST_CASE(a_body_of_one_mebibyte_is_read_and_one_byte_more_is_413) {
    const auto seq = server().journal_seq();
    auto client = server().client();
    const auto exact = client.post("/v1/entries", entry_of_size(kBodyLimit, "exactly 1 MiB"),
                                   with(server().auth("finance"), "Idempotency-Key", fresh_key()));
    BOOST_TEST(exact.status == 201, exact.body);
    BOOST_TEST(server().journal_seq() == seq + 1);

    const std::string over = entry_of_size(kBodyLimit + 1, "1 MiB and a byte");
    const auto declared = sole_response(
        exchange_raw(server().port(),
                     entry_head("Content-Length: " + std::to_string(over.size()) + "\r\n") + over));
    check_problem(declared, 413, "payload_too_large");
    check_generated_id(declared);
    BOOST_TEST(!declared.keep_alive);

    // Chunked: the size is only known while reading.
    std::string chunked = entry_head("Transfer-Encoding: chunked\r\n");
    for (std::size_t sent = 0; sent < over.size(); sent += 4096) {
        const auto piece = over.substr(sent, 4096);
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        chunked += size + piece + "\r\n";
    }
    chunked += "0\r\n\r\n";
    check_problem(sole_response(exchange_raw(server().port(), chunked)), 413, "payload_too_large");

    // Refused before any handler: nothing written, and no token needed to be told.
    const auto anonymous = sole_response(
        exchange_raw(server().port(),
                     "POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n"));
    check_problem(anonymous, 413, "payload_too_large");
    BOOST_TEST(server().journal_seq() == seq + 1);
}

// Issue 16 item 3: the server answered 413 and closed with the rest of the body unread, so
// the kernel reset the connection: a client still writing got `Broken pipe` and never read
// the 413. It now closes lingering: the client writes everything, then reads the answer.
BOOST_AUTO_TEST_CASE(a_client_writing_a_2_mib_body_before_reading_gets_the_413) {
    const auto seq = server().journal_seq();
    const std::string body = entry_of_size(2 << 20, "2 MiB");
    const std::string declared =
        entry_head("Content-Length: " + std::to_string(body.size()) + "\r\n") + body;
    for (int attempt = 0; attempt < 20; ++attempt) {
        BOOST_TEST_CONTEXT("attempt " << attempt) {
            const auto seen = write_all_then_read(server().port(), declared);
            BOOST_TEST(seen.write_error.empty(), "writing the body: " << seen.write_error);
            BOOST_TEST(seen.read_error.empty(), "reading the answer: " << seen.read_error);
            const auto responses = parse_responses(seen.received);
            BOOST_TEST_REQUIRE(responses.size() == 1u,
                               "received " << seen.received.size() << " bytes");
            check_problem(responses.front(), 413, "payload_too_large");
            BOOST_TEST(!responses.front().keep_alive);
        }
    }
    BOOST_TEST(server().journal_seq() == seq);
    BOOST_TEST(server().client().get("/healthz").status == 200);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_is_accepted) {
    const std::string body = receipt_body("F-KES", "2.00", "2026-07-01", "chunked");
    std::string request = entry_head("Transfer-Encoding: chunked\r\n");
    for (std::size_t at = 0; at < body.size(); at += 7) {
        const auto piece = body.substr(at, 7);
        request += std::to_string(piece.size()) + "\r\n" + piece + "\r\n";  // sizes below 10
    }
    request += "0\r\n\r\n";
    const auto responses = parse_responses(exchange_raw(server().port(), request).bytes);
    BOOST_TEST_REQUIRE(responses.size() == 1u);
    BOOST_TEST(responses[0].status == 201, responses[0].body);
    BOOST_TEST(body_json(responses[0]).value("memo", "") == "chunked");
}

BOOST_AUTO_TEST_CASE(headers_over_16_kibibytes_are_431) {
    const auto request = [](const std::string& headers) {
        return "GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
    };
    const auto big = sole_response(
        exchange_raw(server().port(), request("X-Pad: " + std::string(17 * 1024, 'a') + "\r\n")));
    check_problem(big, 431, "headers_too_large");
    check_generated_id(big);
    std::string many;
    for (int i = 0; i < 400; ++i)
        many += "X-Pad-" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
    check_problem(sole_response(exchange_raw(server().port(), request(many))), 431,
                  "headers_too_large");
    // 15 KiB of headers are fine.
    auto client = server().client();
    const auto under = client.get("/healthz", {{"X-Pad", std::string(15 * 1024, 'c')}});
    BOOST_TEST(under.status == 200);
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400_and_close_the_connection) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"garbage line", "GARBAGE\r\n\r\n"},
        {"no version", "GET /healthz\r\n\r\n"},
        {"extra token", "GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n"},
        {"bad version", "GET /healthz HTTP/x.y\r\nHost: x\r\n\r\n"},
        {"space in target", "GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"NUL in target", std::string("GET /heal\0thz HTTP/1.1\r\nHost: x\r\n\r\n", 36)},
        {"header without colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"},
        {"space before colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n"},
        {"bad content length",
         "POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
        {"negative content length",
         "POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"},
        {"two content lengths",
         "POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: "
         "2\r\n\r\nab"},
        {"bad chunk size",
         "POST /v1/entries HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"},
        {"TLS client hello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
                                 std::string(64, 'x') + "\r\n\r\n"},
        {"LF only after garbage", "\x01\x02\x03\n\n"},
    };
    for (const auto& [name, bytes] : cases) {
        BOOST_TEST_CONTEXT(name) {
            const auto response = sole_response(exchange_raw(server().port(), bytes));
            check_problem(response, 400, "malformed_request");
            check_generated_id(response);
            BOOST_TEST(!response.keep_alive);
        }
    }
}

// Content-Length and chunked together is the classic request-smuggling shape (RFC 9112
// §6.3): a server must refuse it, or at least never let the two framings disagree.
BOOST_AUTO_TEST_CASE(content_length_with_chunked_is_refused) {
    const auto seq = server().journal_seq();
    const std::string body = receipt_body("F-KES", "3.00", "2026-07-01", "smuggled");
    char hex[16];
    std::snprintf(hex, sizeof hex, "%zx", body.size());
    const std::string chunked = std::string(hex) + "\r\n" + body + "\r\n0\r\n\r\n";
    const auto reply =
        exchange_raw(server().port(),
                     entry_head("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + chunked);
    const auto response = sole_response(reply);
    check_problem(response, 400, "malformed_request");
    BOOST_TEST(server().journal_seq() == seq);
}

// Issue 16 item 11: a client's X-Request-Id used to become the server's request id, so a
// client chose the id under which its requests were logged and audited (the same id for
// many requests, or another's). Now every request gets an id of the server's making; the
// client's is kept beside it, in the log and as X-Client-Request-Id, only when well-formed.
BOOST_AUTO_TEST_CASE(request_ids_are_the_servers_own_and_a_clients_is_kept_beside_it) {
    auto client = server().client();
    const auto get = [&](const HeaderList& headers, const std::string& target = "/healthz") {
        const auto response = client.get(target, headers);
        BOOST_TEST(response.header_count("X-Request-Id") == 1u);
        check_generated_id(response);
        return response;
    };
    std::set<std::string> ours;
    for (const std::string& good :
         {std::string("abc"), std::string("abc-123_XYZ"), std::string(64, 'a')}) {
        BOOST_TEST_CONTEXT("given '" << good << "'") {
            const auto response = get({{"X-Request-Id", good}});
            BOOST_TEST(response.header("X-Request-Id") != good);
            BOOST_TEST(response.header("X-Client-Request-Id") == good);
            ours.insert(response.header("X-Request-Id"));
            const auto line = log_line_of(response.header("X-Request-Id"));
            BOOST_TEST(line.find(" client_request_id=" + good + " ") != std::string::npos, line);
        }
    }
    const std::vector<std::string> bad{
        std::string(65, 'z'), "Jane Wanjiru 0712 345 678", "trace\tid", "a.b", "\xc3\xbc", "x/y"};
    for (const auto& given : bad) {
        BOOST_TEST_CONTEXT("given '" << given << "'") {
            const auto response = get({{"X-Request-Id", given}});
            BOOST_TEST(response.header_count("X-Client-Request-Id") == 0u);
            ours.insert(response.header("X-Request-Id"));
            const auto line = log_line_of(response.header("X-Request-Id"));
            BOOST_TEST(line.find("client_request_id") == std::string::npos, line);
        }
    }
    const auto log = server().log();
    for (const std::string& dropped : {std::string(65, 'z'), std::string("Jane Wanjiru")})
        BOOST_TEST(log.find(dropped) == std::string::npos, "the log holds " << dropped);
    BOOST_TEST(get({}).header_count("X-Client-Request-Id") == 0u);
    ours.insert(get({}).header("X-Request-Id"));
    BOOST_TEST(ours.size() == 3 + bad.size() + 1, "request ids repeat");
    // Problems carry the server's id in the body, never the client's.
    const auto problem = get({{"X-Request-Id", "trace-42"}}, "/v1/nowhere");
    BOOST_TEST(check_problem(problem, 404, "not_found").value("request_id", "") != "trace-42");
    const auto refused = get({{"X-Request-Id", "trace-43"}}, "/v1/entries");
    BOOST_TEST(check_problem(refused, 401, "unauthenticated").value("request_id", "") !=
               "trace-43");
}

// The audit log is evidence: its lines carry the request id the server made, whatever id
// the client sent.
BOOST_AUTO_TEST_CASE(audit_lines_carry_the_servers_request_id) {
    auto client = server().client();
    const auto response =
        client.get("/v1/audit/trial-balance",
                   with(server().auth("auditor"), "X-Request-Id", "client-chosen-audit-id"));
    BOOST_TEST_REQUIRE(response.status == 200, response.body);
    const auto ours = response.header("X-Request-Id");
    const auto log = body_json(client.get("/v1/audit/log?limit=1000", server().auth("auditor")));
    std::vector<std::string> actions;
    for (const auto& row : log.at("items")) {
        BOOST_TEST(row.value("request_id", "") != "client-chosen-audit-id");
        if (row.value("request_id", "") == ours)
            actions.push_back(row.value("action", ""));
    }
    BOOST_TEST(actions == std::vector<std::string>{"report.trial_balance"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_many_requests_on_one_connection) {
    auto client = server().client();
    const auto finance = server().auth("finance");
    std::vector<int> statuses;
    statuses.push_back(client.get("/healthz").status);
    statuses.push_back(client.get("/v1/me", finance).status);
    statuses.push_back(client.get("/v1/nowhere").status);
    statuses.push_back(
        client.post("/v1/entries", "{}", with(finance, "Idempotency-Key", fresh_key())).status);
    statuses.push_back(client
                           .post("/v1/entries", receipt_body("F-KES", "1.00", "2026-07-02"),
                                 with(finance, "Idempotency-Key", fresh_key()))
                           .status);
    statuses.push_back(client.get("/v1/entries?limit=1", finance).status);
    statuses.push_back(client.request("DELETE", "/v1/entries", finance).status);
    statuses.push_back(client.get("/v1/entries", {}).status);
    statuses.push_back(client.get("/metrics", server().auth("admin")).status);
    statuses.push_back(client.get("/v1/audit/trial-balance?format=csv", finance).status);
    BOOST_TEST(statuses == std::vector<int>({200, 200, 404, 422, 201, 200, 405, 401, 200, 200}),
               boost::test_tools::per_element());
    BOOST_TEST(client.connections_opened() == 1u);
    BOOST_TEST(client.connected());
}

BOOST_AUTO_TEST_CASE(connection_close_and_http_1_0_end_the_connection) {
    auto client = server().client();
    const auto closing = client.get("/healthz", {{"Connection", "close"}});
    BOOST_TEST(closing.status == 200);
    BOOST_TEST(!closing.keep_alive);
    BOOST_TEST(!client.connected());
    const auto old = client.request("GET", "/healthz", {}, std::nullopt, 10);
    BOOST_TEST(old.status == 200);
    BOOST_TEST(old.version == 10u);
    BOOST_TEST(!old.keep_alive);
    const auto reopened = client.get("/healthz");
    BOOST_TEST(reopened.status == 200);
    BOOST_TEST(client.connections_opened() == 3u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
    const std::string requests =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: one\r\n\r\n"
        "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: two\r\n\r\n"
        "GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Request-Id: three\r\nAuthorization: Bearer " +
        server().token("auditor") + "\r\nConnection: close\r\n\r\n";
    const auto reply = exchange_raw(server().port(), requests, 3);
    const auto responses = parse_responses(reply.bytes);
    BOOST_TEST_REQUIRE(responses.size() == 3u);
    BOOST_TEST(responses[0].status == 200);
    BOOST_TEST(responses[0].header("X-Client-Request-Id") == "one");
    BOOST_TEST(responses[1].status == 404);
    BOOST_TEST(responses[1].header("X-Client-Request-Id") == "two");
    BOOST_TEST(responses[2].status == 200);
    BOOST_TEST(responses[2].header("X-Client-Request-Id") == "three");
    BOOST_TEST(body_json(responses[2]).value("role", "") == "auditor");
}

// RFC 9110 §9.3.2: a response to HEAD has no content. Body bytes after a HEAD answer are
// read as the start of the next response on a keep-alive connection.
BOOST_AUTO_TEST_CASE(a_head_answer_has_no_body) {
    for (const char* target : {"/healthz", "/v1/nowhere", "/v1/entries"}) {
        BOOST_TEST_CONTEXT("HEAD " << target) {
            auto client = server().client();
            const auto head = client.request("HEAD", target);
            BOOST_TEST((head.status == 200 || head.status == 404 || head.status == 405),
                       head.status);
            try {
                const auto next = client.get("/healthz", {{"X-Request-Id", "after-head"}});
                BOOST_TEST(next.status == 200);
                BOOST_TEST(next.header("X-Client-Request-Id") == "after-head");
            } catch (const HttpError& error) {
                BOOST_ERROR(
                    "the answer to HEAD carried a body, so the next response on the "
                    "connection was unreadable: "
                    << error.what());
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// A TCP connection to the server from local address `from` (127.x.y.z), or -1.
int connect_from(const char* from, unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const timeval bound{static_cast<time_t>(kHttpTimeout.count() / 1000), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Sends GET /healthz on `fd` and reads one whole answer (keep-alive: the connection stays).
HttpResponse health_on(int fd) {
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: riziki\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string bytes;
    char chunk[4096];
    for (;;) {
        const auto responses = parse_responses(bytes);
        if (!responses.empty())
            return responses.front();
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return HttpResponse{};  // status 0: closed or silent without a whole answer
        bytes.append(chunk, static_cast<std::size_t>(n));
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_caps)

BOOST_AUTO_TEST_CASE(one_address_cannot_take_every_connection_and_the_one_too_many_is_told) {
    // Three connections at most from one address. Before the cap, a client holding idle
    // sockets could take all 1,024 slots, and a connection over the global cap was closed
    // without a word.
    ApiServer capped{with_environment({"RIZIKI_CONNECTIONS_PER_ADDRESS=3"})};
    std::vector<int> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(connect_from("127.0.0.1", capped.port()));
        BOOST_TEST_REQUIRE(held.back() >= 0);
        BOOST_TEST(health_on(held.back()).status == 200);  // admitted, and kept open
    }
    const int fourth = connect_from("127.0.0.1", capped.port());
    BOOST_TEST_REQUIRE(fourth >= 0);
    const auto refused = health_on(fourth);
    check_problem(refused, 503, "too_many_connections");
    BOOST_TEST(refused.header("Retry-After") == "1");
    check_generated_id(refused);
    ::close(fourth);
    // Another address is not held back by the first one's sockets.
    const int other = connect_from("127.0.0.2", capped.port());
    BOOST_TEST_REQUIRE(other >= 0);
    BOOST_TEST(health_on(other).status == 200);
    ::close(other);
    // A socket given back frees its place: the server sees the close on its own time, so
    // this asks until it is admitted (bounded), asserting nothing about how long it took.
    ::close(held.back());
    held.pop_back();
    int status = 0;
    for (int attempt = 0; attempt < 500 && status != 200; ++attempt) {
        const int again = connect_from("127.0.0.1", capped.port());
        BOOST_TEST_REQUIRE(again >= 0);
        status = health_on(again).status;
        ::close(again);
    }
    BOOST_TEST(status == 200);
    for (const int fd : held)
        ::close(fd);
}

BOOST_AUTO_TEST_SUITE_END()
