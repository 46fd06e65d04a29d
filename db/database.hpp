#pragma once
/// Where the data lives: the embedded cluster under $RIZIKI_HOME, or an external server
/// named by RIZIKI_DATABASE_URL. Opening one also brings its schema up to date.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/migrate.hpp"

namespace riziki::db {

class EmbeddedCluster;

struct DatabaseConfig {
    std::string url;             ///< external server; empty for the embedded cluster
    std::filesystem::path home;  ///< $RIZIKI_HOME: the embedded cluster lives in home/pg
    bool migrate = true;         ///< apply missing migrations on open
    /// Which schema: the ledger's, or the consortium hub's for `riziki hub`.
    MigrationSet migrations = MigrationSet::ledger;
};

class Database {
  public:
    explicit Database(const DatabaseConfig& config);
    ~Database();  ///< stops the embedded cluster if this object started it
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Connection for the application role (no UPDATE/DELETE on the journal).
    const std::string& app_conninfo() const { return app_conninfo_; }
    /// Connection for the schema owner (migrations, tests that play the attacker).
    const std::string& owner_conninfo() const { return owner_conninfo_; }
    bool embedded() const { return cluster_ != nullptr; }
    EmbeddedCluster* cluster() { return cluster_.get(); }
    /// The PostgreSQL data directory: the embedded cluster's, or what an external server
    /// answers to SHOW data_directory (nullopt when its role may not read it, which needs
    /// superuser or pg_read_all_settings; the path is the server's, on its own machine).
    std::optional<std::filesystem::path> data_directory() const;
    /// Migrations this open applied (empty when the schema was up to date).
    const std::vector<std::string>& applied_migrations() const { return applied_; }

  private:
    std::unique_ptr<EmbeddedCluster> cluster_;
    std::string app_conninfo_;
    std::string owner_conninfo_;
    std::vector<std::string> applied_;
};

}  // namespace riziki::db
