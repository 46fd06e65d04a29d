#include "tests/support/test_database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "db/cluster.hpp"
#include "db/migrate.hpp"

namespace riziki::testing {

namespace {

constexpr const char* kTemplate = "riziki_template";

std::string with_database(const std::string& conninfo, const std::string& database) {
    return conninfo + " dbname=" + database;  // libpq: a later keyword wins
}

}  // namespace

TestCluster& TestCluster::instance() {
    static TestCluster cluster;
    return cluster;
}

TestCluster::TestCluster() {
    std::string pattern = (std::filesystem::temp_directory_path() / "riziki-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    root_ = pattern;
    cluster_ =
        std::make_unique<db::EmbeddedCluster>(db::ClusterOptions{root_ + "/pg", 0, kTemplate});
    cluster_->start();
    db::migrate(cluster_->superuser_conninfo());
}

TestCluster::~TestCluster() {
    try {
        cluster_->stop();
    } catch (...) {
        // A test that crashed the server on purpose may leave nothing to stop.
    }
    cluster_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
}

TestDatabase TestCluster::fresh_database(db::MigrationSet set) {
    TestDatabase database;
    database.name = "test_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
    const bool ledger = set == db::MigrationSet::ledger;
    {
        soci::session sql(*soci::factory_postgresql(),
                          with_database(cluster_->superuser_conninfo(), "postgres"));
        // The ledger's schema is cloned from the template migrated once; the hub's is small
        // enough to migrate for each database.
        sql << "CREATE DATABASE " + database.name + " TEMPLATE " +
                   (ledger ? kTemplate : "template0");
    }
    database.owner_conninfo = with_database(cluster_->superuser_conninfo(), database.name);
    database.app_conninfo = with_database(cluster_->conninfo_for("riziki_app"), database.name);
    if (!ledger)
        db::migrate(database.owner_conninfo, set);
    return database;
}

}  // namespace riziki::testing
