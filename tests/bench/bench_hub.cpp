// The consortium registry's speed (SPEC §16, issue 21 "Speed"): a `riziki hub` served in
// this process on a throwaway database, reached over loopback HTTP by the members' own client
// (api::HubClient), as a member's Riziki reaches it.
//
// 1. Registration: member A registers --records records (default 333,334: with an id, a phone
//    and a name token each, 1,000,002 tokens) through POST /hub/v1/check, 500 a request, as
//    `riziki hub sync` sends them; the time of the first 100,000 is the hub's side of a sync.
// 2. Enrolment checks: member B checks --checks single records, half new people, half people A
//    holds (their phone written another way, their name misspelt): each one's latency.
// 3. hub sync end to end: a member's ledger with --survivors survivors (default 100,000),
//    PII sealed in its vault, sent by api::RegistryMember::send_waiting as `riziki hub sync`
//    does: read, unseal, encode, send, keep.
//
// usage: bench_hub [--records N] [--checks N] [--survivors N]

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "api/fresh_code.hpp"
#include "api/hub_client.hpp"
#include "api/hub_handlers.hpp"
#include "api/pii_vault.hpp"
#include "api/registry_encoding.hpp"
#include "api/registry_member.hpp"
#include "db/database.hpp"
#include "db/hash.hpp"
#include "db/hub_store.hpp"
#include "db/pool.hpp"
#include "db/programme.hpp"
#include "tests/bench/bench_programme.hpp"

using namespace riziki;

