#pragma once
/// `riziki pii ...`: commands on the PII vault's keys (docs/operations.md "PII key").

#include <cstddef>
#include <filesystem>

#include "api/config.hpp"

namespace riziki::api {

struct RotateKeyOptions {
    std::filesystem::path new_key_file;  ///< --new-key-file: made with a fresh key if absent
    std::size_t batch = 200;             ///< --batch: rows re-sealed per transaction
};

/// riziki pii rotate-key --new-key-file F [--batch N]: makes F's key the current key of the
/// keyring file the server reads (the old key retired, still opening older rows), re-seals
/// every vault row under it in batches with fresh blind indexes, then drops the old keys
/// from the keyring file and the database. Resumable: run again with the same F after a
/// crash, it carries on where it stopped. Exit 0 when done, 2 for a refused key file.
int rotate_key_command(const Config& config, const RotateKeyOptions& options);

}  // namespace riziki::api
