// HTTPS (issue 16 item 9): tokens and personal data crossed the network in clear text when
// RIZIKI_LISTEN named a non-loopback address. `riziki serve --tls-cert F --tls-key F` now
// speaks TLS 1.2 or later with HSTS, and plain HTTP on a non-loopback address is refused
// at start unless --behind-proxy says a TLS-terminating proxy is in front.

#include <stdlib.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/config.hpp"
#include "tests/api/api_checks.hpp"

using namespace riziki::testing;
namespace api = riziki::api;

namespace {

/// A fresh directory with a self-signed certificate for 127.0.0.1 (cert.pem, key.pem),
/// made with the openssl command, removed with the object.
struct Certificate {
    std::string dir;
    std::string cert;
    std::string key;

    Certificate() {
        dir = (std::filesystem::temp_directory_path() / "riziki-tls-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(dir.data()) != nullptr);
        cert = dir + "/cert.pem";
        key = dir + "/key.pem";
        const auto made = run_command(
            {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
            dir + "/openssl.log");
        BOOST_TEST_REQUIRE(made.exit_code == 0, read(dir + "/openssl.log"));
    }
    ~Certificate() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    Certificate(const Certificate&) = delete;
    Certificate& operator=(const Certificate&) = delete;

    static std::string read(const std::string& path) {
        std::ifstream in(path);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
};

/// `curl` (HTTP/1.1, verifying the server against `cert`): the head and body it printed.
CommandResult curl(const std::string& cert, const std::string& url, const std::string& log,
                   const std::vector<std::string>& more = {}) {
    std::vector<std::string> argv{"/usr/bin/curl", "-sS", "--http1.1", "--max-time", "10",
                                  "--cacert",      cert,  "-D",        "-"};
    argv.insert(argv.end(), more.begin(), more.end());
    argv.push_back(url);
    return run_command(argv, log);
}

/// `openssl s_client` offering only `version` (-tls1_1, -tls1_2, -tls1_3), every cipher
/// OpenSSL still has, at security level 0 so that the client really offers old protocols.
CommandResult handshake(unsigned short port, const std::string& version, const std::string& log) {
    return run_command({"/usr/bin/openssl", "s_client", "-connect",
                        "127.0.0.1:" + std::to_string(port), version, "-cipher", "ALL:@SECLEVEL=0"},
                       log);
}

/// `riziki serve` expected to refuse to start: its exit status and what it said.
CommandResult refused_start(const std::vector<std::string>& options,
                            const std::vector<std::string>& environment, const std::string& dir) {
    std::vector<std::string> argv{RIZIKI_BINARY, "serve", "--home", dir + "/home"};
    argv.insert(argv.end(), options.begin(), options.end());
    const std::string log = dir + "/refused.log";
    std::filesystem::remove(log);
    auto result = run_command(argv, log, std::chrono::seconds(30), environment);
    result.out += Certificate::read(log);
    return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(https_answers_with_hsts_and_refuses_plain_http_and_old_tls) {
    const Certificate certificate;
    ApiServer server({.listen = "127.0.0.1:0",
                      .options = {"--tls-cert", certificate.cert, "--tls-key", certificate.key},
                      .environment = {},
                      .tls = true});
    const std::string base = "https://127.0.0.1:" + std::to_string(server.port());
    const std::string log = certificate.dir + "/client.log";
    const auto health = curl(certificate.cert, base + "/healthz", log);
    BOOST_TEST(health.exit_code == 0, Certificate::read(log));
    BOOST_TEST(health.out.starts_with("HTTP/1.1 200 OK\r\n"), health.out);
    BOOST_TEST(
        health.out.find("\r\nStrict-Transport-Security: max-age=31536000\r\n") != std::string::npos,
        health.out);
    const auto me = curl(certificate.cert, base + "/v1/me", log,
                         {"-H", "Authorization: Bearer " + server.token("auditor")});
    BOOST_TEST(me.out.find("\"role\":\"auditor\"") != std::string::npos, me.out);
    // Plain HTTP to the TLS port: no HTTP answer, the connection just ends.
    const auto plain = exchange_raw(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(parse_responses(plain.bytes).empty(), plain.bytes);
    BOOST_TEST(plain.closed_by_server);
    BOOST_TEST(curl(certificate.cert,
                    "http://127.0.0.1:" + std::to_string(server.port()) + "/healthz", log)
                   .exit_code != 0);
    // A client that offers at most TLS 1.1 is refused; 1.2 and 1.3 are served, 1.2 with a
    // forward-secret AEAD cipher and no compression.
    BOOST_TEST(handshake(server.port(), "-tls1_1", log).exit_code != 0);
    const auto tls12 = handshake(server.port(), "-tls1_2", log);
    BOOST_TEST(tls12.exit_code == 0, tls12.out);
    BOOST_TEST(tls12.out.find("Cipher is ECDHE-") != std::string::npos, tls12.out);
    BOOST_TEST((tls12.out.find("GCM") != std::string::npos ||
                tls12.out.find("CHACHA20") != std::string::npos),
               tls12.out);
    BOOST_TEST(tls12.out.find("Compression: NONE") != std::string::npos, tls12.out);
    BOOST_TEST(handshake(server.port(), "-tls1_3", log).exit_code == 0);
    BOOST_TEST(server.log().find("listening on https://127.0.0.1:") != std::string::npos);
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_CASE(plain_http_on_a_non_loopback_address_is_refused_unless_behind_a_proxy) {
    const Certificate certificate;  // for its directory, and a key without its certificate
    for (const auto& environment : {std::vector<std::string>{"RIZIKI_LISTEN=0.0.0.0:0"},
                                    std::vector<std::string>{"RIZIKI_LISTEN=192.0.2.1:8080"},
                                    std::vector<std::string>{"RIZIKI_LISTEN=[::]:0"}}) {
        BOOST_TEST_CONTEXT(environment.front()) {
            const auto refused = refused_start({}, environment, certificate.dir);
            BOOST_TEST(refused.exit_code == 2);
            BOOST_TEST(refused.out.find("refusing to serve plain HTTP on ") != std::string::npos,
                       refused.out);
            BOOST_TEST(refused.out.find("--behind-proxy") != std::string::npos);
        }
    }
    const auto flag = refused_start({"--listen", "0.0.0.0:0"}, {}, certificate.dir);
    BOOST_TEST(flag.exit_code == 2, flag.out);
    const auto half = refused_start({"--tls-key", certificate.key}, {}, certificate.dir);
    BOOST_TEST(half.exit_code == 2);
    BOOST_TEST(
        half.out.find("TLS needs both a certificate and its private key") != std::string::npos,
        half.out);
    const auto missing =
        refused_start({"--tls-cert", certificate.dir + "/none.pem", "--tls-key", certificate.key},
                      {}, certificate.dir);
    BOOST_TEST(missing.exit_code != 0);
    BOOST_TEST(missing.out.find("cannot use the certificate " + certificate.dir + "/none.pem") !=
                   std::string::npos,
               missing.out);
    // Behind a proxy it starts, on every address, plain HTTP and no HSTS (the proxy's job).
    ApiServer server({.listen = "",
                      .options = {"--behind-proxy"},
                      .environment = {"RIZIKI_LISTEN=0.0.0.0:0"},
                      .tls = false});
    BOOST_TEST(server.log().find("listening on http://0.0.0.0:") != std::string::npos);
    const auto health = server.client().get("/healthz");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(health.header_count("Strict-Transport-Security") == 0u);
    BOOST_TEST(server.stop() == 0);
    BOOST_TEST(server.log_problems().empty(), server.log_problems());
}

BOOST_AUTO_TEST_CASE(the_environment_names_tls_files_and_the_proxy) {
    const auto with_environment = [](const std::map<std::string, std::string>& variables) {
        for (const auto& [name, value] : variables)
            ::setenv(name.c_str(), value.c_str(), 1);
        std::optional<api::Config> config;
        std::string error;
        try {
            config = api::config_from_environment();
        } catch (const api::ConfigError& e) {
            error = e.what();
        }
        for (const auto& [name, value] : variables)
            ::unsetenv(name.c_str());
        return std::pair{config, error};
    };
    const auto [tls, tls_error] = with_environment(
        {{"RIZIKI_TLS_CERT", "/etc/riziki/cert.pem"}, {"RIZIKI_TLS_KEY", "/etc/riziki/key.pem"}});
    BOOST_TEST_REQUIRE(tls.has_value(), tls_error);
    BOOST_TEST(tls->tls());
    BOOST_TEST(tls->tls_private_key_file == "/etc/riziki/key.pem");
    BOOST_TEST(!tls->behind_proxy);
    BOOST_TEST(with_environment({{"RIZIKI_BEHIND_PROXY", "1"}}).first->behind_proxy);
    BOOST_TEST(!with_environment({{"RIZIKI_BEHIND_PROXY", "0"}}).first->behind_proxy);
    BOOST_TEST(with_environment({{"RIZIKI_BEHIND_PROXY", "yes please"}}).second ==
               "RIZIKI_BEHIND_PROXY must be 1 or 0, got 'yes please'");
    // Which addresses are loopback, with brackets for IPv6.
    const api::Config plain;
    for (const auto* listen : {"127.0.0.1:8080", "127.9.9.9:1", "[::1]:8080"}) {
        BOOST_TEST_CONTEXT(listen) {
            BOOST_CHECK_NO_THROW(api::check_transport(plain, api::parse_listen(listen).first));
        }
    }
    for (const auto* listen : {"0.0.0.0:8080", "10.0.0.5:8080", "[::]:8080", "localhost:8080"}) {
        BOOST_TEST_CONTEXT(listen) {
            BOOST_CHECK_THROW(api::check_transport(plain, api::parse_listen(listen).first),
                              api::ConfigError);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
