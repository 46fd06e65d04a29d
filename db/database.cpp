#include "db/database.hpp"

#include "db/cluster.hpp"
#include "db/connection_string.hpp"
#include "db/migrate.hpp"

namespace riziki::db {

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
        applied_ = migrate(owner_conninfo_);
}

Database::~Database() = default;

}  // namespace riziki::db
