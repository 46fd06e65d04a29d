#include "db/database.hpp"

#include "db/cluster.hpp"
#include "db/connection_string.hpp"
#include "db/migrate.hpp"
#include "db/sql.hpp"

namespace riziki::db {

namespace {

constexpr const char* kShowDataDirectory = "SHOW data_directory";

}  // namespace

Database::Database(const DatabaseConfig& config) {
    if (config.url.empty()) {
        cluster_ = std::make_unique<EmbeddedCluster>(ClusterOptions{config.home / "pg", 0});
        cluster_->start();
        owner_conninfo_ = cluster_->superuser_conninfo();
        app_conninfo_ = cluster_->conninfo_for("riziki_app");
    } else {
        // An external server: the URL's role owns the schema. Operators who want the
        // append-only grants enforced give the service a riziki_app login instead
        // (docs/operations.md); the triggers hold for every role either way. A URL becomes
        // keyword/value pairs here, so that what callers append (" dbname=…") still works.
        owner_conninfo_ = connection_string(config.url);
        app_conninfo_ = owner_conninfo_;
    }
    if (config.migrate)
        applied_ = migrate(owner_conninfo_, config.migrations);
}

Database::~Database() = default;

std::optional<std::filesystem::path> Database::data_directory() const {
    if (cluster_)
        return cluster_->root() / "data";
    try {
        soci::session sql;
        open_session(sql, owner_conninfo_);
        std::string directory;
        sql << kShowDataDirectory, soci::into(directory);
        return directory;
    } catch (const soci::soci_error&) {
        return std::nullopt;
    }
}

}  // namespace riziki::db