namespace {

const std::vector<std::string> kFirst{"Wanjiku",  "Achieng", "Amina",     "Fatuma",    "Neema",
                                      "Zawadi",   "Halima",  "Njeri",     "Akinyi",    "Wairimu",
                                      "Mumbua",   "Chebet",  "Nafula",    "Atieno",    "Kerubo",
                                      "Nyambura", "Moraa",   "Jepkosgei", "Mwanaisha", "Saida"};
const std::vector<std::string> kFamily{"Mwangi",   "Otieno",  "Hassan",  "Ali",     "Kamau",
                                       "Odhiambo", "Wanjala", "Kiprono", "Mutua",   "Njoroge",
                                       "Omondi",   "Abdi",    "Chege",   "Kariuki", "Ochieng",
                                       "Barasa",   "Kilonzo", "Mohamed", "Wekesa",  "Korir"};

/// Person `i`, the same every run: a name of three parts, a phone and an id of their own.
api::RegistryIdentity person(std::size_t i) {
    std::mt19937_64 random(i);
    const auto pick = [&](const std::vector<std::string>& from) {
        return from[random() % from.size()];
    };
    return {pick(kFirst) + " " + pick(kFirst) + " " + pick(kFamily),
            "07" + std::to_string(10000000 + i % 90000000), std::to_string(20000000 + i),
            1960 + static_cast<int>(random() % 45)};
}

std::string ref_of(char member, std::size_t i) {
    std::string ref = std::string(1, member) + std::to_string(i);
    return ref + std::string(22 - ref.size(), 'x');
}

nlohmann::json record(const api::ConsortiumKey& key, const api::RegistryIdentity& who,
                      const std::string& ref) {
    return api::check_record_json(api::encode(key, who), ref, "2026-05", "grant");
}

void require(const api::HubAnswer& answer) {
    if (answer.status != 200)
        throw std::runtime_error("the hub answered " + std::to_string(answer.status) + ": " +
                                 answer.body.substr(0, 300));
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0)
        return 1;
    spdlog::set_level(spdlog::level::warn);  // no access log line per request
    const std::size_t records = static_cast<std::size_t>(bench::arg(argc, argv, "records", 333334));
    const int checks = bench::arg(argc, argv, "checks", 2000);
    const int survivors = bench::arg(argc, argv, "survivors", 100000);
    const auto root =
        std::filesystem::temp_directory_path() / ("riziki-bench-hub-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "keys");
    const auto key = api::ConsortiumKey::fresh();
    {
        db::Database hub_db({"", root / "hub", true, db::MigrationSet::hub});
        db::Pool owner(hub_db.owner_conninfo(), 1);
        const auto token_a = api::generate_hub_token();
        const auto token_b = api::generate_hub_token();
        const auto token_c = api::generate_hub_token();
        db::HubStore(owner).add_member("ORG-A", "Organisation A", db::sha256(token_a));
        db::HubStore(owner).add_member("ORG-B", "Organisation B", db::sha256(token_b));
        db::HubStore(owner).add_member("ORG-C", "Organisation C", db::sha256(token_c));
        db::Pool pool(hub_db.app_conninfo(), 8);
        db::HubStore store(pool);
        api::HubOptions hub_options;
        hub_options.records_burst = 100000000;
        api::ServerOptions server_options;
        server_options.port = 0;
        server_options.handler_threads = 16;
        api::HttpServer server(
            server_options, api::make_hub_handler(store, hub_options),
            [](auto, const auto&, const auto&, const auto&) { return api::Response{}; });
        server.start();
        const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
        const api::HubClient a({url, token_a, {}, std::chrono::seconds(60)});
        const api::HubClient b({url, token_b, {}, std::chrono::seconds(60)});

        // 1. Registration, 500 a request.
        auto start = std::chrono::steady_clock::now();
        double first_100k = 0;
        for (std::size_t from = 0; from < records; from += api::kHubCheckRecordsMax) {
            nlohmann::json batch = nlohmann::json::array();
            for (std::size_t i = from; i < std::min(records, from + api::kHubCheckRecordsMax); ++i)
                batch.push_back(record(key, person(i), ref_of('a', i)));
            require(a.call("POST", "/hub/v1/check", nlohmann::json{{"records", batch}}.dump()));
            if (from + api::kHubCheckRecordsMax == 100000)
                first_100k = bench::seconds_since(start);
        }
        const double all = bench::seconds_since(start);
        std::printf(
            "registration: %zu records (%zu tokens) in %.1f s; the first 100,000 in %.1f s "
            "(%.0f records/s)\n",
            records, records * 3, all, first_100k, 100000 / first_100k);

        // 2. Enrolment checks, one record a request.
        bench::Latencies fresh, known;
        std::size_t matched = 0;
        for (int n = 0; n < checks; ++n) {
            const bool is_known = n % 2 == 1;
            auto who = is_known ? person(static_cast<std::size_t>(n) * 131 % records)
                                : person(records + static_cast<std::size_t>(n));
            if (is_known) {
                who.phone = "+254 " + who.phone.substr(1);  // another format
                who.full_name += "e";                       // misspelt
                who.national_id.clear();
            }
            const auto body =
                nlohmann::json{
                    {"records", nlohmann::json::array({record(key, who, ref_of('b', n))})}}
                    .dump();
            const auto started = std::chrono::steady_clock::now();
            const auto answer = b.call("POST", "/hub/v1/check", body);
            const double ms = bench::seconds_since(started) * 1000;
            require(answer);
            (is_known ? known : fresh).ms.push_back(ms);
            matched += nlohmann::json::parse(answer.body)["results"][0]["matches"].empty() ? 0 : 1;
        }
        std::printf(
            "enrolment checks: %d (%zu matched); new people p50 %.2f ms p99 %.2f ms max "
            "%.2f ms; known people p50 %.2f ms p99 %.2f ms max %.2f ms\n",
            checks, matched, fresh.percentile(0.5), fresh.percentile(0.99), fresh.percentile(1.0),
            known.percentile(0.5), known.percentile(0.99), known.percentile(1.0));

        // 3. hub sync end to end from a member's ledger.
        if (survivors > 0) {
            db::Database ledger_db({"", root / "member", true});
            db::Pool member_pool(ledger_db.app_conninfo(), 4);
            db::Programme programme(member_pool);
            const auto vault = api::PiiVault::open(root / "keys" / "pii.key");
            const ledger::Date day{std::chrono::year(2026), std::chrono::month(5),
                                   std::chrono::day(1)};
            if (programme.create_cohort({"C-BENCH", "Bench cohort", "Nairobi", day}) !=
                ledger::Rejection::none)
                throw std::runtime_error("cannot create the cohort");
            start = std::chrono::steady_clock::now();
            for (int i = 0; i < survivors; ++i) {
                const auto who = person(10000000 + static_cast<std::size_t>(i));
                db::SurvivorRecord s{api::random_code("SV-"),
                                     "C-BENCH",
                                     "female",
                                     who.birth_year,
                                     "Nairobi",
                                     day,
                                     true,
                                     true,
                                     "bench",
                                     api::random_record_key()};
                const api::Pii pii{who.full_name, who.phone, who.national_id};
                if (programme.enrol_survivor(s, vault.seal(s.code, pii),
                                             vault.blind_indexes(pii)) != ledger::Rejection::none)
                    throw std::runtime_error("cannot enrol survivor " + std::to_string(i));
            }
            std::printf("member: enrolled %d survivors in %.1f s\n", survivors,
                        bench::seconds_since(start));
            const auto key_file = root / "keys" / "consortium.key";
            api::create_consortium_key_file(key_file);
            api::RegistrySettings settings;
            settings.hub = {url, token_c, {}, std::chrono::seconds(60)};
            settings.key_file = key_file;
            api::RegistryMember member(settings, member_pool, vault);
            start = std::chrono::steady_clock::now();
            const auto progress =
                member.send_waiting(api::kHubCheckRecordsMax, static_cast<std::size_t>(survivors));
            const double took = bench::seconds_since(start);
            std::printf(
                "hub sync: %zu survivors sent in %.1f s (%.0f a second), %lld waiting "
                "after\n",
                progress.sent, took, static_cast<double>(progress.sent) / took,
                static_cast<long long>(progress.waiting));
        }
        server.stop();
        server.wait();
    }
    std::filesystem::remove_all(root);
    return 0;
}
