
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "db/cluster.hpp"

namespace fs = std::filesystem;
using riziki::db::ClusterOptions;
using riziki::db::EmbeddedCluster;

namespace {

/// A mkdtemp directory (root-owned 0700 when we are root, which is exactly the case the
/// cluster must loosen to 0711), removed with everything in it at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = "/tmp/riziki-cluster-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

/// The OS account the cluster should run as, and so its superuser role.
struct Expected {
    std::string user;
    uid_t uid = 0;
};

Expected expected_account() {
    std::string name;
    if (geteuid() == 0) {
        const char* env = std::getenv("RIZIKI_PG_USER");
        name = env != nullptr && *env != '\0' ? env : "postgres";
    } else {
        name = getpwuid(geteuid())->pw_name;
    }
    const passwd* entry = getpwnam(name.c_str());
    BOOST_TEST_REQUIRE(entry != nullptr);
    return Expected{name, entry->pw_uid};
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Connection connect(const std::string& conninfo) {
    return Connection(PQconnectdb(conninfo.c_str()), &PQfinish);
}

/// Runs one statement and returns the first column of the first row ("" for commands).
std::string query(const std::string& conninfo, const std::string& sql) {
    const Connection connection = connect(conninfo);
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error("connect failed: " +
                                 std::string(PQerrorMessage(connection.get())));
    }
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexec(connection.get(), sql.c_str()), &PQclear);
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK)
        return "";
    if (status != PGRES_TUPLES_OK) {
        throw std::runtime_error(sql + ": " + PQerrorMessage(connection.get()));
    }
    if (PQntuples(result.get()) != 1)
        throw std::runtime_error(sql + ": not one row");
    return PQgetvalue(result.get(), 0, 0);
}

bool accepts_connections(const std::string& conninfo) {
    return PQstatus(connect(conninfo + " connect_timeout=5").get()) == CONNECTION_OK;
}

struct stat stat_of(const fs::path& path) {
    struct stat status {};
    BOOST_TEST_REQUIRE(stat(path.c_str(), &status) == 0);
    return status;
}

