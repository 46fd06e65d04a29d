#pragma once
/// A member organisation's side of the consortium registry (SPEC §16, docs/registry.md):
/// encodes its survivors with the consortium key, sends them to the hub, keeps what the hub
/// answers (db::RegistryStore), and sends again what could not be sent: an enrolment while
/// the hub is unreachable is queued, not lost. The PII is read from the vault only to be
/// encoded, in this process; the hub receives keyed tokens and a CLK.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/config.hpp"
#include "api/consortium_key.hpp"
#include "api/hub_client.hpp"
#include "api/registry_encoding.hpp"
#include "db/registry_store.hpp"
#include "ledger/date.hpp"

namespace riziki::db {
class Pool;
class Programme;
}  // namespace riziki::db

namespace riziki::api {

class PiiVault;

/// The hub answered, but not with what was asked: a refused token (401), a rate limit
/// (429), a request it found malformed, or an answer that is not the contract's.
struct HubRefused : std::runtime_error {
    HubRefused(const std::string& what, int answered)
        : std::runtime_error(what), status(answered) {}
    int status;
};

struct RegistrySettings {
    HubSettings hub;
    std::filesystem::path key_file;  ///< RIZIKI_CONSORTIUM_KEY_FILE
    /// RIZIKI_HUB_RETRY_S: how often the queue is sent again and new matches fetched.
    std::chrono::seconds retry_every{60};
};

/// What an enrolment's check came to.
struct RegistryCheck {
    bool sent = false;  ///< false: queued (the hub could not be reached or refused)
    std::vector<db::RegistryMatchRow> matches;
};

struct RegistryProgress {
    std::size_t sent = 0;     ///< records the hub registered
    std::size_t matches = 0;  ///< matches it answered for them
    std::int64_t waiting = 0;
};

class RegistryMember {
  public:
    /// Reads the consortium key (ConsortiumKey::read's checks). Starts nothing.
    RegistryMember(const RegistrySettings& settings, db::Pool& pool, const PiiVault& vault);
    ~RegistryMember();  ///< stops the worker
    RegistryMember(const RegistryMember&) = delete;
    RegistryMember& operator=(const RegistryMember&) = delete;

    const std::string& key_id() const { return key_.id(); }

    /// Sends `survivor` now, as its enrolment: its matches (all kept, new and old), or
    /// queued when the hub cannot be reached or refuses. Never throws for the hub.
    RegistryCheck check(const std::string& survivor);

    /// Sends waiting survivors, `batch` a request, until none wait or `limit` were sent.
    /// Resumable: what the hub registered is kept after each batch. Throws HubUnreachable
    /// or HubRefused when a batch fails (the batches before it stay sent).
    RegistryProgress send_waiting(std::size_t batch, std::size_t limit);

    /// GET /hub/v1/matches: keeps the matches found for this member's survivors since (a
    /// member enrolling one of them later). Answers how many were new. Throws as above.
    std::size_t fetch_matches();

    /// PUT /hub/v1/activity/{month}: the survivors this member supported in `month` (a
    /// disbursement in it; db::RegistryStore::supported), replacing what it sent for the month
    /// before. Answers how many. Throws as above.
    std::size_t send_activity(const ledger::Period& month);

    /// DELETE /hub/v1/records/{ref} for every record of a survivor whose identity was erased
    /// here (SPEC §8: an erased survivor must not stay findable at the hub); answers how many
    /// were withdrawn. Throws as above; what is left is withdrawn by the next call.
    std::size_t withdraw_erased();
    /// withdraw_erased(), a failure logged rather than thrown: an erasure never fails on the
    /// hub, the next retry withdraws what is left.
    void withdraw_erased_quietly();

    /// Starts a thread that, every retry_every, withdraws the erased, sends what waits and
    /// fetches new matches;
    /// failures are logged (never a token or a value) and tried again next time.
    void start_worker();

  private:
    /// Encodes and sends `pending`, keeps the answer. Throws as send_waiting.
    RegistryProgress send(const std::vector<db::RegistryPending>& pending);

    RegistrySettings settings_;
    ConsortiumKey key_;
    HubClient client_;
    db::RegistryStore store_;
    db::Pool* pool_;
    const PiiVault* vault_;

    /// One exchange with the hub at a time, from reading what waits to keeping the answer:
    /// an enrolment's check and the worker's retry never send one survivor twice at once,
    /// and a check reads its matches after whoever sent it kept them.
    std::mutex send_mutex_;
    std::mutex mutex_;  ///< the worker's stop flag
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread worker_;
};

/// One record of POST /hub/v1/check as a member sends it (docs/registry.md "The hub's API"):
/// the encoding's tokens in hex (null when absent), its CLK in base64, and the coarse facts.
nlohmann::json check_record_json(const RegistryEncoding& encoding, const std::string& ref,
                                 const std::string& month, const std::string& support);

/// The registry settings of `config`; nullopt when it names no hub (RIZIKI_HUB_URL unset).
std::optional<RegistrySettings> registry_settings(const Config& config);

}  // namespace riziki::api
