// riziki survivor erase SV-… --reason R (docs/operations.md): the CLI's way to erase a
// survivor's identity, for an operator at the database's host. The key file is not needed:
// erasing deletes sealed rows, it opens none.

#include <algorithm>
#include <iostream>

#include "api/commands.hpp"
#include "api/erasure.hpp"
#include "db/pool.hpp"
#include "db/programme.hpp"

namespace riziki::api {

int erase_survivor_command(const std::string& survivor, const std::string& reason,
                           const db::DatabaseConfig& config) {
    if (std::find(kErasureReasons.begin(), kErasureReasons.end(), reason) ==
        kErasureReasons.end()) {
        std::string codes;
        for (const auto code : kErasureReasons)
            codes += (codes.empty() ? "" : ", ") + std::string(code);
        throw UsageError("--reason must be one of " + codes + " (not free text)");
    }
    db::Database database(config);
    db::Pool pool(database.app_conninfo(), 1);
    db::Programme programme(pool);
    db::PiiErasure erasure{survivor, reason, "cli"};
    const auto rule = programme.erase_survivor_pii(erasure, "");
    if (rule == ledger::Rejection::survivor_not_found) {
        std::cerr << "riziki: no survivor has the code " << survivor << "; nothing erased\n";
        return 2;
    }
    if (rule == ledger::Rejection::pii_erased) {
        const auto before = programme.pii_erasure(survivor).value();
        std::cerr << "riziki: the identity of " << survivor << " was erased already, at "
                  << ledger::format_timestamp_us(before.erased_at_us) << " by " << before.erased_by
                  << " (" << before.reason << "); nothing changed\n";
        return 3;
    }
    std::cout << "erased the identity of " << survivor << " (" << reason << ") at "
              << ledger::format_timestamp_us(erasure.erased_at_us) << "\n";
    return 0;
}

}  // namespace riziki::api
