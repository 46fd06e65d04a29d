// RIZIKI_DATABASE_URL in either form libpq documents, against the test cluster: URLs with
// both schemes, percent-encoded parts and query parameters, the keyword/value form with
// quoted values, and clear refusals that never repeat the password.
// Regression: `postgresql://postgres@127.0.0.1:5433/mydb` failed with `database "mydb="
// does not exist` (SOCI's PostgreSQL backend appended the `=`).

#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "db/cluster.hpp"
#include "db/connection_string.hpp"
#include "db/database.hpp"
#include "db/migrate.hpp"
#include "tests/support/test_database.hpp"

using namespace riziki;
using riziki::testing::TestCluster;

namespace {

/// Every byte but the URL's unreserved characters as %XX.
std::string percent_encoded(const std::string& text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        }
    }
    return out;
}

/// Who and where a connection landed, as its server reports it.
struct Landed {
    std::string user, database, application_name;
    bool operator==(const Landed&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Landed& landed) {
    return out << landed.user << "@" << landed.database << " (" << landed.application_name << ")";
}

/// Connects the way the product does (db::open_session).
Landed connect_with(const std::string& conninfo) {
    soci::session sql(*soci::factory_postgresql(), db::soci_connection_string(conninfo));
    Landed landed;
    sql << "SELECT current_user, current_database(), current_setting('application_name')",
        soci::into(landed.user), soci::into(landed.database), soci::into(landed.application_name);
    return landed;
}

int port() {
    return TestCluster::instance().cluster().port();
}

std::string socket_dir() {
    return (TestCluster::instance().cluster().root() / "run").string();  // its socket_dir()
}

/// A login role with `password`, unique to this test program, for connections over TCP
/// (the cluster asks for a SCRAM password there). A superuser, so it may run migrate.
std::string role_with_password(const testing::TestDatabase& database, const std::string& password) {
    static int roles = 0;
    const std::string role = "url_" + std::to_string(getpid()) + "_" + std::to_string(++roles);
    // Through libpq: SOCI would take the ":rd" of "w:rd" for a placeholder.
    PGconn* owner = PQconnectdb(database.owner_conninfo.c_str());
    PGresult* result = PQexec(
        owner,
        ("CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD $pw$" + password + "$pw$").c_str());
    const bool created = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string error = PQerrorMessage(owner);
    PQclear(result);
    PQfinish(owner);
    BOOST_TEST_REQUIRE(created, error);
    return role;
}

/// The refusal `url` gets from db::Database, what `riziki migrate` and `serve` open.
std::string refusal_of(const std::string& url) {
    try {
        db::Database database({url, "", true});
    } catch (const db::InvalidConnectionString& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("(another error) ") + error.what();
    }
    return "(accepted)";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_string)

BOOST_AUTO_TEST_CASE(postgresql_urls_with_encoded_passwords_and_query_parameters) {
    const auto database = TestCluster::instance().fresh_database();
    // One password with whitespace, one with a double quote; both with the characters a URL
    // and libpq's quoting treat specially.
    for (const std::string password : {"p@ss w:rd/'q'\\ %?#&=", "q\"u@te'\\:/%x=y"}) {
        BOOST_TEST_CONTEXT(password) {
            const auto role = role_with_password(database, password);
            const std::string url = "postgresql://" + role + ":" + percent_encoded(password) +
                                    "@127.0.0.1:" + std::to_string(port()) + "/" + database.name +
                                    "?application_name=riziki%20url%20test&connect_timeout=10";
            db::Database opened({url, "", true});
            BOOST_TEST(opened.applied_migrations().empty());
            const Landed expected{role, database.name, "riziki url test"};
            BOOST_TEST(connect_with(opened.owner_conninfo()) == expected);
            BOOST_TEST(connect_with(opened.app_conninfo()) == expected);
            BOOST_TEST(connect_with(url) == expected);
            // What tests and tools append to a connection string still applies.
            BOOST_TEST(connect_with(opened.owner_conninfo() + " dbname=postgres").database ==
                       "postgres");
        }
    }
}

// The issue's case: a URL with no query (so no `=` at all), here with the database name
// percent-encoded, and `riziki migrate` through it on a new database: every migration applies.
BOOST_AUTO_TEST_CASE(a_postgres_url_migrates_a_database_with_an_encoded_name) {
    const auto database = TestCluster::instance().fresh_database();
    const std::string name = "riziki url db " + std::to_string(getpid());
    {
        soci::session sql(*soci::factory_postgresql(), database.owner_conninfo);
        sql << "CREATE DATABASE \"" + name + "\" TEMPLATE template0";
    }
    const auto role = role_with_password(database, "plain");
    const std::string url = "postgres://" + role + ":plain@127.0.0.1:" + std::to_string(port()) +
                            "/" + percent_encoded(name);
    db::Database opened({url, "", true});
    BOOST_TEST(opened.applied_migrations().size() == db::embedded_migrations().size());
    BOOST_TEST(connect_with(opened.app_conninfo()) == (Landed{role, name, ""}));
}

// Unix sockets: the socket directory as the URL's (percent-encoded) host, or in `?host=`.
BOOST_AUTO_TEST_CASE(urls_naming_a_socket_directory) {
    const auto database = TestCluster::instance().fresh_database();
    const std::string port_text = std::to_string(port());
    const std::vector<std::string> urls{
        "postgresql://riziki_app@" + percent_encoded(socket_dir()) + ":" + port_text + "/" +
            database.name,
        "postgres:///" + database.name + "?host=" + socket_dir() + "&port=" + port_text +
            "&user=riziki_app",
    };
    for (const auto& url : urls) {
        BOOST_TEST_CONTEXT(url) {
            db::Database opened({url, "", false});
            BOOST_TEST(connect_with(opened.app_conninfo() + " application_name='by socket'") ==
                       (Landed{"riziki_app", database.name, "by socket"}));
        }
    }
}

// The keyword/value form keeps working, quoted values with spaces and quotes included
// (SOCI split them at the space before).
BOOST_AUTO_TEST_CASE(keyword_value_strings_with_quoted_values) {
    const auto database = TestCluster::instance().fresh_database();
    const std::string conninfo = database.app_conninfo + " application_name='it\\'s a \\\\ test'";
    db::Database opened({conninfo, "", false});
    BOOST_TEST(connect_with(opened.app_conninfo()) ==
               (Landed{"riziki_app", database.name, "it's a \\ test"}));
    // Normalising twice changes nothing.
    BOOST_TEST(db::connection_string(opened.app_conninfo()) == opened.app_conninfo());
}

BOOST_AUTO_TEST_CASE(malformed_strings_are_refused_without_the_password) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"postgresql://u:s3cr3t@[::1/db", "the database URL is not valid: end of string"},
        {"postgresql://u:s3cr3t@db.example/riziki?sslmode",
         "the database URL is not valid: missing key/value separator"},
        {"postgres://u:s3cr3t@db.example/riziki?no_such_setting=1",
         "the database URL is not valid: invalid URI query parameter: \"no_such_setting\""},
        {"postgres://db.example/riziki?password=s3cr3t&user=u&x",
         "the database URL is not valid: missing key/value separator"},
        {"postgresql://u:s3cr3t%zz@db.example/riziki",
         "the database URL's password is not valid (percent-encode it"},
        {"host=db.example password='s3cr3t", "the database connection string is not valid: "},
        {"host=db.example password=s3cr3t s3cr3t", "missing \"=\" after \"(hidden)\""},
        {"postgresql://u:s3cr3t%20%22x@db.example/riziki",
         "the database connection's password holds both whitespace and a double quote"},
    };
    for (const auto& [url, expected] : cases) {
        BOOST_TEST_CONTEXT(url) {
            const auto message = refusal_of(url);
            BOOST_TEST(contains(message, expected), message);
            BOOST_TEST(!contains(message, "s3cr3t"), message);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