std::string read_first_line(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

BOOST_AUTO_TEST_CASE(conninfo_names_socket_dir_port_role_and_database) {
    const TempDir temp;
    const EmbeddedCluster cluster(ClusterOptions{temp.path / "cluster", 54329, "ledger"});
    const std::string run = (temp.path / "cluster" / "run").string();
    BOOST_TEST(cluster.port() == 54329);
    BOOST_TEST(cluster.superuser_conninfo() ==
               "host=" + run + " port=54329 user=" + expected_account().user + " dbname=ledger");
    BOOST_TEST(cluster.conninfo_for("riziki_app") ==
               "host=" + run + " port=54329 user=riziki_app dbname=ledger");
}

BOOST_AUTO_TEST_CASE(relative_root_is_made_absolute) {
    const EmbeddedCluster cluster(ClusterOptions{"var/pg/", 54329, "riziki"});
    BOOST_TEST(cluster.root() == fs::current_path() / "var" / "pg");
}

BOOST_AUTO_TEST_CASE(starts_serves_stops_and_restarts_on_the_same_data_and_port) {
    const TempDir temp;
    const fs::path root = temp.path / "cluster";
    const Expected account = expected_account();
    int first_port = 0;
    {
        EmbeddedCluster cluster(ClusterOptions{root, 0, "riziki"});
        cluster.start();
        first_port = cluster.port();
        BOOST_TEST_REQUIRE(first_port > 0);
        const std::string conninfo = cluster.superuser_conninfo();
        BOOST_TEST(query(conninfo, "SELECT 1") == "1");
        BOOST_TEST(query(conninfo, "SHOW listen_addresses") == "127.0.0.1");
        BOOST_TEST(query(conninfo, "SHOW port") == std::to_string(first_port));
        BOOST_TEST(query(conninfo, "SHOW unix_socket_directories") == (root / "run").string());
        BOOST_TEST(query(conninfo, "SHOW wal_level") == "minimal");
        BOOST_TEST(query(conninfo, "SHOW shared_buffers") == "256MB");
        BOOST_TEST(query(conninfo, "SELECT current_user") == account.user);
        BOOST_TEST(query(conninfo, "SELECT current_database()") == "riziki");
        BOOST_TEST(read_first_line(root / "port") == std::to_string(first_port));

        const struct stat run = stat_of(root / "run");
        BOOST_TEST((run.st_mode & 07777) == 0700u);
        BOOST_TEST(run.st_uid == account.uid);
        BOOST_TEST((stat_of(root).st_mode & 07777) == 0700u);
        BOOST_TEST(stat_of(root / "data").st_uid == account.uid);
        BOOST_TEST(fs::exists(root / "run" / (".s.PGSQL." + std::to_string(first_port))));
        if (geteuid() == 0) {
            // mkdtemp made it root-only; the server account needs to traverse it.
            BOOST_TEST((stat_of(temp.path).st_mode & 07777) == 0711u);
        }

        query(conninfo, "CREATE TABLE persisted (amount_minor bigint NOT NULL)");
        query(conninfo, "INSERT INTO persisted VALUES (4242)");
        cluster.stop();
        BOOST_TEST(!accepts_connections(conninfo));
        cluster.stop();  // a second stop is a no-op
    }
    EmbeddedCluster again(ClusterOptions{root, 0, "riziki"});
    BOOST_TEST(again.port() == first_port);
    again.start();
    BOOST_TEST(again.port() == first_port);
    BOOST_TEST(query(again.superuser_conninfo(), "SELECT amount_minor FROM persisted") == "4242");
    again.stop();
    BOOST_TEST(!accepts_connections(again.superuser_conninfo()));
}

BOOST_AUTO_TEST_CASE(second_object_reuses_a_running_server_without_stopping_it) {
    const TempDir temp;
    const fs::path root = temp.path / "cluster";
    // A name that needs quoting both as an SQL identifier and as a conninfo value.
    const std::string database = "riziki's ledger";
    EmbeddedCluster owner(ClusterOptions{root, 0, database});
    owner.start();
    const std::string conninfo = owner.superuser_conninfo();
    BOOST_TEST(query(conninfo, "SELECT current_database()") == database);
    BOOST_TEST(query(conninfo, "SELECT pg_postmaster_start_time() IS NOT NULL") == "t");
    const std::string started_at = query(conninfo, "SELECT pg_postmaster_start_time()::text");
    {
        EmbeddedCluster guest(ClusterOptions{root, 0, database});
        guest.start();
        BOOST_TEST(guest.port() == owner.port());
    }
    // The guest did not start the server, so destroying it must not have stopped it.
    BOOST_TEST(query(conninfo, "SELECT pg_postmaster_start_time()::text") == started_at);
    owner.stop();
    BOOST_TEST(!accepts_connections(conninfo));
}

BOOST_AUTO_TEST_CASE(committed_rows_survive_an_immediate_stop) {
    const TempDir temp;
    const fs::path root = temp.path / "cluster";
    {
        EmbeddedCluster cluster(ClusterOptions{root, 0, "riziki"});
        cluster.start();
        query(cluster.superuser_conninfo(), "CREATE TABLE crash (id int)");
        query(cluster.superuser_conninfo(), "INSERT INTO crash SELECT generate_series(1, 1000)");
        cluster.stop_immediate();
        BOOST_TEST(!accepts_connections(cluster.superuser_conninfo()));
    }
    EmbeddedCluster recovered(ClusterOptions{root, 0, "riziki"});
    recovered.start();
    BOOST_TEST(query(recovered.superuser_conninfo(), "SELECT sum(id) FROM crash") == "500500");
}

BOOST_AUTO_TEST_CASE(start_fails_with_the_log_tail_when_the_port_is_taken) {
    const TempDir temp;
    const int holder = socket(AF_INET, SOCK_STREAM, 0);
    BOOST_TEST_REQUIRE(holder >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    BOOST_TEST_REQUIRE(bind(holder, generic, length) == 0);
    BOOST_TEST_REQUIRE(listen(holder, 1) == 0);
    BOOST_TEST_REQUIRE(getsockname(holder, generic, &length) == 0);
    const int taken = ntohs(address.sin_port);

    EmbeddedCluster cluster(ClusterOptions{temp.path / "cluster", taken, "riziki"});
    std::string message;
    try {
        cluster.start();
    } catch (const std::runtime_error& error) {
        message = error.what();
    }
    close(holder);
    BOOST_TEST(message.find("pg_ctl start exited with status 1") != std::string::npos, message);
    BOOST_TEST(message.find("Address already in use") != std::string::npos, message);
    BOOST_TEST(!accepts_connections(cluster.superuser_conninfo()));
}
