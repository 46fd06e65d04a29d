// The consortium key file and `riziki consortium-key create` (api/consortium_key.hpp), and
// the encoding's bytes pinned for a fixed key: every member, in every version, must compute
// these same bytes (the expected values come from an independent Python computation:
// BLAKE2b for crypto_kdf, hmac.sha256, base64).

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "api/consortium_key.hpp"
#include "api/registry_encoding.hpp"
#include "tests/support/shell.hpp"

namespace fs = std::filesystem;
using riziki::api::ConsortiumKey;
using riziki::testing::Scratch;
using riziki::testing::shell;
using riziki::testing::shell_quoted;

namespace {

/// The key 00 01 02 ... 1f and its id.
const std::string kFixedKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kFixedKeyId = "a263a3443684f065";

std::string hex(const riziki::ledger::Hash& hash) {
    std::string out(hash.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), hash.data(), hash.size());
    out.pop_back();
    return out;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

fs::path write_key_file(const Scratch& scratch, const std::string& name, const std::string& text,
                        fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
    const auto path = scratch.write(name, text);
    fs::permissions(path, mode);
    return path;
}

std::string fixed_file() {
    return "riziki consortium key v1\n" + kFixedKeyHex + "\n" + kFixedKeyId + "\n";
}

fs::perms mode_of(const fs::path& path) {
    return fs::status(path).permissions() & fs::perms::mask;
}

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

}  // namespace

BOOST_AUTO_TEST_SUITE(consortium_key_file)

BOOST_AUTO_TEST_CASE(a_fixed_key_gives_the_pinned_encoding) {
    const Scratch scratch("consortium-fixed");
    const auto key = ConsortiumKey::read(write_key_file(scratch, "key", fixed_file()));
    BOOST_TEST(key.id() == kFixedKeyId);
    const auto encoding =
        riziki::api::encode(key, {"Mwangi, Wanjik\u0169", "+254 712 345 678", "12345678", 1990});
    BOOST_TEST_REQUIRE(encoding.id_token.has_value());
    BOOST_TEST(hex(*encoding.id_token) ==
               "6185311acaf0659c56e4603e34fa197766e9f7190f90f998f1f24c9e381384ac");
    BOOST_TEST_REQUIRE(encoding.phone_token.has_value());
    BOOST_TEST(hex(*encoding.phone_token) ==
               "2b6478a3ff83ac5982f82eecf56188e7d3f447d86392423895904aa1a2dacad7");
    BOOST_TEST_REQUIRE(encoding.name_token.has_value());
    BOOST_TEST(hex(*encoding.name_token) ==
               "91b85a17ad4e3d701987e4a985a96a5d5780903685ca086268f2408ad681ada3");
    BOOST_TEST(hex(encoding.year_tokens[0]) ==
               "6e7f28c29565bddf2bcc377a5d3be90a1e4ed7131750a6a7a510705f059b8843");
    BOOST_TEST(hex(encoding.year_tokens[1]) ==
               "9bfa7f24ef3b79aad5bf1b13eb1a3fa7aa5473059f473c0d1c07e540a82d261f");
    BOOST_TEST(hex(encoding.year_tokens[2]) ==
               "3985c2e5214d9086748bba03679dbf27ff3e5ba686222f8983bbd14c75f12c49");
    BOOST_TEST(encoding.clk.count() == 234U);
    BOOST_TEST(riziki::api::clk_text(encoding.clk) ==
               "AqNAoEAoEAhMChUDoEg4lFwEB+MiEQJSAQRAgEgAAFERiSAEACywSQTiBIEEAYYCIDAAU8VGERBIBIgQCw"
               "ABYCEFQFgkiMAEAVgkAhIQCAQUQAIMAIAgAaYACixCgxEMIACwgjCGBwZAQksIBCABUIAhEigCCAA44oAZ"
               "DAUgDgQ=");
}

BOOST_AUTO_TEST_CASE(create_writes_a_private_file_that_reads_back) {
    const Scratch scratch("consortium-create");
    const auto path = scratch.dir / "consortium.key";
    const auto old_mask = ::umask(0);  // a careless umask must not widen the mode
    const auto id = riziki::api::create_consortium_key_file(path);
    ::umask(old_mask);
    BOOST_TEST((mode_of(path) == kOwnerOnly));
    BOOST_TEST(id.size() == 16U);
    const auto text = read_text(path);
    BOOST_TEST(text.size() == 25U + 65U + 17U);
    BOOST_TEST(text.starts_with("riziki consortium key v1\n"));
    BOOST_TEST(text.ends_with("\n" + id + "\n"));
    BOOST_TEST(ConsortiumKey::read(path).id() == id);
    const auto other = riziki::api::create_consortium_key_file(scratch.dir / "other.key");
    BOOST_TEST(other != id);
}

