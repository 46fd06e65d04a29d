#pragma once
/// A throwaway PostgreSQL cluster for a test program: started on first use in a fresh
/// temporary directory, migrated once into a template database, and removed at exit.
/// Each test gets its own database cloned from the template, so tests never see each
/// other's rows.

#include <memory>
#include <string>

#include "db/migrate.hpp"

namespace riziki::db {
class EmbeddedCluster;
}

namespace riziki::testing {

struct TestDatabase {
    std::string name;
    std::string owner_conninfo;  ///< the cluster superuser: plays the attacker in tamper tests
    std::string app_conninfo;    ///< riziki_app: what the product connects as
};

class TestCluster {
  public:
    /// The process-wide cluster (started on first call).
    static TestCluster& instance();
    ~TestCluster();

    /// A new, migrated, empty database: the ledger's schema, or the consortium hub's.
    TestDatabase fresh_database(db::MigrationSet set = db::MigrationSet::ledger);
    db::EmbeddedCluster& cluster() { return *cluster_; }

  private:
    TestCluster();
    std::string root_;
    std::unique_ptr<db::EmbeddedCluster> cluster_;
    int databases_ = 0;
};

}  // namespace riziki::testing
