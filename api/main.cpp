// riziki: the command-line entry point (SPEC §3).

#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "api/commands.hpp"
#include "api/config.hpp"

namespace {

void usage(std::ostream& out) {
    out << "usage: riziki <command> [options]\n"
           "  serve [--tls-cert FILE --tls-key FILE] [--behind-proxy]\n"
           "                   run the HTTP API (embedded database unless RIZIKI_DATABASE_URL);\n"
           "                   HTTPS with the PEM certificate and key; plain HTTP on an address\n"
           "                   other than loopback only --behind-proxy (a TLS proxy in front)\n"
           "                   the PII key file (--pii-key-file) must lie outside --home and\n"
           "                   the database's data directory, readable only by its owner\n"
           "  demo             run the API on the embedded database and print its URL\n"
           "  migrate          apply missing database migrations\n"
           "  verify [--json]  re-derive the journal's invariants; exit 0 only if all hold\n"
           "  export --format hledger|ledger|beancount|csv [--from D] [--to D] [--output FILE]\n"
           "                   the journal for an auditor's own tools, with balance assertions\n"
           "  report donor --fund F [--from D] [--to D] --format json|csv|html|pdf|xlsx -o FILE\n"
           "                   write the donor report to FILE (the period defaults to the year)\n"
           "  schedule --amount A --currency C --disbursed-on D --rate R [--per year|month]\n"
           "           --installments N [--method flat] [--amortization equal_principal]\n"
           "           [--every N] [--unit weeks|days] [--first-due-on D] [--grace-principal N]\n"
           "                   preview a loan's repayment schedule (as POST "
           "/v1/schedules/preview)\n"
           "  survivor erase SV-CODE --reason consent_withdrawn|retention_ended|safety|\n"
           "                  survivor_request\n"
           "                   erase a survivor's identity (name, phone, national id); the\n"
           "                   pseudonymous record and the books stay\n"
           "  mpesa callback-url --base https://HOST [--rotate]\n"
           "                   print the M-Pesa B2C ResultURL with a new secret (shown once;\n"
           "                   only its SHA-256 is kept); --rotate replaces the live one\n"
           "  token create --role admin|finance|field|donor|auditor|metrics [--fund CODE]...\n"
           "               [--name N] [--expires-in 90d]\n"
           "                   print a new API token (shown once; only a keyed digest is kept),\n"
           "                   expiring after whole days (30d) or hours (12h), at most 365d\n"
           "  token revoke ID  revoke a token at once (ids: GET /v1/tokens)\n"
           "  pii rotate-key --new-key-file FILE [--batch N]\n"
           "                   re-seal the PII vault under the key in FILE (made if absent)\n"
           "                   while the server runs; run it again to resume after a crash\n"
           "  consortium-key create --output FILE\n"
           "                   write a new consortium key (mode 0600, never replacing a file)\n"
           "                   for the members of a registry to share out of band\n"
           "  hub [--tls-cert FILE --tls-key FILE] [--behind-proxy]\n"
           "                   run the consortium registry's hub on its own database (SPEC §16,\n"
           "                   docs/registry.md); transport rules as serve\n"
           "  hub member add --org CODE --name NAME\n"
           "                   print a new member token (shown once; only its SHA-256 is kept)\n"
           "  hub member remove --org CODE\n"
           "                   revoke a member's token and delete its records and matches\n"
           "  hub sync [--batch N]\n"
           "                   send this organisation's survivors the consortium hub does not\n"
           "                   have yet (RIZIKI_HUB_URL, RIZIKI_HUB_TOKEN,\n"
           "                   RIZIKI_CONSORTIUM_KEY_FILE), N a request; resumable\n"
           "options: --home DIR  --listen HOST:PORT  --database-url URL  --pii-key-file FILE\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "help") {
        usage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? 2 : 0;
    }
    try {
        return riziki::api::run_command(args);
    } catch (const riziki::api::ConfigError& error) {
        std::cerr << "riziki: " << error.what() << "\n";
        return 2;
    } catch (const riziki::api::UsageError& error) {
        std::cerr << "riziki: " << error.what() << "\n";
        usage(std::cerr);
        return 2;
    } catch (const std::exception& error) {
        spdlog::critical("{}", error.what());
        return 1;
    }
}
