// riziki pii rotate-key (issue 17 item 5; docs/privacy.md "Key rotation").

#include "api/pii_commands.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "api/key_safety.hpp"
#include "api/pii_keyring.hpp"
#include "api/pii_vault.hpp"
#include "db/credentials.hpp"
#include "db/database.hpp"
#include "db/programme.hpp"
#include "db/vault_keys.hpp"

namespace riziki::api {

namespace {

/// Passes over the vault before giving up on rows that keep appearing under an old key
/// (a server that had not yet read the new ring when it sealed them).
constexpr int kPassesMax = 3;

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ",") + id;
    return out;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

/// The one key of the new key file, made first when the file is absent.
MasterKey new_key(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
        const auto key = fresh_master_key();
        write_keyring(path, {&key});
    }
    try {
        auto keys = read_keyring(path);
        if (keys.size() != 1)
            throw std::runtime_error("the new key file " + path.string() + " holds " +
                                     std::to_string(keys.size()) + " keys, not one");
        return std::move(keys.front());
    } catch (const std::runtime_error& error) {
        throw ConfigError(error.what());
    }
}

/// Test hook for the crash-and-resume test: RIZIKI_TEST_CRASH_AFTER_BATCHES=N ends the
/// process abruptly (no destructor, no rollback of what was committed) after N batches.
void crash_if_asked(std::size_t batches) {
    const char* after = std::getenv("RIZIKI_TEST_CRASH_AFTER_BATCHES");
    if (after != nullptr && std::to_string(batches) == after)
        ::_exit(75);
}

struct Pass {
    db::ResealCounts counts;
    std::size_t unopenable = 0;
    std::size_t batches = 0;
};

/// Re-seals, batch by batch, every row not under the vault's current key.
Pass reseal_pass(db::VaultKeys& keys, const PiiVault& vault, std::size_t batch_size,
                 std::size_t& batches_total) {
    Pass pass;
    const std::string current = vault.key_id();
    std::string after;
    for (;;) {
        const auto rows = keys.rows_not_under(current, after, batch_size);
        if (rows.empty())
            return pass;
        std::vector<db::Reseal> batch;
        for (const auto& row : rows) {
            const auto pii = vault.unseal(row.survivor, row.sealed);
            if (!pii) {
                ++pass.unopenable;  // under a key not in the ring, or damaged
                continue;
            }
            batch.push_back({row.survivor, row.sealed.key_id, vault.seal(row.survivor, *pii),
                             vault.current_blind_indexes(*pii)});
        }
        const auto counts = keys.reseal(batch);
        pass.counts.resealed += counts.resealed;
        pass.counts.skipped += counts.skipped;
        pass.counts.indexes_taken += counts.indexes_taken;
        after = rows.back().survivor;
        ++pass.batches;
        crash_if_asked(++batches_total);
    }
}

/// Step (a): the new key current, the old ones retired, in the file the server reads.
/// Answers whether this run started the rotation (false: it resumes one).
bool put_new_key_first(const std::filesystem::path& key_file, const MasterKey& key,
                       const std::vector<std::string>& stored) {
    const auto ring = read_keyring(key_file);
    for (const auto& id : stored) {
        const bool known = id == key.id || std::any_of(ring.begin(), ring.end(),
                                                       [&](const auto& k) { return k.id == id; });
        if (!known)
            throw std::runtime_error("the vault holds rows sealed under key " + id +
                                     ", which is in neither key file: restore that key into " +
                                     key_file.string() + " first");
    }
    if (ring.front().id == key.id)
        return false;
    std::vector<const MasterKey*> next{&key};
    for (const auto& k : ring) {
        if (k.id != key.id)
            next.push_back(&k);
    }
    if (next.size() > kKeyringKeysMax)
        throw std::runtime_error("the key file already holds " + std::to_string(ring.size()) +
                                 " keys: finish the rotations under way first");
    write_keyring(key_file, next);
    return true;
}

