#pragma once
/// What the consortium registry's API tests share (test_consortium, test_registry_member).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <string>

#include "tests/api/api_checks.hpp"

namespace riziki::testing {

/// A loopback port nothing listens on when this returns (bound, read and closed): a hub can
/// be started on it later, and until then a member finds it closed.
inline unsigned short unused_loopback_port() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return port;
}

/// A consortium key file made by `riziki consortium-key create` in `directory` (made if
/// missing; a key file there before is replaced): its path.
inline std::string consortium_key_file(const std::string& directory) {
    std::filesystem::create_directories(directory);
    const std::string path = directory + "/consortium.key";
    std::filesystem::remove(path);
    const auto made = run_command({RIZIKI_BINARY, "consortium-key", "create", "--output", path},
                                  directory + "/create.log");
    BOOST_TEST_REQUIRE(made.exit_code == 0, read_file(directory + "/create.log"));
    return path;
}

}  // namespace riziki::testing