BOOST_AUTO_TEST_CASE(create_never_replaces_a_file_nor_follows_a_symlink) {
    const Scratch scratch("consortium-exists");
    const auto path = scratch.dir / "consortium.key";
    riziki::api::create_consortium_key_file(path);
    const auto before = read_text(path);
    BOOST_CHECK_THROW(riziki::api::create_consortium_key_file(path), std::runtime_error);
    BOOST_TEST(read_text(path) == before);
    const auto link = scratch.dir / "link.key";
    fs::create_symlink(scratch.dir / "nowhere.key", link);
    BOOST_CHECK_THROW(riziki::api::create_consortium_key_file(link), std::runtime_error);
    BOOST_TEST(!fs::exists(scratch.dir / "nowhere.key"));
    BOOST_CHECK_THROW(riziki::api::create_consortium_key_file(scratch.dir / "no-dir" / "k"),
                      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_file_others_may_read_is_refused) {
    const Scratch scratch("consortium-mode");
    using p = fs::perms;
    for (const auto mode : {kOwnerOnly | p::group_read | p::others_read, kOwnerOnly | p::group_read,
                            kOwnerOnly | p::others_read, kOwnerOnly | p::others_write}) {
        const auto path = write_key_file(scratch, "key", fixed_file(), mode);
        BOOST_CHECK_EXCEPTION(
            ConsortiumKey::read(path), std::runtime_error, [](const std::runtime_error& error) {
                return std::string(error.what()).find("chmod 600") != std::string::npos;
            });
    }
    BOOST_TEST(ConsortiumKey::read(write_key_file(scratch, "key", fixed_file())).id() ==
               kFixedKeyId);
}

BOOST_AUTO_TEST_CASE(a_file_not_in_the_format_is_refused) {
    const Scratch scratch("consortium-format");
    const std::string header = "riziki consortium key v1\n";
    const std::string other_id = "0000000000000000";
    for (const auto& text : {
             std::string{},
             header,
             kFixedKeyHex + "\n" + kFixedKeyId + "\n",
             "riziki consortium key v2\n" + kFixedKeyHex + "\n" + kFixedKeyId + "\n",
             header + kFixedKeyHex.substr(2) + "\n" + kFixedKeyId + "\n",
             header + "zz" + kFixedKeyHex.substr(2) + "\n" + kFixedKeyId + "\n",
             header + kFixedKeyHex + "\n" + other_id + "\n",
             header + kFixedKeyHex + "\n",
             fixed_file() + "\n",
             fixed_file() + "extra\n",
             fixed_file() + std::string(200, ' '),
         }) {
        BOOST_TEST_CONTEXT("'" << text << "'") {
            BOOST_CHECK_THROW(ConsortiumKey::read(write_key_file(scratch, "key", text)),
                              std::runtime_error);
        }
    }
    BOOST_CHECK_THROW(ConsortiumKey::read(scratch.dir / "missing.key"), std::runtime_error);
    // A changed key digit is caught by the id.
    auto damaged = fixed_file();
    damaged[25] = '1';
    BOOST_CHECK_EXCEPTION(ConsortiumKey::read(write_key_file(scratch, "key", damaged)),
                          std::runtime_error, [](const std::runtime_error& error) {
                              return std::string(error.what()).find("damaged") != std::string::npos;
                          });
}

BOOST_AUTO_TEST_CASE(crlf_lines_and_a_missing_final_newline_are_read) {
    const Scratch scratch("consortium-crlf");
    const std::string crlf =
        "riziki consortium key v1\r\n" + kFixedKeyHex + "\r\n" + kFixedKeyId + "\r\n";
    BOOST_TEST(ConsortiumKey::read(write_key_file(scratch, "key", crlf)).id() == kFixedKeyId);
    auto unended = fixed_file();
    unended.pop_back();
    BOOST_TEST(ConsortiumKey::read(write_key_file(scratch, "key", unended)).id() == kFixedKeyId);
    BOOST_TEST(ConsortiumKey::read(write_key_file(scratch, "key", fixed_file())).id() ==
               kFixedKeyId);
}

BOOST_AUTO_TEST_CASE(riziki_consortium_key_create_through_the_binary) {
    const Scratch scratch("consortium-cli");
    const auto path = scratch.dir / "consortium.key";
    const std::string command =
        std::string(RIZIKI_BINARY) + " consortium-key create --output " + shell_quoted(path);
    const auto made = shell(command);
    BOOST_TEST_REQUIRE(made.status == 0, made.output);
    BOOST_TEST((mode_of(path) == kOwnerOnly));
    const auto id = ConsortiumKey::read(path).id();
    BOOST_TEST(made.output.find("wrote consortium key " + id) != std::string::npos, made.output);
    const auto before = read_text(path);
    const auto again = shell(command);
    BOOST_TEST(again.status == 2);
    BOOST_TEST(again.output.find("exists") != std::string::npos, again.output);
    BOOST_TEST(read_text(path) == before);
    const auto no_output = shell(std::string(RIZIKI_BINARY) + " consortium-key create");
    BOOST_TEST(no_output.status == 2);
    BOOST_TEST(no_output.output.find("needs --output FILE") != std::string::npos, no_output.output);
    BOOST_TEST(shell(std::string(RIZIKI_BINARY) + " consortium-key show").status == 2);
}

BOOST_AUTO_TEST_SUITE_END()