/// What a finished rotation prints: the counts, and what an operator must look at.
void print_end(const db::ResealCounts& counts, std::size_t batches, const std::string& key_id,
               const std::vector<std::string>& retired, std::int64_t stranded_tokens) {
    std::cout << "re-sealed " << counts.resealed << " survivors under key " << key_id << " in "
              << batches << " batch(es)"
              << (counts.skipped > 0 ? ", " + std::to_string(counts.skipped) + " skipped (erased)"
                                     : "")
              << "; retired " << (retired.empty() ? "no key" : joined(retired))
              << "; the key file now holds key " << key_id << " only\n";
    if (stranded_tokens > 0)
        std::cout << stranded_tokens
                  << " live API tokens were keyed under the retired key(s) and no longer "
                     "work: `riziki token create` new ones for their holders, then "
                     "`riziki token revoke` the old ids (GET /v1/tokens lists them)\n";
    if (counts.indexes_taken > 0)
        std::cout << counts.indexes_taken
                  << " phone or national id values are held by another survivor too "
                     "(double enrolments from before issue 16): look at them\n";
}

}  // namespace

int rotate_key_command(const Config& config, const RotateKeyOptions& options) {
    const auto key_file = resolved(config.pii_key_file);
    if (!std::filesystem::exists(key_file))
        throw ConfigError("no PII key file at " + config.pii_key_file.string() + " to rotate");
    if (resolved(options.new_key_file) == key_file)
        throw ConfigError("--new-key-file must be another file than the key file in use");
    check_key_location(config.pii_key_file, config.home, std::nullopt);
    check_key_location(options.new_key_file, config.home, std::nullopt);
    db::Database database({config.database_url, config.home, true});
    check_key_location(config.pii_key_file, config.home, database.data_directory());
    check_key_location(options.new_key_file, config.home, database.data_directory());
    const MasterKey key = new_key(options.new_key_file);
    db::Pool pool(database.app_conninfo(), 1);
    db::VaultKeys keys(pool);
    db::Programme programme(pool);
    if (contains(keys.retired_key_ids(), key.id))
        throw ConfigError("the key in " + options.new_key_file.string() + " (" + key.id +
                          ") was retired by an earlier rotation: never use it again; give a "
                          "new file name and a fresh key is made there");
    const bool started = put_new_key_first(key_file, key, programme.vault_key_ids());
    const auto vault = PiiVault::open(key_file);
    const auto ring = vault.key_ids();
    programme.audit({"cli", "", started ? "pii.rotate_key.start" : "pii.rotate_key.resume", key.id,
                     "ring=" + joined(ring)});
    spdlog::info("{} the rotation to PII key {} (ring {})", started ? "starting" : "resuming",
                 key.id, joined(ring));
    const std::vector<std::string> retired(ring.begin() + 1, ring.end());
    Pass total;
    std::size_t batches = 0;
    for (int pass = 0; pass < kPassesMax; ++pass) {
        const auto done = reseal_pass(keys, vault, options.batch, batches);
        total.counts.resealed += done.counts.resealed;
        total.counts.skipped += done.counts.skipped;
        total.counts.indexes_taken += done.counts.indexes_taken;
        total.unopenable = done.unopenable;
        if (done.unopenable == 0 && keys.retire_keys(key.id, retired) == 0) {
            // Tokens are keyed again only when used (api/auth.cpp): those not used while
            // the rotation ran stay under a retired key and stop working here.
            const auto stranded = db::Credentials(pool).live_tokens_under(retired);
            write_keyring(key_file, {&key});
            programme.audit(
                {"cli", "", "pii.rotate_key.end", key.id,
                 "retired=" + joined(retired) +
                     " resealed=" + std::to_string(total.counts.resealed) +
                     " skipped=" + std::to_string(total.counts.skipped) +
                     " index_values_taken=" + std::to_string(total.counts.indexes_taken) +
                     " tokens_stranded=" + std::to_string(stranded)});
            print_end(total.counts, batches, key.id, retired, stranded);
            return 0;
        }
    }
    if (total.unopenable > 0)
        std::cerr << "riziki: " << total.unopenable
                  << " vault rows could not be opened with the keys of " << key_file.string()
                  << " (sealed under a key not in it, or damaged); the old keys were kept\n";
    else
        std::cerr << "riziki: rows kept appearing under an old key after " << kPassesMax
                  << " passes (a server still sealing under it?); the old keys were kept: run "
                     "the same command again\n";
    return 1;
}

}  // namespace riziki::api
