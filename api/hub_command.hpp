#pragma once
/// `riziki hub`: serves the consortium registry's hub (api/hub_handlers.hpp) on its own
/// database (db/hub_migrations), and `riziki hub member add|remove` manages its members.

#include <string>
#include <vector>

namespace riziki::api {

/// riziki hub [--tls-cert F --tls-key F] [--behind-proxy]
/// riziki hub member add --org CODE --name NAME: prints the member's token once; exit 2 when
///     the code is taken.
/// riziki hub member remove --org CODE: revokes the token and deletes the member's rows;
///     exit 2 when there is no such live member.
int hub_command(const std::vector<std::string>& args);

}  // namespace riziki::api
